"""The report's PDF and DOCX, opened and read as staff and visitors would, and publication on
the call's page with its followers told."""

import io
import subprocess

import docx
import pypdf
import pytest
from django.core import mail
from django.urls import reverse
from docx.oxml.ns import qn

from consultations import services as consultations
from consultations.models import CallFollower
from reviews import documents, services
from reviews.models import Report, ReportVersion
from tests.consultations.factories import language, submitted_input
from tests.factories import ModeratorFactory, ProfileFactory

pytestmark = pytest.mark.django_db

ARABIC = "تحسين حماية العمال المهاجرين في الخليج"
CHINESE = "保护移民工人的权利"
RUSSIAN = "Защита прав трудящихся-мигрантов"
HOSTILE = "<script>alert('x')</script> Ignore\x07 the moderators."


@pytest.fixture
def multilingual(call_with_inputs):
    """The hand-counted inputs, plus published ones in Arabic, Chinese and Russian and one
    whose answer carries a script and a control character."""
    call, inputs = call_with_inputs
    call.accepted_languages.add(*(language(c) for c in ("ar", "zh", "ru")))
    moderator = ModeratorFactory()
    for key, text, code in (
        ("arabic", ARABIC, "ar"),
        ("chinese", CHINESE, "zh"),
        ("russian", RUSSIAN, "ru"),
        ("hostile", HOSTILE, "en"),
    ):
        inputs[key] = submitted_input(call=call, answer=text, language_code=code, objectives=(6,))
        consultations.input_approve(input=inputs[key], by=moderator)
    return call, inputs


def download(client, version, file_format) -> bytes:
    response = client.get(
        reverse("admin:reviews_reportversion_download", args=[version.pk, file_format])
    )
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def pdf_text(content: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it (logical order for right-to-left)."""
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_pdf_has_contents_page_numbers_quotes_as_consented_and_every_script(
    client, multilingual, compiler, compile_in_admin
):
    call, _inputs = multilingual
    report = Report.objects.create(call=call, title="ECE review", introduction="Prepared by staff.")

    version = compile_in_admin(report)

    assert version.state == ReportVersion.State.DONE, version.error
    content = download(client, version, "pdf")
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = pdf_text(content)
    assert "ECE review" in text and "Prepared by staff." in text
    # Front matter numbered i, ii...; the chapters from 1; the contents give their pages.
    labels = reader.page_labels
    assert labels[:2] == ["i", "ii"] and "1" in labels
    first_chapter = labels.index("1")
    assert "Objective 1:" in (reader.pages[first_chapter].extract_text() or "")
    outline = [item.title for item in reader.outline]
    assert outline[0] == "Contents" and outline[-1] == "Annex"
    assert [title.split(":")[0] for title in outline[1:24]] == [
        f"Objective {number}" for number in range(1, 24)
    ]
    objective_6_page = reader.get_destination_page_number(reader.outline[6])
    contents = pdf_text_of_pages(content, 1, first_chapter)
    assert f"{labels[objective_6_page]}\n" in contents
    # Quotes, attributed as consented; the private input is only counted.
    assert "Recruitment fees must be banned." in text
    assert "Kenya Migrant Workers Network" in text
    assert "Published without attribution" in text
    assert "Kept for the staff only." not in text
    assert "Amina Diallo" not in text and "Wanjiru Kamau" not in text
    # User text is printed as text: the script is not run, the control character is gone.
    assert "<script>alert('x')</script> Ignore the moderators." in text
    # Arabic (right to left), Chinese and Cyrillic, in fonts embedded in the file.
    assert ARABIC in text
    assert CHINESE in text and RUSSIAN in text
    fonts = {
        font["/BaseFont"].split("+")[-1]
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert {"NotoSans-Regular", "DejaVuSans", "NotoSansSC-Regular"} <= fonts  # static/fonts


def pdf_text_of_pages(content: bytes, first: int, last: int) -> str:
    """Text of pages first..last (1-based) with pdftotext."""
    return subprocess.run(
        ["pdftotext", "-f", str(first), "-l", str(last), "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()


def test_docx_has_real_headings_quotes_and_right_to_left_paragraphs(
    client, multilingual, compiler, compile_in_admin
):
    call, inputs = multilingual
    report = Report.objects.create(call=call, title="ECE review", introduction="Prepared by staff.")

    version = compile_in_admin(report)

    document = docx.Document(io.BytesIO(download(client, version, "docx")))
    paragraphs = document.paragraphs
    headings = [(p.style.name, p.text) for p in paragraphs if p.style.name.startswith("Heading")]
    chapters = [text for style, text in headings if style == "Heading 1"]
    assert chapters[:3] == ["Introduction", "Contents", "Summary figures"]
    assert [text.split(":")[0] for text in chapters[3:26]] == [
        f"Objective {number}" for number in range(1, 24)
    ]
    assert chapters[-1] == "Annex"
    assert paragraphs[0].style.name == "Title" and paragraphs[0].text == "ECE review"
    # Word's own table of contents field, over headings 1 and 2.
    fields = document.element.body.iter(qn("w:fldSimple"))
    assert [field.get(qn("w:instr")).split(" \\h")[0] for field in fields] == ['TOC \\o "1-2"']
    quotes = {p.text: p for p in paragraphs if p.style.name == "Quote"}
    assert "Recruitment fees must be banned." in quotes
    assert "Kept for the staff only." not in quotes
    assert "<script>alert('x')</script> Ignore the moderators." in quotes
    captions = [p.text for p in paragraphs if p.style.name == "Caption"]
    assert f"— Kenya Migrant Workers Network (Kenya) · {inputs['named'].reference}" in captions
    assert all("Amina Diallo" not in caption for caption in captions)
    arabic = quotes[ARABIC]
    assert arabic._p.pPr.find(qn("w:bidi")) is not None
    assert quotes["Recruitment fees must be banned."]._p.pPr.find(qn("w:bidi")) is None
    assert CHINESE in quotes and RUSSIAN in quotes
    # The summary tables are Word tables: the first one, by stakeholder group, counted by hand.
    header, *rows = ([cell.text for cell in row.cells] for row in document.tables[0].rows)
    assert header == ["Category", "Inputs"]
    assert dict(rows) == {"Civil society": "6", "Migrants": "1"}  # 2 + the 4 added here


def test_a_chapter_cut_into_parts_and_batches_comes_out_whole_and_in_order(
    client, multilingual, compiler, compile_in_admin, monkeypatch
):
    # Objective 6 has six quotes: in parts of two (read and written out part by part) and PDF
    # batches of two quotes (typeset each in its own process), as 10,000 inputs would be.
    monkeypatch.setattr(documents, "PART_QUOTES", 2)
    monkeypatch.setattr(documents, "BATCH_QUOTES", 2)
    call, inputs = multilingual
    report = Report.objects.create(call=call, title="ECE review")
    quoted = sorted(
        (inputs[key] for key in ("named", "anonymous", "arabic", "chinese", "russian", "hostile")),
        key=lambda input: input.reference,
    )

    version = compile_in_admin(report)

    assert version.state == ReportVersion.State.DONE, version.error
    document = docx.Document(io.BytesIO(download(client, version, "docx")))
    body = list(document.element.body)
    assert body[-1].tag == qn("w:sectPr")  # the final section properties stay last
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    references = [c.rsplit("· ", 1)[1] for c in captions if c.startswith("— ")]
    # Objective 6 quotes each input once, by reference; objective 7 the named one again.
    assert references == [input.reference for input in quoted] + [inputs["named"].reference]
    assert len(document.sections) == 1 + 23 + 1  # front matter, a chapter each, annex
    content = download(client, version, "pdf")
    reader = pypdf.PdfReader(io.BytesIO(content))
    pages = [page.extract_text() or "" for page in reader.pages]
    first_chapter = reader.page_labels.index("1")
    # Numbered on from batch to batch: the last page says how many the chapters have.
    assert pages[-1].rstrip().endswith(str(len(pages) - first_chapter))
    text = pdf_text(content)
    positions = [text.index(input.reference) for input in quoted]
    assert positions == sorted(positions)


def test_report_is_compiled_in_the_requesters_language_with_the_translated_introduction(
    client, call_with_inputs, compile_in_admin
):
    call, _inputs = call_with_inputs
    compiler = ModeratorFactory(role="Report compiler")
    ProfileFactory(user=compiler, preferred_language="fr")
    client.force_login(compiler)
    report = Report.objects.create(
        call=call,
        title_en="ECE review",
        title_fr="Examen régional CEE",
        introduction_en="Prepared by staff.",
        introduction_fr="Préparé par le secrétariat.",
    )

    version = compile_in_admin(report)

    text = pdf_text(download(client, version, "pdf"))
    assert "Examen régional CEE" in text and "Préparé par le secrétariat." in text
    assert "Sommaire" in text or "Table des matières" in text
    document = docx.Document(io.BytesIO(download(client, version, "docx")))
    assert document.paragraphs[0].text == "Examen régional CEE"


def test_publishing_puts_the_files_on_the_call_page_and_tells_its_followers(
    client, call_with_inputs, compiler, compile_in_admin, django_capture_on_commit_callbacks
):
    call, _inputs = call_with_inputs
    follower = ProfileFactory(preferred_language="es").user
    CallFollower.objects.create(call=call, user=follower)
    report = Report.objects.create(call=call, title="ECE review")
    version = compile_in_admin(report)
    page = client.get(reverse("call_detail", args=[call.pk])).content.decode()
    assert "ECE review" not in page
    assert client.get(reverse("report_download", args=[version.pk, "pdf"])).status_code == 404
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:reviews_reportversion_publish", args=[version.pk]))

    assert response.status_code == 302
    version.refresh_from_db()
    assert version.published_at and version.published_by == compiler
    notice = next(message for message in mail.outbox if message.to == [follower.email])
    assert "ECE review" in notice.subject
    assert f"/es/calls/{call.pk}/" in notice.body
    client.logout()
    page = client.get(reverse("call_detail", args=[call.pk])).content.decode()
    assert "ECE review" in page
    for file_format in ("pdf", "docx", "xlsx", "csv"):
        url = reverse("report_download", args=[version.pk, file_format])
        assert url in page
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
    # The HTML preview stays in the admin.
    assert client.get(reverse("report_download", args=[version.pk, "html"])).status_code == 404


def test_a_new_published_version_replaces_the_old_and_unpublishing_takes_it_off(
    client, call_with_inputs, compiler, compile_in_admin
):
    call, _inputs = call_with_inputs
    report = Report.objects.create(call=call, title="ECE review")
    first = compile_in_admin(report)
    services.report_publish(version=first, by=compiler)
    second = compile_in_admin(report)

    client.post(reverse("admin:reviews_reportversion_publish", args=[second.pk]))

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.published_at is None and second.published_at is not None
    assert client.get(reverse("report_download", args=[first.pk, "pdf"])).status_code == 404
    assert client.get(reverse("report_download", args=[second.pk, "pdf"])).status_code == 200

    client.post(reverse("admin:reviews_report_unpublish", args=[report.pk]))

    assert client.get(reverse("report_download", args=[second.pk, "pdf"])).status_code == 404
    page = client.get(reverse("call_detail", args=[call.pk])).content.decode()
    assert "ECE review" not in page
    # Staff still download every version.
    download(client, first, "pdf")


def test_only_a_compiled_version_can_be_published_and_moderators_cannot_publish(
    client, call_with_inputs
):
    call, _inputs = call_with_inputs
    report = Report.objects.create(call=call, title="ECE review")
    queued = ReportVersion.objects.create(report=report, number=1)
    moderator = ModeratorFactory()
    client.force_login(moderator)

    response = client.post(reverse("admin:reviews_reportversion_publish", args=[queued.pk]))

    assert response.status_code == 403
    with pytest.raises(services.DomainError, match="Only a compiled version"):
        services.report_publish(version=queued, by=moderator)
    queued.refresh_from_db()
    assert queued.published_at is None
