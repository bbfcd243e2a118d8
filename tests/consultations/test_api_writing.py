"""Writing inputs through the API with a personal token, as an organisation's own tool would:
the same checks and services as the web form, retries made safe by Idempotency-Key, and
another user's inputs never found."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consultations.models import Input, InputTransition
from stakeholders import services as stakeholders
from tests.consultations.factories import (
    AuthorFactory,
    CallFactory,
    GuidingQuestionFactory,
    language,
    objective,
    submitted_input,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    call = CallFactory(code="ECE")
    GuidingQuestionFactory(call=call, text="What has worked?", max_chars=100)
    return call


@pytest.fixture
def author():
    return AuthorFactory()


@pytest.fixture
def api(client, author):
    """The test client sending the author's token, JSON in and out."""
    _token, key = stakeholders.api_token_create(user=author, name="Case system")

    class Api:
        def __getattr__(self, method):
            def send(path, data=None, **headers):
                kwargs = {"HTTP_AUTHORIZATION": f"Bearer {key}", **headers}
                if method in ("post", "patch") and not kwargs.pop("multipart", False):
                    kwargs["content_type"] = "application/json"
                return getattr(client, method)(path, data, **kwargs)

            return send

    return Api()


def test_an_input_is_written_attached_and_submitted_through_the_api(
    api, call, author, django_capture_on_commit_callbacks
):
    question = call.questions.get()
    started = api.post("/api/v1/my/inputs/", {"call": call.pk})
    assert started.status_code == 201, started.content
    draft = started.json()
    assert draft["state"] == "draft" and draft["reference"] is None

    changed = api.patch(
        f"/api/v1/my/inputs/{draft['id']}/",
        {
            "answers": {str(question.pk): "Bilateral labour agreements with fee bans."},
            "objectives": [objective(6).pk],
            "language": language("en").pk,
            "consent": "public_anonymous",
        },
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["answers"] == [
        {"question": question.pk, "text": "Bilateral labour agreements with fee bans."}
    ]
    upload = SimpleUploadedFile("evidence.txt", b"Plain text evidence.", "text/plain")
    attached = api.post(
        f"/api/v1/my/inputs/{draft['id']}/attachments/", {"file": upload}, multipart=True
    )
    assert attached.status_code == 201, attached.content
    assert attached.json()["original_name"] == "evidence.txt"
    with django_capture_on_commit_callbacks(execute=True):
        submitted = api.post(
            f"/api/v1/my/inputs/{draft['id']}/submit/", HTTP_IDEMPOTENCY_KEY="submit-1"
        )

    assert submitted.status_code == 200, submitted.content
    reference = submitted.json()["reference"]
    assert reference.startswith("GCM-") and "-ECE-" in reference
    input = Input.objects.get(pk=draft["id"])
    assert input.state == Input.State.SUBMITTED and input.author == author
    assert [message.to for message in mail.outbox] == [[author.email]]  # the receipt
    mine = api.get("/api/v1/my/inputs/").json()["results"]
    assert [(row["reference"], row["state"]) for row in mine] == [(reference, "submitted")]


def test_a_retried_submit_is_answered_again_and_carried_out_once(
    api, call, author, django_capture_on_commit_callbacks
):
    draft = submitted_input(call=call, author=author)
    draft = Input.objects.get(pk=draft.pk)
    Input.objects.filter(pk=draft.pk).update(state=Input.State.DRAFT, reference=None)
    path = f"/api/v1/my/inputs/{draft.pk}/submit/"

    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(path, HTTP_IDEMPOTENCY_KEY="retry-me")
        second = api.post(path, HTTP_IDEMPOTENCY_KEY="retry-me")

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    submits = InputTransition.objects.filter(input=draft, action="submit")
    assert submits.count() == 2  # the fixture's own submission, and this one: not a third
    elsewhere = api.post("/api/v1/my/inputs/", {"call": call.pk}, HTTP_IDEMPOTENCY_KEY="retry-me")
    assert elsewhere.status_code == 422
    assert elsewhere.json()["error"]["code"] == "idempotency_key_reused"


def test_what_stops_a_submission_comes_back_field_by_field(api, call):
    draft = api.post("/api/v1/my/inputs/", {"call": call.pk}).json()
    question = call.questions.get()
    api.patch(f"/api/v1/my/inputs/{draft['id']}/", {"answers": {str(question.pk): "x" * 150}})

    response = api.post(f"/api/v1/my/inputs/{draft['id']}/submit/")

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields[f"answers.{question.pk}"] == ["This answer has 150 characters; the limit is 100."]
    assert "objectives" in fields
    assert Input.objects.get(pk=draft["id"]).state == Input.State.DRAFT


def test_bad_values_are_refused_by_the_web_forms_own_checks(api, call):
    draft = api.post("/api/v1/my/inputs/", {"call": call.pk}).json()

    response = api.patch(
        f"/api/v1/my/inputs/{draft['id']}/",
        {"objectives": [999999], "consent": "everywhere", "answers": {"424242": "Hello"}},
    )

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"consent"}  # the API's own types first, then the form
    response = api.patch(
        f"/api/v1/my/inputs/{draft['id']}/",
        {"objectives": [999999], "answers": {"424242": "Hello"}},
    )
    assert response.json()["error"]["fields"] == {
        "answers": ["This call has no guiding question 424242."]
    }
    response = api.patch(f"/api/v1/my/inputs/{draft['id']}/", {"objectives": [999999]})
    assert "objectives" in response.json()["error"]["fields"]


def test_a_stale_version_overwrites_nothing(api, call):
    draft = api.post("/api/v1/my/inputs/", {"call": call.pk}).json()
    question = call.questions.get()
    api.patch(f"/api/v1/my/inputs/{draft['id']}/", {"answers": {str(question.pk): "Newer"}})

    response = api.patch(
        f"/api/v1/my/inputs/{draft['id']}/",
        {"version": draft["version"], "answers": {str(question.pk): "Older"}},
    )

    assert response.status_code == 409
    assert "changed in another window" in response.json()["error"]["message"]
    assert Input.objects.get(pk=draft["id"]).answers.get().text == "Newer"


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("patch", ""),
        ("delete", ""),
        ("post", "submit/"),
        ("post", "withdraw/"),
        ("post", "attachments/"),
    ],
)
def test_another_users_input_is_not_found_whatever_the_action(api, call, method, suffix):
    someone_elses = submitted_input(call=call, author=AuthorFactory())

    response = getattr(api, method)(f"/api/v1/my/inputs/{someone_elses.pk}/{suffix}", {})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert Input.objects.get(pk=someone_elses.pk).state == Input.State.SUBMITTED


def test_a_closed_call_refuses_a_new_draft_with_the_pages_words(api, call):
    call.opens_at = timezone.now() - timedelta(days=10)
    call.closes_at = timezone.now() - timedelta(days=1)
    call.save(update_fields=["opens_at", "closes_at"])

    response = api.post("/api/v1/my/inputs/", {"call": call.pk})

    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "refused",
        "message": "This call is not open for inputs.",
    }


def test_withdrawing_and_deleting_follow_the_inputs_state(api, call, author):
    submitted = submitted_input(call=call, author=author)
    draft = api.post("/api/v1/my/inputs/", {"call": call.pk}).json()

    assert api.delete(f"/api/v1/my/inputs/{submitted.pk}/").status_code == 409
    withdrawn = api.post(f"/api/v1/my/inputs/{submitted.pk}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    assert api.delete(f"/api/v1/my/inputs/{draft['id']}/").status_code == 204
    assert not Input.objects.filter(pk=draft["id"]).exists()


def test_a_file_that_is_not_what_its_name_says_is_refused(api, call):
    draft = api.post("/api/v1/my/inputs/", {"call": call.pk}).json()
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 an executable", "application/pdf")

    response = api.post(
        f"/api/v1/my/inputs/{draft['id']}/attachments/", {"file": fake}, multipart=True
    )

    assert response.status_code == 400
    [message] = response.json()["error"]["fields"]["file"]
    assert "PDF" in message
    assert not Input.objects.get(pk=draft["id"]).attachments.exists()


def test_without_a_token_writing_needs_authentication(client, call):
    response = client.post("/api/v1/my/inputs/", {"call": call.pk}, content_type="application/json")

    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


def test_nested_mistakes_are_named_by_their_place(api, call):
    draft = api.post("/api/v1/my/inputs/", {"call": call.pk}).json()

    response = api.patch(
        f"/api/v1/my/inputs/{draft['id']}/",
        {"objectives": [6, "six"], "answers": {"12": ["a list"]}},
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "objectives.1": ["A valid integer is required."],
        "answers.12": ["Not a valid string."],
    }
