"""Celery tasks of the notifications app: thin wrappers around its services."""

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.db import OperationalError

from .models import OutgoingEmail
from .services import (
    EmailDeliveryFailed,
    digests_send,
    email_deliver,
    emails_requeue_stalled,
    retention_purge,
)


@shared_task(bind=True, name="notifications.deliver_email", max_retries=8)
def deliver_email(self, outgoing_email_id: int) -> str:
    """Deliver one outgoing e-mail; running it again after success sends nothing.

    A transient failure is retried with exponential backoff by a worker. Where tasks run
    in-process (no broker), the failure is left recorded on the row for staff to retry, so that
    a user's request never waits on a mail server.
    """
    try:
        return email_deliver(outgoing_email_id=outgoing_email_id).status
    except OutgoingEmail.DoesNotExist:
        return "deleted"  # erased with a person it named before it went out
    except (EmailDeliveryFailed, OperationalError) as exc:
        # The mail server or the database is unavailable for now: try again later.
        if self.request.is_eager:
            return "failed"
        countdown = get_exponential_backoff_interval(
            factor=30, retries=self.request.retries, maximum=3600, full_jitter=True
        )
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(name="notifications.send_daily_digests")
def send_daily_digests() -> int:
    """Beat runs this daily; running it twice sends no digest twice."""
    return digests_send()


@shared_task(name="notifications.requeue_stalled_emails")
def requeue_stalled_emails() -> int:
    """Beat runs this every few minutes so that no queued e-mail is ever left behind."""
    return emails_requeue_stalled()


@shared_task(name="notifications.purge_expired")
def purge_expired() -> dict:
    """Beat runs this daily: e-mails and read notices past their retention period go."""
    return retention_purge()
