"""Hostile input, each attempt with the safe outcome it must meet: script in text escaped in
pages and e-mails, awkward Unicode kept intact, path-traversal file names defused, open
redirects refused, forged requests refused, guessing passwords and mass sign-up stopped."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from consultations import services
from consultations.models import Attachment
from tests.consultations.factories import (
    AuthorFactory,
    CallFactory,
    GuidingQuestionFactory,
    submitted_input,
)
from tests.factories import PASSWORD, ModeratorFactory, UserFactory

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
