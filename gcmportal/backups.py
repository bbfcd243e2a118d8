"""Backups of the portal's state: the database (pg_dump's custom format on PostgreSQL, a
consistent copy of the file on SQLite) and every media file (through the storage API, so any
storage works), with a manifest of checksums; and their restore, checked against it."""

import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.utils import timezone

from gcmportal.errors import DomainError

MANIFEST = "manifest.json"
MEDIA = "media.tar.gz"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _postgres_environment() -> dict[str, str]:
    """libpq's variables for the configured database (the password never on a command line)."""
    settings = connection.settings_dict
    values = {
        "PGDATABASE": settings["NAME"],
        "PGUSER": settings.get("USER") or "",
        "PGPASSWORD": settings.get("PASSWORD") or "",
        "PGHOST": settings.get("HOST") or "",
        "PGPORT": str(settings.get("PORT") or ""),
    }
    return {**os.environ, **{name: value for name, value in values.items() if value}}


def _storage_files(folder: str = ""):
    """Every file name in the media storage, recursively."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # a local storage that has never held a file
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for name in folders:
        yield from _storage_files(f"{folder}/{name}" if folder else name)


def backup_create(*, destination: Path) -> Path:
    """Write a backup into a new folder under `destination`; return the folder."""
    folder = destination / f"gcm-backup-{timezone.now():%Y%m%dT%H%M%SZ}"
    folder.mkdir(parents=True)
    vendor = connection.vendor
    if vendor == "postgresql":
        database = folder / "database.dump"
        subprocess.run(  # noqa: S603 -- a fixed program, arguments we make
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(database)],  # noqa: S607
            env=_postgres_environment(),
            check=True,
            capture_output=True,
        )
    elif vendor == "sqlite":
        database = folder / "database.sqlite3"
        source = sqlite3.connect(connection.settings_dict["NAME"])
        target = sqlite3.connect(database)
        with target:
            source.backup(target)  # a consistent copy, even while the portal writes
        source.close()
        target.close()
    else:
        raise DomainError(f"No backup for the {vendor} database.")
    media = folder / MEDIA
    count = 0
    with tarfile.open(media, "w:gz") as archive:
        for name in _storage_files():
            with default_storage.open(name, "rb") as stored:
                info = tarfile.TarInfo(name)
                info.size = default_storage.size(name)
                archive.addfile(info, stored)
            count += 1
    manifest = {
        "created_at": timezone.now().isoformat(),
        "database": {"vendor": vendor, "file": database.name, "sha256": _sha256(database)},
        "media": {"file": media.name, "files": count, "sha256": _sha256(media)},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return folder


def backup_restore(*, source: Path) -> dict:
    """Put the database and the media files back as they were in the backup at `source`,
    after checking every file against the manifest. What the database holds now is replaced;
    media files the backup has are written back (others are left)."""
    manifest = json.loads((source / MANIFEST).read_text())
    for part in ("database", "media"):
        path = source / manifest[part]["file"]
        if not path.exists() or _sha256(path) != manifest[part]["sha256"]:
            raise DomainError(f"{path} is missing or damaged: nothing was restored.")
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise DomainError(f"This backup is of a {vendor} database, not {connection.vendor}.")
    database = source / manifest["database"]["file"]
    connections.close_all()
    if vendor == "postgresql":
        subprocess.run(  # noqa: S603 -- a fixed program, arguments we make
            [  # noqa: S607
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                connection.settings_dict["NAME"],
                str(database),
            ],
            env=_postgres_environment(),
            check=True,
            capture_output=True,
        )
    else:
        # Through SQLite itself, not by replacing the file: a write-ahead log left beside the
        # old file would be replayed onto the restored one.
        source_db = sqlite3.connect(database)
        target_db = sqlite3.connect(connection.settings_dict["NAME"])
        with target_db:
            source_db.backup(target_db)
        source_db.close()
        target_db.close()
    restored = 0
    with tarfile.open(source / manifest["media"]["file"], "r:gz") as archive:
        for member in archive:
            if not member.isfile() or member.name.startswith("/") or ".." in member.name:
                continue  # only plain files inside the media storage
            if default_storage.exists(member.name):
                default_storage.delete(member.name)
            default_storage.save(member.name, File(archive.extractfile(member)))
            restored += 1
    return {"database": vendor, "media_files": restored}
