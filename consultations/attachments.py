"""What an uploaded attachment really is, judged by its content; its name, under which it is
downloaded, must then say the same."""

import re
import zipfile
from pathlib import Path

import pypdf
from django.utils.translation import gettext, gettext_lazy

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
# What each kind is, as the message about a file named as another kind says it.
KIND_NAMES = {
    "pdf": gettext_lazy("a PDF"),
    "docx": gettext_lazy("a Word (DOCX) document"),
    "odt": gettext_lazy("an OpenDocument (ODT) document"),
    "txt": gettext_lazy("plain text"),
}
MAX_NAME_CHARS = 200


def _refuse() -> DomainError:
    return DomainError(
        gettext("This file is not a PDF, Word (DOCX), OpenDocument (ODT) or plain text file.")
    )


def _unsafe_member(name: str) -> bool:
    """Whether a member's name would reach outside the folder it is unpacked in (a naive
    unzip writes "../../evil.txt" or "/etc/cron.d/x" where it says)."""
    parts = re.split(r"[/\\]", name)
    return name.startswith(("/", "\\")) or ".." in parts or ":" in name


def _has_macros(archive: zipfile.ZipFile, names: set[str]) -> bool:
    """Whether an office document carries macros: Word's VBA project (a macro-enabled
    document, which Word runs once renamed .docm) or OpenDocument's Basic and scripts."""
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return True
    if any(name.startswith(("Basic/", "Scripts/")) for name in names):
        return True
    if "[Content_Types].xml" not in names:
        return False
    # Read a piece at a time: the list of content types may be padded to many megabytes.
    with archive.open("[Content_Types].xml") as content_types:
        seen = b""
        while piece := content_types.read(64 * 1024):
            seen = seen[-16:] + piece.lower()
            if b"macroenabled" in seen or b"vbaproject" in seen:
                return True
    return False


def _office_document(upload) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members) or 1
            names = {member.filename for member in members}
            if (
                unpacked > MAX_UNPACKED_BYTES
                or unpacked / packed > MAX_COMPRESSION_RATIO
                or any(_unsafe_member(name) for name in names)
            ):
                raise DomainError(gettext("This document is damaged or unsafe to open."))
            if _has_macros(archive, names):
                raise DomainError(
                    gettext(
                        "This document contains macros, which could run on the computers of "
                        "those who open it. Save it without macros (as .docx or .odt) and "
                        "attach it again."
                    )
                )
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
    """(extension, content type) of an uploaded file, from its bytes, whose name must end in
    that extension; DomainError otherwise.

    The file is downloaded under its own name: named "evidence.js" or "page.html", a plain
    text file would run as a script or open as a web page on the computer that saved it.
    """
    extension, content_type = _kind_by_content(upload)
    named = Path(upload.name or "").suffix.lower().strip()
    if named != f".{extension}":
        raise DomainError(
            gettext("The name of this file must end in .%(extension)s, as it is %(kind)s.")
            % {"extension": extension, "kind": KIND_NAMES[extension]}
        )
    return extension, content_type


def attachment_name(name: str) -> str:
    """The file's own name without its folders, cut to MAX_NAME_CHARS characters before its
    extension (which attachment_kind checked), never after."""
    path = Path(name)
    return path.stem[: MAX_NAME_CHARS - len(path.suffix)] + path.suffix


def _kind_by_content(upload) -> tuple[str, str]:
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
