"""Backups, tested by a round trip: what is backed up comes back after it was changed and
lost, database and media files alike; a damaged backup restores nothing."""

import json

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from consultations import services
from consultations.models import Attachment, Call, Input
from tests.consultations.factories import submitted_input

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_backup_brings_back_the_database_and_the_media_files(tmp_path):
    input = submitted_input(answer="Fair recruitment needs enforcement.")
    services.input_attach(
        input=input,
        by=input.author,
        upload=SimpleUploadedFile("evidence.txt", b"What we saw in 2026.", "text/plain"),
    )
    attachment = Attachment.objects.get()
    call_command("backup", "--to", str(tmp_path / "backups"))
    [folder] = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["media"]["files"] == 1
    # Then things go wrong: a call renamed, an input deleted, a file lost.
    Call.objects.update(title="Overwritten by mistake")
    Input.objects.filter(pk=input.pk).update(state=Input.State.WITHDRAWN)
    default_storage.delete(attachment.file.name)

    call_command("restore", "--from", str(folder), "--yes")

    assert not Call.objects.filter(title="Overwritten by mistake").exists()
    assert Input.objects.get(pk=input.pk).state == Input.State.SUBMITTED
    assert input.answers.get().text == "Fair recruitment needs enforcement."
    with default_storage.open(Attachment.objects.get().file.name) as restored:
        assert restored.read() == b"What we saw in 2026."


def test_a_damaged_backup_restores_nothing(tmp_path):
    submitted_input(answer="Kept as it is.")
    call_command("backup", "--to", str(tmp_path))
    [folder] = tmp_path.iterdir()
    with (folder / "media.tar.gz").open("ab") as media:
        media.write(b"damage")
    Call.objects.update(title="Changed after the backup")

    with pytest.raises(CommandError, match="missing or damaged"):
        call_command("restore", "--from", str(folder), "--yes")

    assert Call.objects.filter(title="Changed after the backup").exists()


def test_restoring_asks_for_confirmation(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", "--from", str(tmp_path))
