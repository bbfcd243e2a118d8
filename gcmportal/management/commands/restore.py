"""`manage.py restore --from FOLDER --yes`: the database and media files as they were."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gcmportal.backups import backup_restore
from gcmportal.errors import DomainError


class Command(BaseCommand):
    help = (
        "Restore the database and the media files from a backup folder (made by `backup`). "
        "What the database holds now is replaced: stop the web and worker processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="confirm that the current data is replaced"
        )

    def handle(self, *args, source: Path, yes: bool, **options):
        if not yes:
            raise CommandError("Restoring replaces the current data: add --yes to confirm.")
        try:
            restored = backup_restore(source=source)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Restored the {restored['database']} database and "
            f"{restored['media_files']} media files from {source}"
        )
