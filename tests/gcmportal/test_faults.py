"""When a part of the platform fails (Redis, the database), people keep working or are told
clearly to try again in a minute; nothing they saved is lost.

The fault drills of bench/faults.py do the same to the real services of the production run.
"""

import errno
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from consultations import services
from consultations.models import Attachment, Input
from tests.consultations.factories import (
    AuthorFactory,
    CallFactory,
    GuidingQuestionFactory,
    language,
    objective,
)
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

UNAVAILABLE = "cannot reach its database for a moment"
# The production cache pointed at a closed port: Redis is down.
REDIS_DOWN = {
    "default": {
        "BACKEND": "gcmportal.cache.FallbackRedisCache",
        "LOCATION": "redis://127.0.0.1:9/1",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


# --- Redis down ---------------------------------------------------------------------------------


def test_with_redis_down_people_sign_in_and_submit(client, post, settings):
    settings.CACHES = REDIS_DOWN
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    user = UserFactory(password="a long enough password")
    call = CallFactory()
    question = GuidingQuestionFactory(call=call)

    signed_in = post(
        reverse("account_login"), {"login": user.email, "password": "a long enough password"}
    )
    started = post(reverse("input_start", kwargs={"pk": call.pk}))
    draft = Input.objects.get(author=user)
    form = {
        "version": draft.version,
        "language": language("en").pk,
        "objectives": [objective(3).pk],
        "on_behalf": Input.OnBehalf.SELF,
        "consent": Input.Consent.PUBLIC_NAMED,
        f"answer_{question.pk}": "Written while Redis was down.",
    }
    saved = post(reverse("input_edit", kwargs={"pk": draft.pk}), form)
    submitted = post(reverse("input_preview", kwargs={"pk": draft.pk}), {"confirm": "1"})

    assert signed_in.status_code == started.status_code == saved.status_code == 302
    assert submitted["Location"] == reverse("input_receipt", kwargs={"pk": draft.pk})
    draft.refresh_from_db()
    assert draft.state == Input.State.SUBMITTED
    assert draft.answers.get().text == "Written while Redis was down."


def test_with_redis_down_rate_limits_still_count(client, settings):
    """Each process counts in its own memory meanwhile: a script is still stopped."""
    settings.CACHES = REDIS_DOWN
    OrganisationFactory(name="Kenya Diaspora Alliance")
    url = reverse("organisation_autocomplete")

    with time_machine.travel(datetime(2026, 11, 23, 12, 0, 5, tzinfo=UTC), tick=False):
        assert {client.get(url, {"q": "Kenya"}).status_code for _ in range(120)} == {200}
        assert client.get(url, {"q": "Kenya"}).status_code == 429


# --- The database unreachable -------------------------------------------------------------------


def refuse_every_query(execute, sql, params, many, context):
    """Every query fails as it does while PostgreSQL restarts."""
    raise OperationalError("server closed the connection unexpectedly")


@pytest.fixture
def database_down():
    with connection.execute_wrapper(refuse_every_query):
        yield


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", UNAVAILABLE), ("fr", "base de données"), ("ar", "قاعدة البيانات")],
)
def test_pages_say_to_try_again_in_a_minute_in_the_readers_language(
    database_down, language, expected
):
    client = Client(raise_request_exception=False)

    response = client.get(f"/{language}/calls/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert expected in page
    assert "Traceback" not in page
    assert ('dir="rtl"' in page) == (language == "ar")


def test_the_forms_autosave_is_told_in_json_and_keeps_the_text_in_the_browser():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())

    with connection.execute_wrapper(refuse_every_query):
        response = client.post(
            "/en/inputs/1/edit/", {"answer_1": "Text"}, headers={"X-Autosave": "1"}
        )

    assert response.status_code == 503
    assert response.json()["ok"] is False
    assert UNAVAILABLE in response.json()["error"]


def test_the_api_answers_in_its_error_shape(database_down):
    client = Client(raise_request_exception=False)

    response = client.get("/api/v1/calls/")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
    assert UNAVAILABLE in response.json()["error"]["message"]


def test_any_other_error_keeps_the_plain_error_page():
    client = Client(raise_request_exception=False)

    def fail(execute, sql, params, many, context):
        raise ValueError("a bug of ours")

    with connection.execute_wrapper(fail):
        response = client.get("/en/calls/")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


# --- The media disk full ------------------------------------------------------------------------

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
FULL = "The portal cannot store files just now."


class FullDisk(FileSystemStorage):
    """The media disk with no space left (bench/faults.py fills a real one)."""

    def _save(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device", name)


@pytest.fixture
def disk_full(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.gcmportal.test_faults.FullDisk"},
    }


def a_draft_with_text():
    call = CallFactory()
    question = GuidingQuestionFactory(call=call)
    draft = services.input_create_draft(call=call, author=AuthorFactory())
    services.input_save(
        input=draft, by=draft.author, answers={question.pk: "Kept whatever the disk says."}
    )
    return draft


def test_with_the_disk_full_an_attachment_is_refused_clearly_and_the_text_is_kept(
    client, post, disk_full
):
    draft = a_draft_with_text()
    client.force_login(draft.author)

    response = post(
        reverse("input_attach", kwargs={"pk": draft.pk}),
        {"file": SimpleUploadedFile("evidence.pdf", PDF, "application/pdf")},
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    # Shown beside the attachments, where the page scrolls to, not out of sight at the top.
    attachments = page[page.index('id="attachments"') :]
    assert f"“evidence.pdf” was not attached: {FULL}" in attachments
    assert page.count("was not attached") == 1
    assert not Attachment.objects.exists()
    assert draft.answers.get().text == "Kept whatever the disk says."


def test_with_the_disk_full_the_api_says_so_in_its_error_shape(client, disk_full):
    draft = a_draft_with_text()
    client.force_login(draft.author)

    response = client.post(
        f"/api/v1/my/inputs/{draft.pk}/attachments/",
        {"file": SimpleUploadedFile("evidence.pdf", PDF, "application/pdf")},
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.json()["error"]["code"] == "unavailable"
    assert FULL in response.json()["error"]["message"]


def test_with_the_disk_full_the_health_check_names_the_storage(client, disk_full):
    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["storage"] == "error: OSError"
    assert response.json()["database"] == "ok"
