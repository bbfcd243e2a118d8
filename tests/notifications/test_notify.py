"""notify(): the notice is stored and e-mailed as the recipient chose, in their language."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from notifications.kinds import kind
from notifications.models import Notification, NotificationPreference, OutgoingEmail
from notifications.services import notification_preferences_save, notify, preference_for
from stakeholders.models import Membership
from tests.factories import (
    PASSWORD,
    CountryFactory,
    MembershipFactory,
    OrganisationFactory,
    ProfileFactory,
    StakeholderGroupFactory,
    UserFactory,
)
from tests.support import links_in

pytestmark = pytest.mark.django_db

WELCOME_SUBJECT = "Welcome to the GCM Stakeholder Portal"
UNSUBSCRIBE_HEADER = re.compile(r"^<https?://[^>]+/notifications/unsubscribe/[^/>]+/>$")


def url(name: str, lang: str = "en", **kwargs) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def tell_accepted(django_capture_on_commit_callbacks, recipient, organisation):
    """What membership_accept() tells the requester, with the e-mail delivered on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        return notify(
            recipient=recipient,
            kind_code="membership_accepted",
            context={"organisation": organisation},
            link=("organisation_detail", {"pk": organisation.pk}),
        )


def use_unreachable_smtp_server(settings):
    """A real SMTP backend pointed at a closed port on this machine: the connection is refused."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard port: nothing listens there
    settings.EMAIL_TIMEOUT = 2


def test_notify_with_default_preferences_emails_text_and_html_at_once(
    django_capture_on_commit_callbacks,
):
    user = ProfileFactory().user
    organisation = OrganisationFactory(name="Migrant Rights Network")

    notification = tell_accepted(django_capture_on_commit_callbacks, user, organisation)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "You are now a member of Migrant Rights Network"
    assert "Your request to join Migrant Rights Network has been accepted." in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Migrant Rights Network" in html
    notification.email.refresh_from_db()
    assert notification.email.status == OutgoingEmail.Status.SENT
    assert notification.title == message.subject
    assert notification.url == url("organisation_detail", pk=organisation.pk)


def test_notify_email_carries_one_click_unsubscribe_headers(django_capture_on_commit_callbacks):
    user = ProfileFactory().user

    tell_accepted(django_capture_on_commit_callbacks, user, OrganisationFactory())

    headers = mail.outbox[0].extra_headers
    assert UNSUBSCRIBE_HEADER.match(headers["List-Unsubscribe"]), headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The same link is written in the body for readers whose mail client hides the header.
    header_link = headers["List-Unsubscribe"].strip("<>")
    assert header_link in links_in(mail.outbox[0].body)


def test_notify_for_a_french_reader_writes_in_french(django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(name="Réseau des droits des migrants")
    english = ProfileFactory(preferred_language="en").user
    french = ProfileFactory(preferred_language="fr").user

    tell_accepted(django_capture_on_commit_callbacks, english, organisation)
    notification = tell_accepted(django_capture_on_commit_callbacks, french, organisation)

    english_message, french_message = mail.outbox
    assert english_message.subject == "You are now a member of Réseau des droits des migrants"
    assert french_message.subject == "Vous êtes désormais membre de Réseau des droits des migrants"
    assert french_message.subject != english_message.subject
    assert 'lang="fr"' in french_message.alternatives[0][0]
    assert notification.url.startswith("/fr/")
    assert notification.url == url("organisation_detail", "fr", pk=organisation.pk)
    assert f"{settings.SITE_URL}/fr/" in french_message.body


def test_notify_mandatory_welcome_has_no_unsubscribe_header(django_capture_on_commit_callbacks):
    user = ProfileFactory().user

    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=user, kind_code="welcome", context={}, link=("account_profile", {}))

    message = mail.outbox[0]
    assert message.subject == WELCOME_SUBJECT
    assert "List-Unsubscribe" not in message.extra_headers
    assert "List-Unsubscribe-Post" not in message.extra_headers
    assert "/notifications/unsubscribe/" not in message.body


def test_mandatory_kind_switched_off_is_still_emailed(django_capture_on_commit_callbacks):
    user = ProfileFactory().user

    notification_preferences_save(user=user, choices={"welcome": ("off", False)})

    assert not NotificationPreference.objects.filter(user=user).exists()
    assert preference_for(user, kind("welcome")) == ("immediately", True)
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            recipient=user, kind_code="welcome", context={}, link=("account_profile", {})
        )
    assert notification.in_app
    assert [m.subject for m in mail.outbox] == [WELCOME_SUBJECT]


def test_notify_with_digest_preference_sends_nothing_now_and_waits(
    django_capture_on_commit_callbacks,
):
    user = ProfileFactory().user
    notification_preferences_save(user=user, choices={"membership_accepted": ("digest", None)})

    notification = tell_accepted(django_capture_on_commit_callbacks, user, OrganisationFactory())

    assert mail.outbox == []
    assert notification.email is None
    assert list(Notification.objects.digest_due()) == [notification]
    assert not OutgoingEmail.objects.exists()


def test_notify_with_email_off_keeps_the_notice_without_email(
    django_capture_on_commit_callbacks,
):
    user = ProfileFactory().user
    notification_preferences_save(user=user, choices={"membership_accepted": ("off", True)})

    notification = tell_accepted(django_capture_on_commit_callbacks, user, OrganisationFactory())

    assert mail.outbox == []
    assert list(Notification.objects.for_notices(user)) == [notification]
    assert not Notification.objects.digest_due().exists()
    assert not OutgoingEmail.objects.exists()


def test_notify_with_everything_off_stores_nothing(django_capture_on_commit_callbacks):
    user = ProfileFactory().user
    notification_preferences_save(user=user, choices={"membership_accepted": ("off", False)})

    notification = tell_accepted(django_capture_on_commit_callbacks, user, OrganisationFactory())

    assert notification is None
    assert mail.outbox == []
    assert not Notification.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_join_request_while_mail_server_is_down_succeeds_and_keeps_email_for_retry(
    client, post, settings
):
    use_unreachable_smtp_server(settings)
    organisation = OrganisationFactory()
    admin = MembershipFactory(
        organisation=organisation, role=Membership.Role.ADMIN, user=ProfileFactory().user
    ).user
    requester = ProfileFactory().user
    client.force_login(requester)

    response = post(url("organisation_join", pk=organisation.pk))

    assert response.status_code == 302
    assert (
        Membership.objects.get(user=requester, organisation=organisation).state
        == Membership.State.PENDING
    )
    notification = Notification.objects.get(recipient=admin, kind="membership_requested")
    email = notification.email
    assert email.status == OutgoingEmail.Status.FAILED
    assert email.recipient == admin.email
    assert "ConnectionRefusedError" in email.last_error
    assert email.attempts == 1
    assert email.sent_at is None


# --- The welcome message -------------------------------------------------------------------


def signup_data(email: str) -> dict:
    """What a person fills in on the registration form (as an individual)."""
    return {
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "display_name": "Amina Diallo",
        "stakeholder_group": StakeholderGroupFactory().pk,
        "country": CountryFactory().pk,
        "preferred_language": "en",
        "speaks_for": "individual",
        "accept_terms": "on",
    }


def confirm_from_last_email(post) -> None:
    """Open the confirmation link of the latest e-mail and confirm (a POST, as the page asks)."""
    links = [link for link in links_in(mail.outbox[-1].body) if "/accounts/confirm-email/" in link]
    assert len(links) == 1, mail.outbox[-1].body
    assert post(links[0].split("testserver", 1)[1]).status_code == 302


def welcome_emails() -> list:
    return [message for message in mail.outbox if message.subject == WELCOME_SUBJECT]


def test_confirming_the_signup_email_sends_one_welcome(post):
    assert post(url("account_signup"), signup_data("amina@example.org")).status_code == 302
    assert welcome_emails() == []

    confirm_from_last_email(post)

    (welcome,) = welcome_emails()
    assert welcome.to == ["amina@example.org"]
    assert "Dear Amina Diallo," in welcome.body
    assert Notification.objects.filter(kind="welcome").count() == 1


def test_confirming_a_changed_email_address_sends_no_second_welcome(client, post):
    post(url("account_signup"), signup_data("first@example.org"))
    confirm_from_last_email(post)
    user = Notification.objects.get(kind="welcome").recipient
    client.force_login(user)

    post(url("account_email"), {"action_add": "", "email": "second@example.org"})
    assert mail.outbox[-1].to == ["second@example.org"]
    confirm_from_last_email(post)

    user.refresh_from_db()
    assert user.email == "second@example.org"
    assert len(welcome_emails()) == 1
    assert Notification.objects.filter(kind="welcome").count() == 1


def test_login_of_a_verified_account_sends_no_welcome(post):
    UserFactory(email="known@example.org")

    response = post(url("account_login"), {"login": "known@example.org", "password": PASSWORD})

    assert response.status_code == 302

    assert welcome_emails() == []
