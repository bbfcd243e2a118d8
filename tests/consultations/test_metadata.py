"""Attachments lose every name of their author hidden in their metadata, and nothing else."""

import zipfile
from io import BytesIO

import docx
import pypdf
import pytest
from lxml import etree
from pypdf.annotations import Popup, Text
from pypdf.generic import (
    DictionaryObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

from consultations.attachments import DOCX, ODT, PDF, TXT
from consultations.metadata import without_author_metadata

MARKER = "Wanjiru Kamau"
XMP = f"""<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq>
<rdf:li>{MARKER}</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>""".encode()


def make_pdf(*, metadata: bool = True) -> bytes:
    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    content = StreamObject()
    content.set_data(b"BT /F1 12 Tf 72 720 Td (Recruitment fees must be banned.) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(content)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    if metadata:
        writer.add_metadata(
            {
                "/Author": MARKER,
                "/Creator": f"Word for {MARKER}",
                "/Producer": f"Acrobat licensed to {MARKER}",
                "/Title": "Fair recruitment",
                "/LastEditor": MARKER,
            }
        )
        writer.xmp_metadata = XMP
        page_xmp = StreamObject()
        page_xmp.set_data(XMP)
        page[NameObject("/Metadata")] = writer._add_object(page_xmp)
        comment = writer.add_annotation(
            0, Text(rect=(50, 550, 200, 650), text="Check the figures", title_bar=MARKER)
        )
        popup = Popup(rect=(200, 550, 400, 650), parent=comment)
        popup[NameObject("/T")] = TextStringObject(MARKER)
        writer.add_annotation(0, popup)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def pdf_everything(content: bytes) -> str:
    """The file's bytes, and every object in it, its streams decoded."""
    reader = pypdf.PdfReader(BytesIO(content))
    seen = [content.decode("latin-1"), repr(reader.metadata)]
    for number in range(1, reader.trailer["/Size"]):
        item = reader.get_object(number)
        seen.append(repr(item))
        if isinstance(item, StreamObject):
            seen.append(item.get_data().decode("latin-1"))
    return "\n".join(seen)


def rezipped(content: bytes, changes: dict[str, bytes]) -> bytes:
    """The archive with members replaced or added."""
    output = BytesIO()
    with zipfile.ZipFile(BytesIO(content)) as archive, zipfile.ZipFile(output, "w") as new:
        for member in archive.infolist():
            new.writestr(member, changes.pop(member.filename, archive.read(member)))
        for name, data in changes.items():
            new.writestr(name, data, zipfile.ZIP_DEFLATED)
    return output.getvalue()


def zip_everything(content: bytes) -> str:
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return "\n".join(
            archive.read(member).decode("utf-8", "replace") for member in archive.infolist()
        )


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
PEOPLE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">
<w15:person w15:author="{MARKER}"><w15:presenceInfo w15:providerId="AD"
w15:userId="S::wanjiru@example.org::1"/></w15:person></w15:people>"""
CUSTOM = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">
<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="Reviewer">
<vt:lpwstr>{MARKER}</vt:lpwstr></property></Properties>"""


def make_docx(*, metadata: bool = True) -> bytes:
    document = docx.Document()
    first = document.add_paragraph("Recruitment fees must be banned.")
    document.add_paragraph("Employers should pay them.")
    document.core_properties.author = MARKER if metadata else ""
    document.core_properties.last_modified_by = MARKER if metadata else ""
    if metadata:
        document.add_comment(first.runs, text="Source?", author=MARKER, initials="WK")
    output = BytesIO()
    document.save(output)
    if not metadata:
        return output.getvalue()
    with zipfile.ZipFile(output) as archive:
        body = archive.read("word/document.xml").decode()
        app = archive.read("docProps/app.xml").decode()
        types = archive.read("[Content_Types].xml").decode()
        package_rels = archive.read("_rels/.rels").decode()
        document_rels = archive.read("word/_rels/document.xml.rels").decode()
    inserted = (
        f'<w:ins {W} w:id="90" w:author="{MARKER}" w:date="2025-01-01T00:00:00Z">'
        "<w:r><w:t>Added later.</w:t></w:r></w:ins></w:p>"
    )
    types = types.replace(
        "</Types>",
        '<Override PartName="/word/people.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.people+xml"/>'
        '<Override PartName="/docProps/custom.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
    )
    return rezipped(
        output.getvalue(),
        {
            "word/document.xml": body.replace("</w:p>", inserted, 1).encode(),
            "docProps/app.xml": app.replace("<Manager/>", f"<Manager>{MARKER}</Manager>")
            .replace("<Company/>", f"<Company>{MARKER}</Company>")
            .encode(),
            "[Content_Types].xml": types.encode(),
            "_rels/.rels": package_rels.replace(
                "</Relationships>",
                '<Relationship Id="rIdCustom" Target="docProps/custom.xml" Type="http://'
                'schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"'
                "/></Relationships>",
            ).encode(),
            "word/_rels/document.xml.rels": document_rels.replace(
                "</Relationships>",
                '<Relationship Id="rIdPeople" Target="people.xml" Type="http://'
                'schemas.microsoft.com/office/2011/relationships/people"/></Relationships>',
            ).encode(),
            "word/people.xml": PEOPLE.encode(),
            "docProps/custom.xml": CUSTOM.encode(),
        },
    )


def paragraphs(content: bytes) -> list[str]:
    return [paragraph.text for paragraph in docx.Document(BytesIO(content)).paragraphs]


ODF = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"'
)
MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
manifest:version="1.3">
<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def make_odt(*, metadata: bool = True) -> bytes:
    author = f"<dc:creator>{MARKER}</dc:creator>" if metadata else ""
    meta = (
        f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta {ODF}><office:meta>
<meta:initial-creator>{MARKER}</meta:initial-creator>{author}
<meta:printed-by>{MARKER}</meta:printed-by>
<meta:user-defined meta:name="Reviewer">{MARKER}</meta:user-defined>
<meta:creation-date>2025-01-01T00:00:00</meta:creation-date>
</office:meta></office:document-meta>"""
        if metadata
        else f"<office:document-meta {ODF}><office:meta/></office:document-meta>"
    )
    content = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {ODF}><office:body><office:text>
<text:tracked-changes><text:changed-region text:id="ct1"><text:insertion>
<office:change-info>{author}<dc:date>2025-01-01T00:00:00</dc:date></office:change-info>
</text:insertion></text:changed-region></text:tracked-changes>
<text:p>Recruitment fees must be banned.<office:annotation>{author}
<text:p>Source?</text:p></office:annotation></text:p>
<text:p><text:change-start text:change-id="ct1"/>Employers should pay them.<text:change-end
text:change-id="ct1"/></text:p>
</office:text></office:body></office:document-content>"""
    output = BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("mimetype", ODT[1], zipfile.ZIP_STORED)
        archive.writestr(
            "META-INF/manifest.xml", MANIFEST.format(mimetype=ODT[1]), zipfile.ZIP_DEFLATED
        )
        archive.writestr("meta.xml", meta, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return output.getvalue()


def odt_texts(content: bytes) -> list[str]:
    with zipfile.ZipFile(BytesIO(content)) as archive:
        root = etree.fromstring(archive.read("content.xml"))
    paragraph = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"
    # Every paragraph's text, comments included, but not their authors.
    visible = etree.XPath(
        ".//text()[not(ancestor::dc:creator)]",
        namespaces={"dc": "http://purl.org/dc/elements/1.1/"},
    )
    return ["".join(visible(element)) for element in root.iter(paragraph)]


def test_pdf_with_authors_loses_every_name_and_keeps_its_text():
    original = make_pdf()
    assert pdf_everything(original).count(MARKER) >= 6

    stripped = without_author_metadata(original, PDF[1])

    assert MARKER not in pdf_everything(stripped)
    reader = pypdf.PdfReader(BytesIO(stripped))
    assert reader.pages[0].extract_text() == "Recruitment fees must be banned."
    assert reader.metadata == {"/Title": "Fair recruitment"}
    assert reader.xmp_metadata is None
    annotations = [annotation.get_object() for annotation in reader.pages[0]["/Annots"]]
    assert [annotation["/Subtype"] for annotation in annotations] == ["/Text", "/Popup"]
    assert annotations[0]["/Contents"] == "Check the figures"


def test_pdf_with_form_field_keeps_its_name():
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(BytesIO(make_pdf(metadata=False))))
    field = DictionaryObject(
        {
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Tx"),
            NameObject("/T"): TextStringObject("organisation"),
        }
    )
    writer.add_annotation(0, field)
    output = BytesIO()
    writer.write(output)

    stripped = without_author_metadata(output.getvalue(), PDF[1])

    annotation = pypdf.PdfReader(BytesIO(stripped)).pages[0]["/Annots"][0].get_object()
    assert annotation["/T"] == "organisation"


def test_docx_with_authors_loses_every_name_and_keeps_its_paragraphs():
    original = make_docx()
    assert zip_everything(original).count(MARKER) >= 7

    stripped = without_author_metadata(original, DOCX[1])

    assert MARKER not in zip_everything(stripped)
    assert "wanjiru@example.org" not in zip_everything(stripped)
    assert paragraphs(stripped) == paragraphs(original)
    document = docx.Document(BytesIO(stripped))
    assert document.core_properties.author == ""
    assert document.core_properties.last_modified_by == ""
    assert [(comment.text, comment.author, comment.initials) for comment in document.comments] == [
        ("Source?", "", "")
    ]
    assert "Added later." in zip_everything(stripped)


def test_pdf_restricted_by_owner_password_is_stripped():
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(BytesIO(make_pdf())))
    writer.encrypt(user_password="", owner_password="owner")
    output = BytesIO()
    writer.write(output)

    stripped = without_author_metadata(output.getvalue(), PDF[1])

    assert MARKER not in pdf_everything(stripped)
    assert pypdf.PdfReader(BytesIO(stripped)).pages[0].extract_text()


def test_pdf_protected_by_password_raises_value_error():
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(BytesIO(make_pdf())))
    writer.encrypt(user_password="secret")
    output = BytesIO()
    writer.write(output)

    with pytest.raises(ValueError, match="cannot be read"):
        without_author_metadata(output.getvalue(), PDF[1])


def test_docx_members_other_than_metadata_are_copied_unchanged():
    original = make_docx()

    stripped = without_author_metadata(original, DOCX[1])

    with zipfile.ZipFile(BytesIO(original)) as before, zipfile.ZipFile(BytesIO(stripped)) as after:
        assert after.namelist() == before.namelist()
        for member in before.infolist():
            assert after.getinfo(member.filename).compress_type == member.compress_type
        for name in ("word/styles.xml", "docProps/thumbnail.jpeg", "[Content_Types].xml"):
            assert after.read(name) == before.read(name)


def test_odt_with_authors_loses_every_name_and_keeps_its_text():
    original = make_odt()
    assert zip_everything(original).count(MARKER) >= 6

    stripped = without_author_metadata(original, ODT[1])

    assert MARKER not in zip_everything(stripped)
    assert odt_texts(stripped) == odt_texts(original)
    with zipfile.ZipFile(BytesIO(stripped)) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert archive.read("mimetype") == ODT[1].encode()
        assert b"<meta:creation-date>" in archive.read("meta.xml")


@pytest.mark.parametrize(
    ("make", "content_type"), [(make_pdf, PDF[1]), (make_docx, DOCX[1]), (make_odt, ODT[1])]
)
def test_document_stripped_twice_is_the_same_as_once(make, content_type):
    once = without_author_metadata(make(), content_type)

    assert without_author_metadata(once, content_type) == once


def test_document_without_metadata_comes_back_valid():
    pdf = without_author_metadata(make_pdf(metadata=False), PDF[1])
    word = without_author_metadata(make_docx(metadata=False), DOCX[1])
    odt = without_author_metadata(make_odt(metadata=False), ODT[1])

    assert pypdf.PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert paragraphs(word) == ["Recruitment fees must be banned.", "Employers should pay them."]
    assert odt_texts(odt) == odt_texts(make_odt(metadata=False))


def test_text_or_unknown_type_comes_back_unchanged():
    text = f"Written by {MARKER}".encode()

    assert without_author_metadata(text, TXT[1]) is text
    assert without_author_metadata(text, "image/png") is text


@pytest.mark.parametrize("content_type", [PDF[1], DOCX[1], ODT[1]])
@pytest.mark.parametrize(
    "content", [b"not a document", b"%PDF-1.7\n1 0 obj<<", b"PK\x03\x04damaged"]
)
def test_damaged_document_raises_value_error(content, content_type):
    with pytest.raises(ValueError, match="cannot be read"):
        without_author_metadata(content, content_type)


def test_docx_with_broken_xml_part_raises_value_error():
    broken = rezipped(make_docx(metadata=False), {"docProps/core.xml": b"<cp:coreProperties"})

    with pytest.raises(ValueError, match="cannot be read"):
        without_author_metadata(broken, DOCX[1])
