"""A PDF copy of one's own input: for its author only, in the author's language, with every
answer (Arabic included)."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from tests.consultations.factories import AuthorFactory, submitted_input
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_author_downloads_a_pdf_copy_with_the_reference_and_the_answers(client, tmp_path):
    input = submitted_input(answer="تعمل منظمات المجتمع المدني مع المهاجرين في عمّان.")
    client.force_login(input.author)

    response = client.get(reverse("input_copy", kwargs={"pk": input.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{input.reference}.pdf"' in response["Content-Disposition"]
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    assert pdf.startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        path = tmp_path / "copy.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert input.reference in text
        assert "المهاجرين" in text


@pytest.mark.parametrize("reader", ["another user", "staff"])
def test_nobody_else_gets_the_authors_copy(client, reader):
    input = submitted_input()
    client.force_login(UserFactory() if reader == "another user" else StaffFactory())

    assert client.get(reverse("input_copy", kwargs={"pk": input.pk})).status_code == 404


def test_a_draft_can_be_copied_too(client):
    from tests.consultations.factories import InputFactory

    draft = InputFactory(author=AuthorFactory())
    client.force_login(draft.author)

    response = client.get(reverse("input_copy", kwargs={"pk": draft.pk}))

    assert response.status_code == 200
    assert f'filename="draft-{draft.pk}.pdf"' in response["Content-Disposition"]
