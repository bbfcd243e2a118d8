"""Helpers for tests: finding programs the suite needs, reading links out of e-mails, racing
operations against each other."""

import os
import re
import shutil
import threading

import pytest
from django.db import connection

from gcmportal.errors import DomainError


def require_program(path_or_name: str, why: str) -> str:
    """Return the program's path; skip the test without it, except in CI where it must exist."""
    found = path_or_name if os.path.isabs(path_or_name) else shutil.which(path_or_name)
    if found and os.access(found, os.X_OK):
        return found
    message = f"{path_or_name} is not installed: {why}"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI must run every test)")
    pytest.skip(message)


LINK_PATTERN = re.compile(r"https?://[^\s\"'<>]+")


def links_in(text: str) -> list[str]:
    """Every absolute link in an e-mail body."""
    return LINK_PATTERN.findall(text)


def run_at_once(*operations) -> list[str]:
    """Run each operation in its own thread and database connection, released together.

    Returns "done" or "refused" (DomainError) per operation; any other error is re-raised.
    """
    start = threading.Barrier(len(operations))
    outcomes: list[str | BaseException] = [""] * len(operations)

    def run(index, operation):
        try:
            start.wait()
            operation()
            outcomes[index] = "done"
        except DomainError:
            outcomes[index] = "refused"
        except BaseException as error:  # reported in the test thread below
            outcomes[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, operation))
        for index, operation in enumerate(operations)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return outcomes


def read_export(response) -> tuple[dict, dict[str, bytes]]:
    """A "Download my data" response: its my-data.json, and every member of the ZIP by name."""
    import io
    import json
    import zipfile

    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(members["my-data.json"]), members


def export_records(data: dict, key: str) -> list[dict]:
    """The records of one section of an export."""
    (section,) = [s for s in data["sections"] if s["key"] == key]
    return section["records"]


def pdf_by(author: str):
    """An uploaded PDF whose metadata names its author (as word processors write it)."""
    import io

    import pypdf
    from django.core.files.uploadedfile import SimpleUploadedFile

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": author, "/Creator": author, "/Title": "Evidence"})
    content = io.BytesIO()
    writer.write(content)
    return SimpleUploadedFile("evidence.pdf", content.getvalue(), "application/pdf")


def docx_by(author: str):
    """An uploaded Word document whose properties name its author and last editor."""
    import io

    import docx
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = docx.Document()
    document.add_paragraph("Notes from our meeting.")
    document.core_properties.author = author
    document.core_properties.last_modified_by = author
    content = io.BytesIO()
    document.save(content)
    return SimpleUploadedFile("notes.docx", content.getvalue())
