"""The daily digest: one e-mail a day with what waits, never twice, on a schedule beat runs."""

import importlib
from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask

from notifications.models import Notification, OutgoingEmail
from notifications.services import digests_send, notification_preferences_save, notify
from notifications.tasks import send_daily_digests
from tests.factories import OrganisationFactory, ProfileFactory

pytestmark = pytest.mark.django_db

MONDAY_EARLY = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
MONDAY_DIGEST = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
MONDAY_AFTERNOON = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
TUESDAY_DIGEST = datetime(2026, 3, 3, 6, 0, tzinfo=UTC)


def digest_reader(language: str = "en"):
    """A user who chose the daily digest for accepted memberships."""
    user = ProfileFactory(preferred_language=language).user
    notification_preferences_save(user=user, choices={"membership_accepted": ("digest", None)})
    return user


def accepted(user, organisation_name: str) -> Notification:
    organisation = OrganisationFactory(name=organisation_name)
    return notify(
        recipient=user,
        kind_code="membership_accepted",
        context={"organisation": organisation},
        link=("organisation_detail", {"pk": organisation.pk}),
    )


def send_digests(django_capture_on_commit_callbacks) -> int:
    """Run the digest job and deliver what it queued."""
    with django_capture_on_commit_callbacks(execute=True):
        return digests_send()


def test_digest_reader_gets_one_email_listing_every_waiting_notice(
    django_capture_on_commit_callbacks,
):
    user = digest_reader()
    with time_machine.travel(MONDAY_EARLY, tick=False) as clock:
        for name in ["Alpha Network", "Beta Association", "Gamma Union"]:
            accepted(user, name)
        assert mail.outbox == []
        clock.move_to(MONDAY_DIGEST)

        assert send_digests(django_capture_on_commit_callbacks) == 1

    (message,) = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Your daily digest: 3 new notices"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    for name in ["Alpha Network", "Beta Association", "Gamma Union"]:
        assert f"You are now a member of {name}" in message.body
        assert f"You are now a member of {name}" in html
    assert not Notification.objects.digest_due().exists()


def test_digest_job_run_again_the_same_day_sends_nothing_more(
    django_capture_on_commit_callbacks,
):
    user = digest_reader()
    with time_machine.travel(MONDAY_EARLY, tick=False) as clock:
        accepted(user, "Alpha Network")
        clock.move_to(MONDAY_DIGEST)
        send_digests(django_capture_on_commit_callbacks)
        clock.move_to(MONDAY_AFTERNOON)

        assert send_digests(django_capture_on_commit_callbacks) == 0
        with django_capture_on_commit_callbacks(execute=True):
            assert send_daily_digests.apply().get() == 0
        output = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_digests", stdout=output)

    assert "0 digest e-mail(s) queued." in output.getvalue()
    assert len(mail.outbox) == 1
    assert OutgoingEmail.objects.filter(kind="digest").count() == 1


def test_digest_command_sends_what_waits_and_says_how_many(django_capture_on_commit_callbacks):
    accepted(digest_reader(), "Alpha Network")
    accepted(digest_reader(), "Beta Association")
    output = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests", stdout=output)

    assert "2 digest e-mail(s) queued." in output.getvalue()
    assert len(mail.outbox) == 2


def test_digest_reader_with_nothing_waiting_gets_no_email(django_capture_on_commit_callbacks):
    digest_reader()
    immediate_reader = ProfileFactory().user
    accepted(immediate_reader, "Alpha Network")  # e-mailed at once, not in a digest
    mail.outbox.clear()

    assert send_digests(django_capture_on_commit_callbacks) == 0

    assert mail.outbox == []
    assert not OutgoingEmail.objects.filter(kind="digest").exists()


def test_notice_created_after_the_digest_goes_into_the_next_day_digest_only(
    django_capture_on_commit_callbacks,
):
    user = digest_reader()
    with time_machine.travel(MONDAY_EARLY, tick=False) as clock:
        accepted(user, "Alpha Network")
        clock.move_to(MONDAY_DIGEST)
        send_digests(django_capture_on_commit_callbacks)
        clock.move_to(MONDAY_AFTERNOON)
        accepted(user, "Beta Association")
        clock.move_to(TUESDAY_DIGEST)

        assert send_digests(django_capture_on_commit_callbacks) == 1

    monday, tuesday = mail.outbox
    assert "Alpha Network" in monday.body
    assert "Beta Association" not in monday.body
    assert "Beta Association" in tuesday.body
    assert "Alpha Network" not in tuesday.body
    assert tuesday.subject == "Your daily digest: 1 new notice"


def test_inactive_user_gets_no_digest_while_others_do(django_capture_on_commit_callbacks):
    inactive = digest_reader()
    accepted(inactive, "Alpha Network")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    active = digest_reader()
    accepted(active, "Beta Association")

    assert send_digests(django_capture_on_commit_callbacks) == 1

    assert [message.to for message in mail.outbox] == [[active.email]]


def test_digest_for_a_french_reader_is_written_in_french(django_capture_on_commit_callbacks):
    user = digest_reader(language="fr")
    accepted(user, "Réseau Alpha")

    send_digests(django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert 'lang="fr"' in html
    assert message.body.startswith("Bonjour ")
    assert "Vous êtes désormais membre de Réseau Alpha" in message.body
    assert "/fr/" in message.body


def test_digest_subject_for_a_french_reader_is_in_french(django_capture_on_commit_callbacks):
    accepted(digest_reader(language="fr"), "Réseau Alpha")
    accepted(digest_reader(language="en"), "Alpha Network")

    send_digests(django_capture_on_commit_callbacks)

    french, english = sorted(mail.outbox, key=lambda m: "Réseau" not in m.body)
    assert french.subject != english.subject


def select_count(queries) -> int:
    return sum(1 for query in queries if query["sql"].lstrip().upper().startswith("SELECT"))


def test_digest_job_reads_waiting_notices_with_constant_queries():
    def selects_for(users: int) -> int:
        for number in range(users):
            reader = digest_reader()
            accepted(reader, f"First {users}-{number}")
            accepted(reader, f"Second {users}-{number}")
        with CaptureQueriesContext(connection) as captured:
            assert digests_send() == users
        return select_count(captured.captured_queries)

    assert selects_for(3) == selects_for(30)


def test_daily_digest_is_scheduled_at_six_after_migrations():
    # Transactional tests empty the database, migration data included: apply the migration's
    # own step again (it is idempotent) so this test does not depend on the order of tests.
    from django.apps import apps

    migration = importlib.import_module("notifications.migrations.0003_periodic_jobs")
    migration.schedule_jobs(apps, None)

    task = PeriodicTask.objects.select_related("crontab").get(name="Daily notification digest")

    assert task.task == "notifications.send_daily_digests"
    assert task.enabled
    assert task.crontab is not None
    assert task.crontab.hour == "6"
    assert task.crontab.minute == "0"
