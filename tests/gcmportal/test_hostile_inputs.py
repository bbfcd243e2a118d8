"""Hostile input, each attempt with the safe outcome it must meet: script in text escaped in
pages and e-mails, awkward Unicode kept intact, path-traversal file names defused, open
redirects refused, forged requests refused, guessing passwords and mass sign-up stopped."""

import io
import zlib

import pypdf
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from consultations import services
from consultations.models import Attachment
from gcmportal.errors import DomainError
from tests.consultations.factories import (
    AuthorFactory,
    CallFactory,
    GuidingQuestionFactory,
    submitted_input,
)
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    ProfileFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
AWKWARD = (
    "\u202eRTL override, zero\u200bwidth\u200djoiner, 4-byte emoji 🌍🧳, "
    + "Pneumonoultramicroscopicsilicovolcanoconiosis" * 40
)


def test_script_in_an_answer_is_printed_as_text_on_the_page_and_in_the_receipt(
    client, reference_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        input = submitted_input(answer=SCRIPT)
    services.input_approve(input=input, by=ModeratorFactory())

    page = client.get(reverse("input_detail", args=[input.pk])).content.decode()

    assert SCRIPT not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    [receipt] = [m for m in mail.outbox if input.reference in m.subject]
    html = {kind: body for body, kind in receipt.alternatives}["text/html"]
    assert SCRIPT not in html and SCRIPT in receipt.body  # the plain text part is text
    assert "&lt;script&gt;" in html


def test_awkward_unicode_is_kept_exactly_and_shown_escaped(client, reference_data):
    input = submitted_input(answer=AWKWARD)
    services.input_approve(input=input, by=ModeratorFactory())

    page = client.get(reverse("input_detail", args=[input.pk]))
    api = client.get(f"/api/v1/inputs/{input.pk}/").json()

    assert page.status_code == 200
    assert AWKWARD in page.content.decode()
    assert api["answers"][0]["text"] == AWKWARD


def test_a_path_traversal_file_name_is_kept_as_a_plain_name_and_stored_elsewhere(reference_data):
    input = submitted_input()

    services.input_attach(
        input=input,
        by=input.author,
        upload=SimpleUploadedFile("../../../etc/passwd.txt", b"root:x:0:0", "text/plain"),
    )

    attachment = Attachment.objects.get()
    assert attachment.original_name == "passwd.txt"
    assert ".." not in attachment.file.name and "passwd" not in attachment.file.name


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_login_never_sends_the_user_to_another_site(client, target):
    user = UserFactory()

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD, "next": target},
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/")
    assert not response["Location"].startswith(("//", "/\\"))


def test_a_forged_form_post_without_the_csrf_token_is_refused(reference_data):
    user = UserFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    page = browser.post(reverse("api_tokens"), {"name": "Forged"})
    api = browser.post("/api/v1/my/inputs/", {"call": 1}, content_type="application/json")

    assert page.status_code == 403
    assert api.status_code == 403 and "CSRF" in api.json()["error"]["message"]
    assert not user.api_tokens.exists()


def test_guessing_a_password_is_stopped_even_when_the_guess_is_right(client):
    user = UserFactory()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong guess"})

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert "Too many failed login attempts." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_mass_sign_up_from_one_address_is_stopped(client, reference_data):
    statuses = [
        client.post(
            reverse("account_signup"),
            {"email": f"bot{number}@example.org", "password1": "x", "password2": "x"},
        ).status_code
        for number in range(12)
    ]

    assert 429 in statuses
    assert statuses.index(429) <= 10


def test_script_in_text_written_by_staff_is_escaped_too(client, reference_data):
    call = CallFactory(title=SCRIPT)
    GuidingQuestionFactory(call=call, text=SCRIPT, help_text=SCRIPT)
    author = AuthorFactory()
    draft = services.input_create_draft(call=call, author=author)
    client.force_login(author)

    pages = [
        client.get(reverse("call_detail", args=[call.pk])).content.decode(),
        client.get(reverse("input_edit", args=[draft.pk])).content.decode(),
    ]

    for page in pages:
        assert SCRIPT not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
        assert "&amp;lt;" not in page  # escaped once: people read what was typed


def _pdf_with(action: dict, *, on: str) -> bytes:
    """A one-page PDF whose catalog ("open") or page annotation ("link") carries `action`."""
    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(200, 200)
    action = DictionaryObject(
        {
            NameObject(key): value if not isinstance(value, str) else _pdf_value(value)
            for key, value in action.items()
        }
    )
    if on == "open":
        writer._root_object[NameObject("/OpenAction")] = action
    else:
        link = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([FloatObject(0)] * 4),
                NameObject("/A"): action,
            }
        )
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _pdf_value(value: str):
    return NameObject(value) if value.startswith("/") else TextStringObject(value)


@pytest.mark.parametrize(
    ("action", "on"),
    [
        ({"/S": "/JavaScript", "/JS": "app.alert(1)"}, "open"),
        ({"/S": "/Launch", "/F": "cmd.exe"}, "link"),
    ],
)
def test_a_pdf_that_runs_something_by_itself_is_refused(reference_data, action, on):
    input = submitted_input()
    upload = SimpleUploadedFile("report.pdf", _pdf_with(action, on=on), "application/pdf")

    with pytest.raises(DomainError, match="scripts or actions that run by themselves"):
        services.input_attach(input=input, by=input.author, upload=upload)

    assert not Attachment.objects.exists()


def test_a_plain_pdf_is_accepted(reference_data):
    input = submitted_input()
    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    output = io.BytesIO()
    writer.write(output)

    services.input_attach(
        input=input,
        by=input.author,
        upload=SimpleUploadedFile("plain.pdf", output.getvalue(), "application/pdf"),
    )

    assert Attachment.objects.get().content_type == "application/pdf"


def _pdf_with_script_in_an_object_stream() -> bytes:
    """A PDF whose opening action (JavaScript) lies in a compressed object stream, so that no
    telling name appears in the file's bytes: only reading the PDF finds it."""
    header, action = b"4 0 ", b"<< /S /JavaScript /JS (app.alert(1)) >>"
    packed = zlib.compress(header + action)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        5: b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(packed))
        + packed
        + b"\nendstream",
    }
    body, offsets = b"%PDF-1.7\n", {}
    for number, content in objects.items():
        offsets[number] = len(body)
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    offsets[6] = len(body)
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"]
    for number in range(1, 7):
        if number == 4:  # in object stream 5, at index 0
            rows.append(b"\x02" + (5).to_bytes(4, "big") + (0).to_bytes(2, "big"))
        else:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00")
    table = b"".join(rows)
    body += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[6]
    )
    return body


def test_a_script_hidden_in_a_compressed_object_stream_is_found(reference_data):
    content = _pdf_with_script_in_an_object_stream()
    assert b"JavaScript" not in content and b"/JS" not in content
    input = submitted_input()

    with pytest.raises(DomainError, match="scripts or actions that run by themselves"):
        services.input_attach(
            input=input,
            by=input.author,
            upload=SimpleUploadedFile("hidden.pdf", content, "application/pdf"),
        )


def test_script_in_names_people_give_is_escaped_on_pages_and_in_the_admin(
    client, reference_data, settings
):
    settings.GCM_STAFF_MFA_REQUIRED = False
    organisation = OrganisationFactory(name=SCRIPT, description=SCRIPT)
    author = ProfileFactory(display_name=SCRIPT).user
    MembershipFactory(user=author, organisation=organisation)
    input = submitted_input(author=author, on_behalf="organisation", organisation=organisation)
    services.input_approve(input=input, by=ModeratorFactory())
    pages = [
        client.get(reverse("organisation_list")),
        client.get(reverse("organisation_detail", args=[organisation.pk])),
        client.get(reverse("input_detail", args=[input.pk])),
    ]
    client.force_login(StaffFactory())
    pages += [
        client.get(reverse("admin:consultations_input_changelist"), {"state": "approved"}),
        client.get(reverse("admin:stakeholders_organisation_changelist")),
        client.get(reverse("admin:stakeholders_organisation_change", args=[organisation.pk])),
    ]

    for response in pages:
        assert response.status_code == 200, response.request["PATH_INFO"]
        page = response.content.decode()
        assert SCRIPT not in page, response.request["PATH_INFO"]
        assert "&lt;script&gt;" in page, response.request["PATH_INFO"]
