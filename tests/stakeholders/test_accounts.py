"""Sign-up, verification, login, password reset and e-mail change, through the public pages."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import translation

from notifications.models import OutgoingEmail
from stakeholders.models import User
from tests.factories import PASSWORD, CountryFactory, StakeholderGroupFactory, UserFactory
from tests.support import links_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a much longer passphrase 2026"


def url(name: str, lang: str = "en", **kwargs) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def signup_data(email: str, password: str = PASSWORD, **extra) -> dict:
    """What a person fills in on the registration form (as an individual)."""
    return {
        "email": email,
        "password1": password,
        "password2": password,
        "display_name": "Amina Diallo",
        "stakeholder_group": StakeholderGroupFactory().pk,
        "country": CountryFactory().pk,
        "preferred_language": "en",
        "speaks_for": "individual",
        "accept_terms": "on",
        **extra,
    }


def sign_up(post, email: str, password: str = PASSWORD, lang: str = "en"):
    return post(url("account_signup", lang), signup_data(email, password))


def log_in(post, email: str, password: str = PASSWORD, lang: str = "en"):
    return post(url("account_login", lang), {"login": email, "password": password})


def only_link(message, fragment: str) -> str:
    links = [link for link in links_in(message.body) if fragment in link]
    assert len(links) == 1, message.body
    return links[0]


def test_signup_then_verify_then_login_signs_the_user_in(client, post):
    response = sign_up(post, "amina@example.org")

    assert response.status_code == 302
    assert response["Location"] == url("account_email_verification_sent")
    assert User.objects.filter(email="amina@example.org").exists()
    assert len(mail.outbox) == 1
    confirm_link = only_link(mail.outbox[0], "/accounts/confirm-email/")

    # Unverified: logging in only re-sends the verification e-mail.
    assert log_in(post, "amina@example.org")["Location"] == url("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    path = confirm_link.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    assert post(path).status_code == 302
    assert EmailAddress.objects.get(email="amina@example.org").verified

    response = log_in(post, "amina@example.org")
    assert response.status_code == 302
    assert response["Location"] == url("home")
    home = client.get(url("home"))
    assert "Signed in as amina@example.org" in home.content.decode()


def test_signup_with_mismatched_passwords_keeps_the_email_and_says_why(client, post):
    response = post(
        url("account_signup"),
        signup_data("keep@example.org", password2="something else 123"),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="keep@example.org"' in page
    assert "You must type the same password each time." in page
    assert not User.objects.filter(email="keep@example.org").exists()


def test_signup_in_french_sends_the_verification_email_in_french(client, post):
    sign_up(post, "lea@example.org", lang="fr")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "/fr/accounts/confirm-email/" in message.body
    assert "Confirmer" in message.subject or "Confirmez" in message.subject, message.subject


def test_signup_with_an_existing_email_creates_no_second_account(client, post):
    UserFactory(email="taken@example.org")

    response = sign_up(post, "Taken@Example.org")

    # Same answer as for a new address (no account enumeration), but no new account.
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1


def test_account_emails_are_stored_in_the_outbox_and_marked_sent(client, post):
    sign_up(post, "outbox@example.org")

    row = OutgoingEmail.objects.get(recipient="outbox@example.org")
    assert row.status == OutgoingEmail.Status.SENT
    assert row.kind == "email_confirmation_signup"
    assert row.attempts == 1
    assert row.sent_at is not None
    assert row.subject == mail.outbox[0].subject


def test_login_with_a_wrong_password_says_so(client, post):
    UserFactory(email="someone@example.org")

    response = log_in(post, "someone@example.org", password="not the password")

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )


def test_login_is_throttled_after_five_failures_for_the_same_account(client, post):
    UserFactory(email="target@example.org")
    for _ in range(5):
        log_in(post, "target@example.org", password="guess 1234567")

    # Even the right password is refused while the account is throttled.
    response = log_in(post, "target@example.org")

    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signup_is_rate_limited_per_address(client, post):
    for number in range(10):
        assert sign_up(post, f"bulk{number}@example.org").status_code == 302

    response = sign_up(post, "bulk10@example.org")

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not User.objects.filter(email="bulk10@example.org").exists()


def test_password_reset_by_email_lets_the_user_log_in_with_the_new_password(client, post):
    UserFactory(email="forgetful@example.org")

    response = post(url("account_reset_password"), {"email": "forgetful@example.org"})
    assert response.status_code == 302
    reset_link = only_link(mail.outbox[-1], "/accounts/password/reset/key/")

    response = client.get(reset_link.split("testserver", 1)[1], follow=True)
    form_path = response.redirect_chain[-1][0]
    response = post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    assert log_in(post, "forgetful@example.org", password=PASSWORD).status_code == 200
    assert log_in(post, "forgetful@example.org", password=NEW_PASSWORD).status_code == 302


def test_password_reset_for_an_unknown_address_reveals_nothing(client, post):
    response = post(url("account_reset_password"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == url("account_reset_password_done")


def test_password_reset_is_rate_limited_per_address(client, post):
    UserFactory(email="reset@example.org")
    for _ in range(5):
        post(url("account_reset_password"), {"email": "reset@example.org"})

    response = post(url("account_reset_password"), {"email": "reset@example.org"})

    assert response.status_code == 429


def test_email_change_takes_effect_once_the_new_address_is_verified(client, post):
    user = UserFactory(email="old@example.org")
    client.force_login(user)

    response = post(url("account_email"), {"action_add": "", "email": "new@example.org"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "old@example.org"

    confirm_link = only_link(mail.outbox[-1], "/accounts/confirm-email/")
    assert mail.outbox[-1].to == ["new@example.org"]
    post(confirm_link.split("testserver", 1)[1])

    user.refresh_from_db()
    assert user.email == "new@example.org"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [
        "new@example.org"
    ]


def test_logout_requires_a_post_and_signs_the_user_out(client, post):
    user = UserFactory()
    client.force_login(user)

    client.get(url("account_logout"))
    assert "_auth_user_id" in client.session

    post(url("account_logout"))
    assert "_auth_user_id" not in client.session


def test_user_manager_stores_emails_in_lower_case_and_finds_them_case_blind():
    user = User.objects.create_user("Mixed.Case@Example.ORG", password=PASSWORD)

    assert user.email == "mixed.case@example.org"
    assert User.objects.get_by_natural_key("MIXED.case@example.org") == user
