"""Hostile input judged by what comes out: script in user text escaped in the HTML of every
e-mail that carries it; script, Typst markup and spreadsheet formulas printed as plain text in
the compiled reports (PDF, DOCX, HTML, XLSX, CSV) and the open data; disguised, oversized or
macro-carrying files refused at upload; SQL in search and filter parameters read as words."""

import csv
import html
import io
import re
import zipfile
from datetime import timedelta
from functools import cache
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from consultations import services as consultations
from consultations.models import Answer, Input
from notifications.models import OutgoingEmail
from notifications.services import digests_send, notification_preferences_save
from reviews.models import Report, ReportVersion
from stakeholders import services as stakeholders
from stakeholders.models import Membership
from tests.consultations.factories import AuthorFactory, CallFactory, submitted_input
from tests.factories import (
    CountryFactory,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    ProfileFactory,
    StaffFactory,
)
from tests.reviews import conftest as reports
from tests.reviews.test_report_documents import download, pdf_text

pytestmark = pytest.mark.django_db

# The report tests' fixtures: a member of the Report compiler role, logged in, compiling in
# the admin.
compiler = reports.compiler
compile_in_admin = reports.compile_in_admin

SCRIPTS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>')
SCRIPT = " ".join(SCRIPTS)
ESCAPED = (
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&lt;img src=x onerror=alert(1)&gt;",
    "&quot;&gt;&lt;svg onload=alert(1)&gt;",
)
RAW_TAG = re.compile(r"<\s*(script|img|svg)\b", re.IGNORECASE)
# Typst markup that, read as markup, would read a file, import one, fail the compilation or
# change the text.
MARKUP = ('#read("/etc/passwd")', '#import "x.typ"', "$x^2$", "]", "*bold*", "\\", '#{panic("x")}')
MARKUP_ANSWER = "\n\n".join(f"Markup {markup} stays text." for markup in MARKUP)
# Closing Word's XML around the text would start a paragraph of the writer's choosing.
WORD_XML = "</w:t></w:r></w:p><w:p><w:r><w:t>injected"
FORMULAS = (
    '=HYPERLINK("https://evil.example","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
)
# Names people give, which the reports and e-mails print: each starts as a formula would.
ORGANISATION = f'@SUM(A1) {SCRIPT} #read("/etc/passwd")'
DISPLAY_NAME = f"-2+3 {SCRIPT} $x^2$"
ATTACHMENT_NAMES = ("<img src=x onerror=alert(1)>.txt", '"><svg onload=alert(1)> #read("x").txt')


def words(text: str) -> str:
    """Text with its whitespace (line breaks of a PDF included) made single spaces."""
    return " ".join(text.split())


# --- E-mails -------------------------------------------------------------------------------------


@pytest.fixture
def cast(reference_data):
    """An author and an organisation administrator with script in their display names, the
    organisation with script in its name, still to be verified, and a moderator and staff."""
    organisation = OrganisationFactory(name=ORGANISATION, verification_status="pending")
    admin = ProfileFactory(display_name=DISPLAY_NAME).user
    MembershipFactory(user=admin, organisation=organisation, role=Membership.Role.ADMIN)
    return {
        "author": ProfileFactory(display_name=DISPLAY_NAME).user,
        "organisation": organisation,
        "admin": admin,
        "moderator": ModeratorFactory(),
        "staff": StaffFactory(),
    }


def _submitted(cast) -> Input:
    return submitted_input(author=cast["author"], answer=SCRIPT)


def _approved(cast) -> Input:
    return consultations.input_approve(input=_submitted(cast), by=cast["moderator"])


def _membership_accepted(cast) -> None:
    membership = stakeholders.membership_request(
        user=cast["author"], organisation=cast["organisation"]
    )
    stakeholders.membership_accept(membership=membership, by=cast["admin"])


def _reminded(cast) -> None:
    call = CallFactory()
    consultations.input_create_draft(call=call, author=cast["author"])
    consultations.reminders_send_due(now=call.closes_at - timedelta(hours=47))


def _focal_point_rejected(cast) -> None:
    focal_point = stakeholders.focal_point_request(
        user=cast["author"], country=CountryFactory(), position=SCRIPT
    )
    stakeholders.focal_point_reject(focal_point=focal_point, by=cast["staff"], reason=SCRIPT)


def _digest(cast) -> None:
    notification_preferences_save(
        user=cast["author"], choices={"membership_accepted": ("digest", None)}
    )
    _membership_accepted(cast)
    digests_send()


EVENTS = {
    "receipt": (_submitted, {"input_receipt"}),
    "approved": (_approved, {"input_approved"}),
    "changes requested": (
        lambda cast: consultations.input_request_changes(
            input=_submitted(cast), by=cast["moderator"], message=SCRIPT
        ),
        {"input_changes_requested"},
    ),
    "rejected": (
        lambda cast: consultations.input_reject(
            input=_submitted(cast), by=cast["moderator"], reason_code="other", reason=SCRIPT
        ),
        {"input_rejected"},
    ),
    "unpublished": (
        lambda cast: consultations.input_unpublish(
            input=_approved(cast), by=cast["moderator"], reason=SCRIPT
        ),
        {"input_unpublished"},
    ),
    "membership requested": (
        lambda cast: stakeholders.membership_request(
            user=cast["author"], organisation=cast["organisation"]
        ),
        {"membership_requested"},
    ),
    "membership accepted": (_membership_accepted, {"membership_accepted"}),
    "organisation verified": (
        lambda cast: stakeholders.organisation_verify(
            organisation=cast["organisation"], by=cast["staff"]
        ),
        {"organisation_verified"},
    ),
    "organisation rejected": (
        lambda cast: stakeholders.organisation_reject(
            organisation=cast["organisation"], by=cast["staff"], reason=SCRIPT
        ),
        {"organisation_rejected"},
    ),
    "deadline reminder": (_reminded, {"deadline_reminder"}),
    "focal point rejected": (_focal_point_rejected, {"focal_point_rejected"}),
    "invitation": (
        lambda cast: stakeholders.invitation_create(
            organisation=cast["organisation"], email="colleague@example.org", by=cast["admin"]
        ),
        {"organisation_invitation"},
    ),
    "daily digest": (_digest, {"digest"}),
}


@pytest.mark.parametrize(("event", "kinds"), EVENTS.values(), ids=EVENTS.keys())
def test_script_in_user_text_is_escaped_in_every_emails_html_and_kept_in_its_text(
    cast, event, kinds
):
    event(cast)

    emails = [email for email in OutgoingEmail.objects.all() if SCRIPT in email.body_text]
    assert kinds <= {email.kind for email in emails}
    for email in emails:
        assert not RAW_TAG.search(email.body_html), email.kind
        if email.body_html:
            assert all(escaped in email.body_html for escaped in ESCAPED), email.kind


# --- Reports -------------------------------------------------------------------------------------


@pytest.fixture
def hostile_report(reference_data, settings, compiler, compile_in_admin):
    """A report compiled in the admin from published inputs whose every text is hostile: an
    organisation's, a person's (named) and anonymous ones, each answer starting as a formula;
    attachments with script in their names."""
    settings.GCM_STAFF_MFA_REQUIRED = False
    call = CallFactory(code="ECE")
    moderator = ModeratorFactory()
    author = ProfileFactory(display_name=DISPLAY_NAME).user
    organisation = OrganisationFactory(name=ORGANISATION)
    MembershipFactory(user=author, organisation=organisation)
    inputs = [
        submitted_input(
            call=call,
            author=author,
            answer=f"{SCRIPT}\n\n{WORD_XML}",
            on_behalf="organisation",
            organisation=organisation,
        ),
        submitted_input(call=call, author=author, answer=MARKUP_ANSWER),
        *(
            submitted_input(call=call, answer=formula, consent="public_anonymous")
            for formula in FORMULAS
        ),
    ]
    for name in ATTACHMENT_NAMES:
        consultations.input_attach(
            input=inputs[1],
            by=author,
            upload=SimpleUploadedFile(name, b"Evidence.", "text/plain"),
        )
    for input in inputs:
        consultations.input_approve(input=input, by=moderator)
    report = Report.objects.create(
        call=call, title="ECE review", introduction=f"Staff wrote {MARKUP[0]} and {SCRIPTS[0]}."
    )
    version = compile_in_admin(report)
    assert version.state == ReportVersion.State.DONE, version.error
    return version


def test_report_pdf_prints_markup_script_and_names_as_text(client, hostile_report):
    text = words(pdf_text(download(client, hostile_report, "pdf")))

    for markup in MARKUP:
        assert f"Markup {markup} stays text." in text
    assert words(SCRIPT) in text and WORD_XML in text
    assert words(ORGANISATION) in text and words(DISPLAY_NAME) in text  # as attributed
    assert f"Staff wrote {MARKUP[0]} and {SCRIPTS[0]}." in text
    for name in ATTACHMENT_NAMES:
        assert words(name) in text
    assert "root:" not in text  # /etc/passwd was never read


def test_report_docx_keeps_script_and_word_xml_as_text(client, hostile_report):
    document = docx.Document(io.BytesIO(download(client, hostile_report, "docx")))

    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert SCRIPT in paragraphs and WORD_XML in paragraphs and "injected" not in paragraphs
    assert all(f"Markup {markup} stays text." in paragraphs for markup in MARKUP)
    assert any(ORGANISATION in text for text in paragraphs)
    assert any(DISPLAY_NAME in text for text in paragraphs)
    assert all(any(name in text for text in paragraphs) for name in ATTACHMENT_NAMES)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert ORGANISATION in cells  # the annex's list of organisations and index
    # Every element is Word's (in a namespace): an injected <script> or <img> would not be.
    assert all(str(element.tag).startswith("{") for element in document.element.body.iter())


def test_report_html_escapes_script_everywhere(client, hostile_report):
    document = b"".join(
        client.get(
            reverse("admin:reviews_reportversion_download", args=[hostile_report.pk, "html"])
        ).streaming_content
    ).decode()

    assert not RAW_TAG.search(document)
    assert all(escaped in document for escaped in ESCAPED)
    assert "&lt;/w:t&gt;" in document


def test_report_csv_and_xlsx_cells_never_start_a_formula(client, hostile_report):
    csv_text = download(client, hostile_report, "csv").decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(download(client, hostile_report, "xlsx")))

    header, *rows = list(csv.reader(io.StringIO(csv_text)))
    answers = [row[header.index("answer")] for row in rows]
    attributions = [row[header.index("attribution")] for row in rows]
    assert all(f"'{formula}" in answers for formula in FORMULAS)
    assert f"'{ORGANISATION}" in attributions and f"'{DISPLAY_NAME}" in attributions
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    # Strings (shared or inline) and numbers; a formula would be "f".
    assert {cell.data_type for cell in cells} <= {"s", "inlineStr", "n"}
    # XML reads a carriage return as a line feed.
    strings = [cell.value.replace("\r", "\n") for cell in cells if isinstance(cell.value, str)]
    for formula in FORMULAS:
        assert f"'{formula}".replace("\r", "\n") in strings
    assert f"'{ORGANISATION}" in strings and f"'{DISPLAY_NAME}" in strings


def test_open_data_csv_cells_never_start_a_formula(client, reference_data):
    moderator = ModeratorFactory()
    author = AuthorFactory()
    organisation = OrganisationFactory(name=ORGANISATION)
    MembershipFactory(user=author, organisation=organisation)
    for formula in FORMULAS:
        consultations.input_approve(
            input=submitted_input(
                author=author,
                answer=formula,
                on_behalf="organisation",
                organisation=organisation,
            ),
            by=moderator,
        )

    response = client.get("/api/v1/open-data/inputs.csv")

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    records = [dict(zip(header, row, strict=True)) for row in rows]
    assert sorted(record["answer"] for record in records) == sorted(f"'{f}" for f in FORMULAS)
    assert {record["attribution"] for record in records} == {f"'{ORGANISATION}"}


def test_the_copy_of_ones_input_prints_markup_as_text(client, reference_data):
    input = submitted_input(answer=MARKUP_ANSWER)
    client.force_login(input.author)

    response = client.get(reverse("input_copy", args=[input.pk]))

    assert response.status_code == 200
    text = words(pdf_text(response.content))
    assert all(f"Markup {markup} stays text." in text for markup in MARKUP)


# --- Files at upload -----------------------------------------------------------------------------

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(512)
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
NOT_ACCEPTED = "This file is not a PDF, Word (DOCX), OpenDocument (ODT) or plain text file."
UNSAFE = "This document is damaged or unsafe to open."
MACROS = "This document contains macros, which could run on the computers of those who open it."
NAMED_AS_TEXT = "The name of this file must end in .txt, as it is plain text."


def _office_file(save, extra: dict[str, bytes], *, content_types=None) -> bytes:
    """An office document made by its own library (`save(buffer)`), with members added and,
    in its list of content types, `content_types` (old, new) replaced."""
    made = io.BytesIO()
    save(made)
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(made) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "[Content_Types].xml" and content_types:
                content = content.replace(*content_types)
            target.writestr(item, content)
        for name, content in extra.items():
            target.writestr(name, content)
    return buffer.getvalue()


def _docx(extra: dict[str, bytes], **kwargs) -> bytes:
    return _office_file(docx.Document().save, extra, **kwargs)


@cache
def _docx_bomb() -> bytes:
    """A DOCX one of whose members unpacks to 200 MB of zeros (some 200 KB packed)."""
    made = io.BytesIO(_docx({}))
    with (
        zipfile.ZipFile(made, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/image1.png", "w", force_zip64=True) as member,
    ):
        for _ in range(200):
            member.write(bytes(1024 * 1024))
    return made.getvalue()


MACRO_ENABLED = b"document.main+xml", b"document.macroEnabled.main+xml"

FILES = {
    "exe named pdf": ("report.pdf", lambda: EXECUTABLE, NOT_ACCEPTED),
    "exe named docx": ("report.docx", lambda: EXECUTABLE, NOT_ACCEPTED),
    "elf named xlsx": ("figures.xlsx", lambda: ELF, NOT_ACCEPTED),
    "html named pdf": ("report.pdf", lambda: HTML, NAMED_AS_TEXT),
    "html": ("report.html", lambda: HTML, NAMED_AS_TEXT),
    "script for windows named js": (
        "evidence.js",
        lambda: b'new ActiveXObject("WScript.Shell").Run("calc")',
        NAMED_AS_TEXT,
    ),
    "docx zip bomb": ("recommendations.docx", _docx_bomb, UNSAFE),
    "docx with a path traversal member": (
        "recommendations.docx",
        lambda: _docx({"../../evil.txt": b"Written outside."}),
        UNSAFE,
    ),
    "docx with a macro": (
        "recommendations.docx",
        # The VBA project under another name: the content types still tell.
        lambda: _docx({"word/project.bin": b"\xd0\xcf\x11\xe0"}, content_types=MACRO_ENABLED),
        MACROS,
    ),
    "xlsx with a macro": (
        "figures.xlsx",
        lambda: _office_file(Workbook().save, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
        MACROS,
    ),
}


def stored_files(settings) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


@pytest.fixture
def draft(reference_data):
    return consultations.input_create_draft(call=CallFactory(), author=AuthorFactory())


@pytest.mark.parametrize(("name", "content", "reason"), FILES.values(), ids=FILES.keys())
def test_a_dangerous_file_is_refused_by_the_form_with_its_reason(
    client, post, settings, draft, name, content, reason
):
    client.force_login(draft.author)

    response = post(
        reverse("input_attach", args=[draft.pk]),
        {"file": SimpleUploadedFile(name, content(), "application/pdf")},
        follow=True,
    )

    assert f"“{name}” was not attached: " in response.content.decode()
    assert reason in html.unescape(response.content.decode())
    assert not draft.attachments.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(("name", "content", "reason"), FILES.values(), ids=FILES.keys())
def test_a_dangerous_file_is_refused_by_the_api_with_its_reason(
    client, settings, draft, name, content, reason
):
    _token, key = stakeholders.api_token_create(user=draft.author, name="Case system")

    response = client.post(
        f"/api/v1/my/inputs/{draft.pk}/attachments/",
        {"file": SimpleUploadedFile(name, content(), "application/octet-stream")},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )

    assert response.status_code == 400
    [message] = response.json()["error"]["fields"]["file"]
    assert reason in message
    assert not draft.attachments.exists()
    assert stored_files(settings) == []


def test_a_long_name_cut_to_fit_keeps_the_extension_of_its_content(client, draft):
    name = "x" * 195 + ".html.txt"  # cut at 200 characters, it would end in .html

    attachment = consultations.input_attach(
        input=draft, by=draft.author, upload=SimpleUploadedFile(name, HTML, "text/plain")
    )

    assert attachment.original_name.endswith(".txt") and len(attachment.original_name) <= 200
    client.force_login(draft.author)
    response = client.get(reverse("attachment_download", args=[attachment.pk]))
    assert response["Content-Disposition"].endswith('.txt"')


# --- SQL in search and filter parameters ---------------------------------------------------------

SQL = ("'; DROP TABLE consultations_input; --", "1 OR 1=1")


@pytest.fixture
def two_published(reference_data):
    """A published input quoting SQL in its answer, and one that does not."""
    call = CallFactory()
    moderator = ModeratorFactory()
    quoting = submitted_input(call=call, answer=f"We saw {SQL[0]} and {SQL[1]} in a form.")
    plain = submitted_input(call=call)
    for input in (quoting, plain):
        consultations.input_approve(input=input, by=moderator)
    return call, quoting, plain


@pytest.mark.parametrize("sql", SQL)
def test_sql_in_a_search_finds_it_as_words_and_drops_nothing(client, two_published, sql):
    call, quoting, plain = two_published

    pages = [
        client.get(reverse("input_list"), {"q": sql}),
        client.get(reverse("call_inputs", args=[call.pk]), {"q": sql}),
    ]
    api = client.get("/api/v1/inputs/", {"q": sql})
    others = [
        client.get(reverse("call_list"), {"q": sql}),
        client.get(reverse("organisation_list"), {"q": sql}),
        client.get("/api/v1/calls/", {"q": sql}),
        client.get("/api/v1/organisations/", {"q": sql}),
        client.get("/api/v1/open-data/inputs.csv", {"q": sql}),
    ]

    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        assert quoting.reference in text and plain.reference not in text
    assert api.status_code == 200
    assert [input["reference"] for input in api.json()["results"]] == [quoting.reference]
    assert [response.status_code for response in others] == [200] * len(others)
    assert Input.objects.count() == 2 and Answer.objects.count() == 2


@pytest.mark.parametrize("sql", SQL)
def test_sql_in_a_filter_is_a_wrong_choice_and_drops_nothing(client, two_published, sql):
    filters = {"objective": sql, "country": sql, "language": sql}

    page = client.get(reverse("input_list"), filters)
    api = client.get("/api/v1/inputs/", {**filters, "ordering": sql, "call": sql})

    assert page.status_code == 200
    assert api.status_code == 400
    assert set(api.json()["error"]["fields"]) == {"objective", "country", "language", "call"}
    assert Input.objects.published().count() == 2
