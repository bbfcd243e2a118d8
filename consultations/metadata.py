"""Attachments stripped of the metadata that names their author, before others can download them."""

import struct
import zipfile
import zlib
from io import BytesIO
from typing import NamedTuple

import pypdf
from lxml import etree
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from consultations.attachments import DOCX, ODT, PDF

# What Acrobat and Word show as the document's properties, less the entries that name people
# (Author, and Creator and Producer, which often carry a user or licensee name); any other
# entry is private to the program that wrote it.
KEPT_PDF_INFO = {"/Title", "/Subject", "/Keywords", "/CreationDate", "/ModDate", "/Trapped"}

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
DC = "http://purl.org/dc/elements/1.1/"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"


class _Rules(NamedTuple):
    removed: frozenset[tuple[str, str]]  # (parent, child) tags: optional entries, dropped
    blanked: frozenset[str]  # element tags whose text is emptied, as the schema requires them
    blanked_attributes: frozenset[str]


DOCX_RULES = _Rules(
    removed=frozenset(
        {
            (f"{{{CP}}}coreProperties", f"{{{DC}}}creator"),
            (f"{{{CP}}}coreProperties", f"{{{CP}}}lastModifiedBy"),
            (f"{{{EP}}}Properties", f"{{{EP}}}Company"),
            (f"{{{EP}}}Properties", f"{{{EP}}}Manager"),
            # Custom properties are whatever the author's organisation chose to record.
            (f"{{{CUSTOM}}}Properties", f"{{{CUSTOM}}}property"),
            # Word's list of commenters: their names and account ids (often an e-mail address).
            (f"{{{W15}}}people", f"{{{W15}}}person"),
        }
    ),
    blanked=frozenset(),
    # Comments and tracked changes (w:ins, w:del, w:rPrChange...) are required to have an author.
    blanked_attributes=frozenset({f"{{{W}}}author", f"{{{W}}}initials"}),
)
ODT_RULES = _Rules(
    removed=frozenset(
        (f"{{{OFFICE}}}meta", tag)
        for tag in (
            f"{{{DC}}}creator",
            f"{{{META}}}initial-creator",
            f"{{{META}}}printed-by",
            f"{{{META}}}user-defined",
            # Its link is the template's path, which often runs through the user's home folder.
            f"{{{META}}}template",
        )
    ),
    # The authors of comments (office:annotation) and tracked changes (office:change-info).
    blanked=frozenset({f"{{{DC}}}creator", f"{{{META}}}creator-initials"}),
    blanked_attributes=frozenset(),
)

# An office document is a zip of XML parts: entities are neither expanded nor fetched.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

# What a damaged file makes zipfile, lxml, zlib or pypdf raise.
_UNREADABLE = (
    pypdf.errors.PyPdfError,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    etree.LxmlError,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    ValueError,
    RuntimeError,  # also an encrypted zip member, an unknown compression, a recursion
)


def without_author_metadata(content: bytes, content_type: str) -> bytes:
    """The document with everything that names a person removed from its metadata: its
    author, last editor, company and manager, program-specific properties, XMP, and the
    authors of its comments and tracked changes; its text and layout are untouched.

    Stripping an already stripped document returns it unchanged. Plain text (which has no
    metadata) and any other type is returned as it is; ValueError if the document cannot
    be read.
    """
    strip = {PDF[1]: _pdf, DOCX[1]: _docx, ODT[1]: _odt}.get(content_type)
    if strip is None:
        return content
    try:
        return strip(content)
    except _UNREADABLE as exc:
        raise ValueError(f"This document cannot be read ({content_type}).") from exc


def _pdf(content: bytes) -> bytes:
    reader = pypdf.PdfReader(BytesIO(content), strict=False)
    # Owner-password files (printing or copying restricted) open without one; the copy written
    # is then no longer encrypted.
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("The document is protected by a password.")
    writer = pypdf.PdfWriter(clone_from=reader)
    info = writer._info  # the dictionary itself (.metadata is a copy)
    for key in set(info or ()) - KEPT_PDF_INFO:
        del info[key]
    _drop_xmp(writer.root_object)
    for page in writer.pages:
        annotations = page.get("/Annots")
        for annotation in annotations.get_object() if annotations is not None else ():
            annotation = annotation.get_object()
            # A comment's /T is its author; a form field's is its name, which the form needs.
            if annotation.get("/Subtype") != "/Widget":
                annotation.pop("/T", None)
    # The objects no longer referenced (XMP streams) would still be written out, and their
    # numbers left unused: a copy of the copy has neither, so stripping twice changes nothing.
    return _written(pypdf.PdfWriter(clone_from=pypdf.PdfReader(BytesIO(_written(writer)))))


def _written(writer: pypdf.PdfWriter) -> bytes:
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def _drop_xmp(root: DictionaryObject) -> None:
    """Remove the XMP metadata of the document and of its every part (pages, images, fonts)."""
    seen: set[int] = set()
    pending: list = [root]
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            item.pop("/Metadata", None)
            pending.extend(item.values())
        elif isinstance(item, ArrayObject):
            pending.extend(item)


def _docx(content: bytes) -> bytes:
    return _rezip(content, DOCX_RULES)


def _odt(content: bytes) -> bytes:
    return _rezip(content, ODT_RULES, first="mimetype")


def _rezip(content: bytes, rules: _Rules, first: str | None = None) -> bytes:
    """The archive with its XML members stripped by the rules, every other member copied
    with its own compression; `first` stays first and uncompressed (ODF's mimetype)."""
    output = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(content)) as archive,
        zipfile.ZipFile(output, "w") as stripped,
    ):
        members = sorted(archive.infolist(), key=lambda member: member.filename != first)
        for member in members:
            data = archive.read(member)
            if member.filename.lower().endswith(".xml"):
                data = _stripped_xml(data, rules) or data
            copy = zipfile.ZipInfo(member.filename, member.date_time)
            copy.compress_type = (
                zipfile.ZIP_STORED if member.filename == first else member.compress_type
            )
            copy.external_attr = member.external_attr
            copy.comment = member.comment
            stripped.writestr(copy, data)
        stripped.comment = archive.comment
    return output.getvalue()


def _stripped_xml(data: bytes, rules: _Rules) -> bytes | None:
    """The XML part stripped by the rules; None if there was nothing to strip, so that the
    part keeps its bytes (and stripping twice gives the same file)."""
    root = etree.fromstring(data, _PARSER)
    changed = False
    for element in list(root.iter(etree.Element)):
        parent = element.getparent()
        if parent is not None and (parent.tag, element.tag) in rules.removed:
            parent.remove(element)
            changed = True
            continue
        if element.tag in rules.blanked and (element.text or len(element)):
            element.clear(keep_tail=True)
            changed = True
        for name in rules.blanked_attributes & set(element.attrib):
            if element.attrib[name]:
                element.attrib[name] = ""
                changed = True
    if not changed:
        return None
    tree = root.getroottree()
    return etree.tostring(
        tree,
        xml_declaration=True,
        encoding=tree.docinfo.encoding or "UTF-8",
        # lxml reads a declaration without standalone as standalone="no": the same, but longer.
        standalone=True if tree.docinfo.standalone else None,
    )
