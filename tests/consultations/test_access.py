"""Nobody reads or changes another user's input by guessing its id: a role x state table."""

from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from consultations import services
from consultations.models import Attachment, Input, ModerationScope
from tests.consultations.factories import (
    AuthorFactory,
    CallFactory,
    GuidingQuestionFactory,
    language,
    objective,
)
from tests.factories import ModeratorFactory, RegionFactory, StaffFactory

pytestmark = pytest.mark.django_db

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def input_in_state(state: str) -> Input:
    """An input with one answer and one attachment, in one of the states the tables name."""
    call = CallFactory(pre_moderation=state not in {"published", "private"})
    question = GuidingQuestionFactory(call=call)
    author = AuthorFactory()
    input = services.input_create_draft(call=call, author=author)
    services.input_save(
        input=input,
        by=author,
        answers={question.pk: "The author's own words."},
        language=language("en"),
        objectives=[objective(1)],
        consent="private" if state == "private" else "public_named",
    )
    services.input_attach(
        input=input,
        by=author,
        upload=SimpleUploadedFile("annex.pdf", MINIMAL_PDF, "application/pdf"),
    )
    if state != "draft":
        services.input_submit(input=input, by=author)
    if state == "withdrawn":
        services.input_withdraw(input=input, by=author)
    input.refresh_from_db()
    return input


def what_the_author_has(input: Input, settings) -> dict:
    """Everything a foreign request could change, as a value to compare."""
    row = Input.objects.filter(pk=input.pk).values().first()
    return {
        "input": row,
        "answers": list(Input.objects.filter(pk=input.pk).values_list("answers__text", flat=True)),
        "attachments": list(Attachment.objects.values_list("pk", "file")),
        "files": sorted(str(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()),
        "revisions": input.revisions.count(),
        "transitions": input.transitions.count(),
        "e-mails": len(mail.outbox),
    }


def request_data(name: str, input: Input) -> dict:
    """What an intruder posts: a full form for the input form, a file for the upload."""
    if name == "input_edit":
        data = {
            "version": input.version,
            "language": input.language_id,
            "objectives": [objective(2).pk],
            "on_behalf": "self",
            "consent": "public_named",
        }
        for question in input.call.questions.all():
            data[f"answer_{question.pk}"] = "Overwritten by someone else."
        return data
    if name == "input_preview":
        return {"confirm": "1"}
    if name == "input_attach":
        return {"file": SimpleUploadedFile("intruder.pdf", MINIMAL_PDF, "application/pdf")}
    return {}


AUTHOR_URLS = [
    ("input_edit", "get"),
    ("input_edit", "post"),
    ("input_preview", "get"),
    ("input_preview", "post"),
    ("input_receipt", "get"),
    ("input_withdraw", "post"),
    ("input_delete", "post"),
    ("input_attach", "post"),
    ("attachment_delete", "post"),
]


@pytest.mark.parametrize("state", ["draft", "submitted", "published"])
@pytest.mark.parametrize(("name", "method"), AUTHOR_URLS, ids=[f"{n} {m}" for n, m in AUTHOR_URLS])
@pytest.mark.parametrize("role", ["another user", "visitor"])
def test_author_url_of_someone_elses_input_is_not_found_and_changes_nothing(
    client, django_capture_on_commit_callbacks, settings, role, name, method, state
):
    input = input_in_state(state)
    target = input.attachments.get().pk if name.startswith("attachment") else input.pk
    if role == "another user":
        client.force_login(AuthorFactory())
    before = what_the_author_has(input, settings)

    with django_capture_on_commit_callbacks(execute=True):
        if method == "get":
            response = client.get(url(name, pk=target))
        else:
            response = client.post(url(name, pk=target), request_data(name, input))

    if role == "visitor":
        assert response.status_code == 302
        assert response["Location"].startswith(url("account_login"))
    else:
        assert response.status_code == 404
    assert what_the_author_has(input, settings) == before


# (state, role): may this role read the input and its attachment?
READERS = [
    ("draft", "author", True),
    ("draft", "staff", False),
    ("draft", "moderator", False),
    ("draft", "another user", False),
    ("draft", "visitor", False),
    ("submitted", "author", True),
    ("submitted", "staff", True),
    ("submitted", "moderator", True),
    ("submitted", "moderator of another region", False),
    ("submitted", "staff without a role", False),
    ("submitted", "another user", False),
    ("submitted", "visitor", False),
    ("withdrawn", "author", True),
    ("withdrawn", "staff", True),
    ("withdrawn", "moderator", True),
    ("withdrawn", "moderator of another region", False),
    ("withdrawn", "staff without a role", False),
    ("withdrawn", "another user", False),
    ("withdrawn", "visitor", False),
    ("private", "author", True),
    ("private", "staff", True),
    ("private", "moderator", True),
    ("private", "moderator of another region", False),
    ("private", "staff without a role", False),
    ("private", "another user", False),
    ("private", "visitor", False),
    ("published", "author", True),
    ("published", "staff", True),
    ("published", "staff without a role", True),
    ("published", "another user", True),
    ("published", "visitor", True),
]


@pytest.mark.parametrize(
    ("state", "role", "may_read"),
    READERS,
    ids=[f"{state}, {role}" for state, role, _may_read in READERS],
)
def test_input_and_its_attachment_are_readable_only_as_published_or_by_author_and_staff(
    client, state, role, may_read
):
    input = input_in_state(state)
    attachment = input.attachments.get()
    if role == "author":
        client.force_login(input.author)
    elif role == "staff":
        client.force_login(StaffFactory())
    elif role == "moderator":
        client.force_login(ModeratorFactory())
    elif role == "moderator of another region":
        moderator = ModeratorFactory()
        scope = ModerationScope.objects.create(moderator=moderator)
        scope.regions.add(RegionFactory(code="ESCAP"))
        client.force_login(moderator)
    elif role == "staff without a role":
        client.force_login(ModeratorFactory(role=False))
    elif role == "another user":
        client.force_login(AuthorFactory())

    page = client.get(url("input_detail", pk=input.pk))
    download = client.get(url("attachment_download", pk=attachment.pk))

    if may_read:
        assert page.status_code == 200
        assert "The author&#x27;s own words." in page.content.decode()
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == MINIMAL_PDF
    else:
        assert page.status_code == 404
        assert "own words" not in page.content.decode()
        assert download.status_code == 404


def test_guessing_an_id_that_does_not_exist_is_not_found_like_any_other(client):
    client.force_login(AuthorFactory())

    assert client.get(url("input_edit", pk=999_999)).status_code == 404
    assert client.get(url("input_detail", pk=999_999)).status_code == 404
    assert client.get(url("attachment_download", pk=999_999)).status_code == 404
