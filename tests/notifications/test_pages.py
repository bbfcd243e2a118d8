"""The notices page and its bell, notification preferences, one-click unsubscribe, health."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from notifications.kinds import KINDS, kind
from notifications.models import Notification, NotificationPreference
from notifications.services import notify, preference_for, unsubscribe_token
from tests.factories import ModeratorFactory, OrganisationFactory, ProfileFactory

pytestmark = pytest.mark.django_db

OPTIONAL_KINDS = [k for k in KINDS.values() if not k.mandatory and not k.staff_only]
MANDATORY_KINDS = [k for k in KINDS.values() if k.mandatory and not k.staff_only]
STAFF_KINDS = [k for k in KINDS.values() if k.staff_only]


def url(name: str, lang: str = "en", **kwargs) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def notice(
    user, title: str, *, link: str = "", read: bool = False, in_app: bool = True
) -> Notification:
    """A notice as notify() stores it (the e-mail side does not matter here)."""
    return Notification.objects.create(
        recipient=user,
        kind="membership_accepted",
        title=title,
        body=f"{title}.",
        url=link,
        in_app=in_app,
        read_at=timezone.now() if read else None,
    )


# --- Notices and the bell ------------------------------------------------------------------


def test_notices_page_without_login_redirects_to_login(client):
    response = client.get(url("notification_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(url("account_login"))


def test_notices_page_lists_only_the_users_own_in_app_notices(client):
    user = ProfileFactory().user
    notice(user, "You are now a member of Alpha Network")
    notice(user, "E-mailed only, kept out of the notices", in_app=False)
    notice(ProfileFactory().user, "You are now a member of Someone Else's Network")
    client.force_login(user)

    page = client.get(url("notification_list")).content.decode()

    assert "You are now a member of Alpha Network" in page
    assert "E-mailed only" not in page
    assert "Someone Else" not in page


def test_header_bell_shows_the_unread_count(client):
    user = ProfileFactory().user
    for number in range(3):
        notice(user, f"Unread {number}")
    notice(user, "Already read", read=True)
    notice(user, "E-mailed only", in_app=False)
    notice(ProfileFactory().user, "Another user's unread notice")
    client.force_login(user)

    for page_name in ["notification_list", "home"]:
        page = client.get(url(page_name)).content.decode()
        assert '<span class="bell__count">3</span>' in page, page_name


def test_header_bell_without_unread_notices_shows_no_count(client):
    user = ProfileFactory().user
    notice(user, "Already read", read=True)
    client.force_login(user)

    page = client.get(url("home")).content.decode()

    assert "bell__count" not in page


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(client):
    user = ProfileFactory().user
    organisation = OrganisationFactory()
    target = url("organisation_detail", pk=organisation.pk)
    opened = notice(user, "You are now a member", link=target)
    other = notice(user, "Still unread")
    client.force_login(user)

    response = client.post(url("notification_open", pk=opened.pk))

    assert response.status_code == 302
    assert response["Location"] == target
    opened.refresh_from_db()
    other.refresh_from_db()
    assert opened.read_at is not None
    assert other.read_at is None


def test_opening_a_notice_without_a_link_returns_to_the_notices(client):
    user = ProfileFactory().user
    opened = notice(user, "Nothing to open")
    client.force_login(user)

    response = client.post(url("notification_open", pk=opened.pk))

    assert response["Location"] == url("notification_list")


def test_opening_another_users_notice_is_not_found_and_changes_nothing(client):
    theirs = notice(ProfileFactory().user, "Not yours", link="/en/")
    client.force_login(ProfileFactory().user)

    response = client.post(url("notification_open", pk=theirs.pk))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read_marks_every_own_notice_and_no_one_elses(client):
    user = ProfileFactory().user
    mine = [notice(user, f"Mine {number}") for number in range(3)]
    theirs = notice(ProfileFactory().user, "Theirs")
    client.force_login(user)

    response = client.post(url("notification_read_all"), follow=True)

    assert "3 notices marked as read." in response.content.decode()
    assert not Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "bell__count" not in response.content.decode()


def test_notices_page_uses_constant_queries_for_5_or_30_notices(client):
    user = ProfileFactory().user
    client.force_login(user)

    def queries_with(count: int) -> int:
        Notification.objects.filter(recipient=user).delete()
        for number in range(count):
            notice(user, f"Notice {number}", link="/en/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("notification_list")).status_code == 200
        return len(captured.captured_queries)

    queries_with(5)  # the first request of the session loads what later ones keep
    assert queries_with(5) == queries_with(30)


# --- Preferences ---------------------------------------------------------------------------


def choices_form(**overrides) -> dict:
    """Every optional kind left at its default, except the overrides (field name: value)."""
    data = {}
    for declared in OPTIONAL_KINDS:
        data[f"email_{declared.code}"] = declared.email
        if declared.in_app:
            data[f"in_app_{declared.code}"] = "on"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_preferences_page_shows_every_optional_kind_and_lists_mandatory_ones(client):
    client.force_login(ProfileFactory().user)

    response = client.get(url("notification_preferences"))

    assert response.status_code == 200
    page = response.content.decode()
    for declared in OPTIONAL_KINDS:
        assert str(declared.label) in page
        assert f'name="email_{declared.code}"' in page
        assert f'name="in_app_{declared.code}"' in page
    assert "Always e-mailed" in page
    for declared in MANDATORY_KINDS:
        assert f"<li>{declared.label}</li>" in page
        assert f'name="email_{declared.code}"' not in page
    for declared in STAFF_KINDS:
        assert str(declared.label) not in page


def test_preferences_page_offers_staff_kinds_to_staff_only(client):
    client.force_login(ModeratorFactory())

    page = client.get(url("notification_preferences")).content.decode()

    assert 'name="email_moderation_backlog"' in page
    assert "Moderation backlog (staff)" in page


def test_preferences_saved_on_the_page_are_honoured_by_notify(
    client, post, django_capture_on_commit_callbacks
):
    user = ProfileFactory().user
    client.force_login(user)

    response = post(
        url("notification_preferences"),
        choices_form(
            email_membership_accepted="off",
            in_app_membership_accepted=None,
            email_organisation_verified="digest",
        ),
    )

    assert response.status_code == 302
    assert preference_for(user, kind("membership_accepted")) == ("off", False)
    assert preference_for(user, kind("organisation_verified")) == ("digest", True)
    organisation = OrganisationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        turned_off = notify(
            recipient=user,
            kind_code="membership_accepted",
            context={"organisation": organisation},
        )
        in_digest = notify(
            recipient=user,
            kind_code="organisation_verified",
            context={"organisation": organisation},
            link=("organisation_detail", {"pk": organisation.pk}),
        )
    assert turned_off is None
    assert in_digest.email is None
    assert list(Notification.objects.digest_due()) == [in_digest]
    assert mail.outbox == []
    page = client.get(url("notification_preferences")).content.decode()
    assert "Your choices have been saved." in page


# --- One-click unsubscribe -----------------------------------------------------------------


def test_unsubscribe_link_opened_asks_for_confirmation_and_changes_nothing(client):
    user = ProfileFactory().user
    token = unsubscribe_token(user, "membership_accepted")

    response = client.get(url("notification_unsubscribe", token=token))

    assert response.status_code == 200
    assert "Stop receiving these e-mails?" in response.content.decode()
    assert not NotificationPreference.objects.exists()
    assert preference_for(user, kind("membership_accepted")) == ("immediately", True)


def test_unsubscribe_post_without_login_or_csrf_turns_off_that_kind_for_that_user_only():
    user = ProfileFactory().user
    someone_else = ProfileFactory().user
    token = unsubscribe_token(user, "membership_accepted")
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        url("notification_unsubscribe", token=token), {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    assert "You will no longer receive e-mails about “Membership accepted”." in (
        response.content.decode()
    )
    assert preference_for(user, kind("membership_accepted")) == ("off", True)
    assert preference_for(user, kind("membership_requested")) == ("immediately", True)
    assert preference_for(someone_else, kind("membership_accepted")) == ("immediately", True)


def test_unsubscribe_link_from_an_email_header_stops_that_kind_of_email(
    django_capture_on_commit_callbacks,
):
    user = ProfileFactory().user
    organisation = OrganisationFactory()

    def tell():
        with django_capture_on_commit_callbacks(execute=True):
            return notify(
                recipient=user,
                kind_code="membership_accepted",
                context={"organisation": organisation},
            )

    tell()
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    notification = tell()

    assert len(mail.outbox) == 1
    assert notification.email is None
    assert notification.in_app


def test_unsubscribe_with_a_token_tampered_to_name_someone_else_is_refused():
    attacker = ProfileFactory().user
    victim = ProfileFactory().user
    own_token = unsubscribe_token(attacker, "membership_accepted")
    victim_payload = unsubscribe_token(victim, "membership_accepted").split(":", 1)[0]
    forged = victim_payload + ":" + own_token.split(":", 1)[1]

    response = Client(enforce_csrf_checks=True).post(url("notification_unsubscribe", token=forged))

    assert response.status_code == 400
    assert "This unsubscribe link is not valid." in response.content.decode()
    assert not NotificationPreference.objects.exists()
    assert preference_for(victim, kind("membership_accepted")) == ("immediately", True)


def test_unsubscribe_with_a_made_up_token_is_refused():
    response = Client().post(url("notification_unsubscribe", token="not-a-token"))

    assert response.status_code == 400
    assert "This unsubscribe link is not valid." in response.content.decode()


def test_unsubscribe_from_a_mandatory_kind_is_refused():
    user = ProfileFactory().user
    token = unsubscribe_token(user, "welcome")

    response = Client().post(url("notification_unsubscribe", token=token))

    assert response.status_code == 400
    assert "These e-mails concern your account and cannot be turned off." in (
        response.content.decode()
    )
    assert not NotificationPreference.objects.exists()
    assert preference_for(user, kind("welcome")) == ("immediately", True)


# --- Health --------------------------------------------------------------------------------


def test_health_endpoint_reports_database_broker_and_storage(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "broker": "in-process", "storage": "ok"}


def test_liveness_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/alive/")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]
