"""Celery tasks of the consultations app: thin wrappers that beat runs every few minutes."""

from celery import shared_task

from .services import (
    call_opened_notices_send,
    moderation_backlog_notices_send,
    reminders_send_due,
)


@shared_task(name="consultations.send_deadline_reminders")
def send_deadline_reminders() -> int:
    """Remind authors of drafts 48 and 2 hours before their call closes; none twice."""
    return reminders_send_due()


@shared_task(name="consultations.send_call_opened_notices")
def send_call_opened_notices() -> int:
    """Tell interested users that a call opened; once per call."""
    return call_opened_notices_send()


@shared_task(name="consultations.send_moderation_backlog_notices")
def send_moderation_backlog_notices() -> int:
    """Tell moderators, daily, of inputs waiting more than 48 hours; once a day each."""
    return moderation_backlog_notices_send()
