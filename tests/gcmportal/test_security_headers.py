"""The headers every answer carries: a Content-Security-Policy that allows no inline script
and nothing from elsewhere, a Permissions-Policy, no MIME sniffing, no framing; user files
keep their own stricter policy."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consultations import services
from tests.consultations.factories import submitted_input
from tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in header.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


@pytest.mark.parametrize(
    "path", ["/en/", "/ar/calls/", "/en/accounts/login/", "/en/admin/login/", "/api/v1/docs/"]
)
def test_pages_allow_scripts_from_the_portal_only(client, reference_data, path):
    response = client.get(path, follow=True)

    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    page = response.content.decode()
    assert "<script>" not in page  # no inline script: every script has a src


def test_an_attachment_keeps_its_sandbox_policy(client, reference_data):
    input = submitted_input()
    services.input_attach(
        input=input,
        by=input.author,
        upload=SimpleUploadedFile("notes.txt", b"<script>alert(1)</script>", "text/plain"),
    )
    services.input_approve(input=input, by=ModeratorFactory())
    attachment = input.attachments.get()

    response = client.get(f"/en/attachments/{attachment.pk}/")

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox"
