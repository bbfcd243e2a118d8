"""An input published without its author's name is without it in its attachments too: the
public reads a copy without the document metadata; the author and the staff read the file."""

import io

import pypdf
import pytest
from django.urls import reverse
from django.utils import translation

from consultations import services
from tests.consultations.factories import (
    AuthorFactory,
    CallFactory,
    GuidingQuestionFactory,
    language,
    objective,
)
from tests.factories import ModeratorFactory
from tests.support import pdf_by

pytestmark = pytest.mark.django_db


def author_of(response) -> str | None:
    content = b"".join(response.streaming_content)
    return pypdf.PdfReader(io.BytesIO(content)).metadata.get("/Author")


@pytest.fixture
def published(reference_data):
    """Two approved inputs by the same author, each with a PDF that names her: one published
    with her name, one without."""
    author = AuthorFactory()
    moderator = ModeratorFactory()
    call = CallFactory()
    question = GuidingQuestionFactory(call=call)
    made = {}
    for consent in ("public_named", "public_anonymous"):
        input = services.input_create_draft(call=call, author=author)
        services.input_save(
            input=input,
            by=author,
            answers={question.pk: "Recruitment fees must be banned."},
            language=language("en"),
            objectives=[objective(6)],
            consent=consent,
        )
        attachment = services.input_attach(input=input, by=author, upload=pdf_by("Amina Diallo"))
        services.input_submit(input=input, by=author)
        services.input_approve(input=input, by=moderator)
        made[consent] = attachment
    return author, moderator, made


def download(client, attachment):
    with translation.override("en"):
        return client.get(reverse("attachment_download", kwargs={"pk": attachment.pk}))


def test_public_attachment_of_an_input_without_its_authors_name_has_no_author_metadata(
    client, published
):
    _author, _moderator, made = published

    response = download(client, made["public_anonymous"])

    assert response.status_code == 200
    assert author_of(response) is None
    assert response["Content-Security-Policy"] == "sandbox"  # served as every attachment is
    again = download(client, made["public_anonymous"])  # the copy is made once, then kept
    assert author_of(again) is None
    made["public_anonymous"].refresh_from_db()
    assert made["public_anonymous"].public_file


def test_public_attachment_of_an_input_with_its_authors_name_is_served_as_uploaded(
    client, published
):
    _author, _moderator, made = published

    assert author_of(download(client, made["public_named"])) == "Amina Diallo"


@pytest.mark.parametrize("reader", ["author", "moderator"])
def test_attachment_is_served_as_uploaded_to_its_author_and_to_the_staff(
    client, published, reader, settings
):
    settings.GCM_STAFF_MFA_REQUIRED = False
    author, moderator, made = published
    client.force_login(author if reader == "author" else moderator)

    assert author_of(download(client, made["public_anonymous"])) == "Amina Diallo"
