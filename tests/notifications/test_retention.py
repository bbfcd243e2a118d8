"""Retention: outbox e-mails and read notices go after their period, which the privacy page
states from the same settings."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from notifications.models import Notification, OutgoingEmail
from notifications.services import retention_purge
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def aged(model, days: int, **fields):
    row = model.objects.create(**fields)
    model.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=days))
    return row


def email(days: int, status: str) -> OutgoingEmail:
    sent_at = timezone.now() if status == "sent" else None
    return aged(
        OutgoingEmail,
        days,
        recipient="amina@example.org",
        subject="Reset your password",
        body_text="https://portal.example/reset/…",
        kind="password_reset",
        status=status,
        sent_at=sent_at,
    )


def notice(user, days: int, read_days_ago: int | None) -> Notification:
    read_at = None if read_days_ago is None else timezone.now() - timedelta(days=read_days_ago)
    return aged(
        Notification,
        days,
        recipient=user,
        kind="welcome",
        title="Welcome",
        body="…",
        read_at=read_at,
    )


def test_retention_purge_deletes_old_emails_and_notices_read_long_ago_only():
    user = UserFactory()
    email(91, "sent"), email(91, "failed")  # gone
    old_queued, recent = email(91, "queued"), email(89, "sent")
    notice(user, 200, 91)  # gone
    read_lately, unread = notice(user, 200, 10), notice(user, 400, None)

    assert retention_purge() == {"emails": 2, "notices": 1}

    assert set(OutgoingEmail.objects.all()) == {old_queued, recent}  # queued: still to go out
    assert set(Notification.objects.all()) == {read_lately, unread}


def test_retention_periods_come_from_the_settings_on_the_purge_and_the_privacy_page(
    client, settings
):
    settings.GCM_RETENTION_OUTBOX_DAYS = 30
    settings.GCM_RETENTION_READ_NOTICES_DAYS = 14
    kept, gone = email(29, "sent"), email(31, "sent")

    retention_purge()

    assert list(OutgoingEmail.objects.all()) == [kept]
    assert gone.pk not in OutgoingEmail.objects.values_list("pk", flat=True)
    with translation.override("en"):
        page = client.get(reverse("privacy")).content.decode()
    assert "30 days, then deleted automatically" in page
    assert "14 days, then deleted automatically" in page


@pytest.mark.parametrize("lang", ["ar", "zh-hans", "fr", "ru", "es"])
def test_privacy_page_lists_each_kind_of_data_in_every_language(client, lang):
    with translation.override(lang):
        response = client.get(reverse("privacy"))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('<tr id="data-') >= 20
    assert "What is kept" not in page  # translated, not English
    assert 'id="data-notices"' in page and 'id="data-inputs"' in page


def test_retention_purge_is_scheduled_daily_after_migrations():
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    importlib.import_module("notifications.migrations.0010_retention_job").schedule(apps, None)

    task = PeriodicTask.objects.select_related("crontab").get(task="notifications.purge_expired")
    assert task.enabled and task.crontab.hour == "3"
