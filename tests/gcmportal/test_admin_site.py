"""Who gets into the administration, and how staff sign in with their second factor."""

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
ADMIN = "/en/admin/"


def current_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def test_admin_sends_visitors_to_the_portal_login(client):
    response = client.get(ADMIN, follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "next=/en/admin/" in response.redirect_chain[-1][0]


def test_admin_refuses_a_signed_in_stakeholder(client):
    client.force_login(UserFactory())

    response = client.get(ADMIN, follow=True)

    assert response.status_code == 403
    assert "Your account has no access to the administration." in response.content.decode()


def test_admin_sends_staff_without_an_authenticator_to_set_one_up(client):
    StaffFactory(email="new.staff@example.org")
    client.post(reverse("account_login"), {"login": "new.staff@example.org", "password": PASSWORD})

    response = client.get(ADMIN, follow=True)

    visited = [url for url, _status in response.redirect_chain]
    assert any(url.startswith(reverse("mfa_activate_totp")) for url in visited)
    # Setting up an authenticator first asks for the password again (allauth's reauthentication).
    assert visited[-1].startswith(reverse("account_reauthenticate"))
    assert "Staff accounts must use two-factor authentication." in response.content.decode()


def test_admin_lets_staff_without_an_authenticator_in_when_mfa_is_not_required(client, settings):
    settings.GCM_STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())

    assert client.get(ADMIN).status_code == 200


def test_staff_with_totp_signs_in_with_password_then_code_and_reaches_the_admin(client):
    staff = StaffFactory(email="moderator@example.org")
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    response = client.post(
        reverse("account_login"), {"login": "moderator@example.org", "password": PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "Incorrect code." in response.content.decode()

    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert client.get(ADMIN).status_code == 200
