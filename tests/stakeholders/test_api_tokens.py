"""Personal API tokens: made, named and revoked in the account area, shown once, kept hashed,
and accepted by the API until revoked."""

import hashlib
import re

import pytest
from django.urls import reverse

from stakeholders import services
from stakeholders.models import ApiToken, IdempotentRequest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_token_is_shown_once_and_kept_only_as_a_hash(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("api_tokens"), {"name": "Our case system"}, follow=True)

    # Shown on the page the browser is sent to: reloading it posts nothing again.
    assert response.redirect_chain == [(reverse("api_tokens"), 302)]
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    [key] = re.findall(r'value="(gcm_[A-Za-z0-9_-]{40,})"', page)
    token = ApiToken.objects.get(user=user)
    assert token.name == "Our case system"
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.prefix, token.key_hash}
    again = client.get(reverse("api_tokens")).content.decode()
    assert key not in again and "Our case system" in again and token.prefix in again


def test_the_api_accepts_a_token_until_it_is_revoked(client):
    user = UserFactory()
    token, key = services.api_token_create(user=user, name="Script")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    assert client.get("/api/v1/my/inputs/", **headers).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    client.force_login(user)
    client.post(reverse("api_token_revoke", args=[token.pk]))
    client.logout()
    refused = client.get("/api/v1/my/inputs/", **headers)

    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert refused.json()["error"]["code"] == "authentication_failed"
    assert "revoked" in refused.json()["error"]["message"]


def test_nobody_revokes_another_users_token(client):
    owner = UserFactory()
    token, _key = services.api_token_create(user=owner, name="Script")
    client.force_login(UserFactory())

    response = client.post(reverse("api_token_revoke", args=[token.pk]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    ("name", "message"),
    [("  ", "This field is required."), ("script", "You already have a token with this name.")],
)
def test_a_token_needs_a_name_of_its_own(client, name, message):
    user = UserFactory()
    services.api_token_create(user=user, name="Script")
    client.force_login(user)

    response = client.post(reverse("api_tokens"), {"name": name})

    assert message in response.content.decode()
    assert ApiToken.objects.filter(user=user).count() == 1


def test_a_malformed_authorization_header_says_what_is_expected(client):
    response = client.get("/api/v1/my/inputs/", HTTP_AUTHORIZATION="Bearer two words")

    assert response.status_code == 401
    assert "Bearer" in response.json()["error"]["message"]


def test_erasing_the_account_deletes_its_tokens_and_kept_answers(client):
    user = UserFactory()
    _token, key = services.api_token_create(user=user, name="Script")
    IdempotentRequest.objects.create(
        user=user, key="k", method="POST", path="/api/v1/my/inputs/", status_code=201, body={}
    )

    services.account_erase(user=user)

    assert not ApiToken.objects.filter(user=user).exists()
    assert not IdempotentRequest.objects.filter(user=user).exists()
    response = client.get("/api/v1/my/inputs/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401
