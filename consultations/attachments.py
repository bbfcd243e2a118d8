"""What an uploaded attachment really is, judged by its content (never by its name)."""

import re
import zipfile

import pypdf
from django.utils.translation import gettext

from gcmportal.errors import DomainError

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# A document that unpacks to more than this (or compresses too well) is treated as a zip bomb.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100

PDF = ("pdf", "application/pdf")
DOCX = ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
ODT = ("odt", "application/vnd.oasis.opendocument.text")
TXT = ("txt", "text/plain; charset=utf-8")


def _refuse() -> DomainError:
    return DomainError(
        gettext("This file is not a PDF, Word (DOCX), OpenDocument (ODT) or plain text file.")
    )


def _office_document(upload) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members) or 1
            if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_COMPRESSION_RATIO:
                raise DomainError(gettext("This document is damaged or unsafe to open."))
            names = {member.filename for member in members}
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return DOCX
            if "mimetype" in names and archive.read("mimetype").strip() == ODT[1].encode():
                return ODT
    except zipfile.BadZipFile as exc:
        raise _refuse() from exc
    raise _refuse()


# PDF actions that run by themselves or reach outside the document.
ACTIVE_PDF_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE"}
# The same, as they read in the file's bytes (those outside compressed object streams).
ACTIVE_PDF_NAMES = re.compile(rb"/(JavaScript|JS|Launch|ImportData|SubmitForm|GoToE)\b")


def _active_action(action) -> bool:
    action = action.get_object() if action is not None else None
    return bool(action) and (action.get("/S") in ACTIVE_PDF_ACTIONS or "/JS" in action)


def _pdf_runs_something(upload) -> bool:
    """Whether a PDF carries scripts or actions that run by themselves: on opening (catalog),
    on a page, in an annotation or a form field, or in its document-level JavaScript."""
    upload.seek(0)
    if ACTIVE_PDF_NAMES.search(upload.read()):
        return True
    upload.seek(0)
    try:
        reader = pypdf.PdfReader(upload, strict=False)
        catalog = reader.trailer["/Root"]
        if "/AA" in catalog or _active_action(catalog.get("/OpenAction")):
            return True
        if "/JavaScript" in (catalog.get("/Names") or {}):
            return True
        for page in reader.pages:
            if "/AA" in page:
                return True
            for annotation in page.get("/Annots") or []:
                annotation = annotation.get_object()
                if "/AA" in annotation or _active_action(annotation.get("/A")):
                    return True
    except (pypdf.errors.PyPdfError, KeyError, TypeError, ValueError, AttributeError):
        # A file pypdf cannot follow may still open in a reader: its bytes were checked above,
        # and attachments are served in a sandbox.
        return False
    finally:
        upload.seek(0)
    return False


def attachment_kind(upload) -> tuple[str, str]:
    """(extension, content type) of an uploaded file, from its bytes; DomainError otherwise."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise DomainError(
            gettext("This file is larger than %(size)d MB.")
            % {"size": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
        )
    if upload.size == 0:
        raise DomainError(gettext("This file is empty."))
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        if _pdf_runs_something(upload):
            raise DomainError(
                gettext(
                    "This PDF contains scripts or actions that run by themselves. Save it "
                    "without them (for example, print it to a new PDF) and attach it again."
                )
            )
        return PDF
    if head.startswith(b"PK\x03\x04"):
        kind = _office_document(upload)
        upload.seek(0)
        return kind
    content = upload.read()
    upload.seek(0)
    if b"\x00" in content:
        raise _refuse()
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _refuse() from exc
    return TXT
