"""`manage.py backup --to FOLDER`: the database and the media files, with a manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand

from gcmportal.backups import backup_create


class Command(BaseCommand):
    help = "Back up the database and every media file into a new folder under --to."

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, type=Path, help="where to write the backup")

    def handle(self, *args, to: Path, **options):
        folder = backup_create(destination=to)
        self.stdout.write(f"Backup written to {folder}")
