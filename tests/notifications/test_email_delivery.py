"""E-mail delivery through the outbox: once only, failures recorded and retryable."""

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import OperationalError, connection

from notifications.models import OutgoingEmail
from notifications.services import email_deliver, email_queue
from notifications.tasks import deliver_email
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def queue(django_capture_on_commit_callbacks, **kwargs) -> OutgoingEmail:
    message = EmailMultiAlternatives(
        subject="Your input was received",
        body="Reference GCM-2026-ECE-000001",
        to=["a@example.org"],
    )
    message.attach_alternative("<p>Reference GCM-2026-ECE-000001</p>", "text/html")
    with django_capture_on_commit_callbacks(execute=True):
        return email_queue(message=message, kind="receipt", **kwargs)


def use_unreachable_smtp_server(settings):
    """A real SMTP backend pointed at a closed port on this machine: the connection is refused."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard port: nothing listens there
    settings.EMAIL_TIMEOUT = 2


def test_queued_email_is_delivered_once_with_its_html_part(django_capture_on_commit_callbacks):
    row = queue(django_capture_on_commit_callbacks)

    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].alternatives[0][0] == "<p>Reference GCM-2026-ECE-000001</p>"


def test_running_the_delivery_task_again_sends_nothing_twice(django_capture_on_commit_callbacks):
    row = queue(django_capture_on_commit_callbacks)

    deliver_email.delay(row.pk)
    deliver_email.apply(args=[row.pk])

    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_the_same_idempotency_key_queues_one_email(django_capture_on_commit_callbacks):
    first = queue(django_capture_on_commit_callbacks, idempotency_key="receipt:42")
    second = queue(django_capture_on_commit_callbacks, idempotency_key="receipt:42")

    assert first.pk == second.pk
    assert OutgoingEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_failed_delivery_is_recorded_without_breaking_the_caller(
    settings, django_capture_on_commit_callbacks
):
    use_unreachable_smtp_server(settings)

    row = queue(django_capture_on_commit_callbacks)

    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.FAILED
    assert row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    assert row.sent_at is None


def test_staff_retry_a_failed_email_from_the_admin_once_the_server_is_back(
    client, settings, django_capture_on_commit_callbacks
):
    use_unreachable_smtp_server(settings)
    row = queue(django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.GCM_STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/admin/notifications/outgoingemail/",
            {"action": "retry_delivery", "_selected_action": [row.pk]},
            follow=True,
        )

    assert "1 e-mail queued for delivery again." in response.content.decode()
    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.SENT
    assert row.attempts == 2
    assert row.last_error == ""
    assert len(mail.outbox) == 1


def test_every_attempt_carries_the_same_message_id(settings, django_capture_on_commit_callbacks):
    """Should a message go out twice (a worker killed between the server's "OK" and the row's
    update), mail systems recognise the second copy by its Message-ID."""
    row = queue(django_capture_on_commit_callbacks)
    OutgoingEmail.objects.filter(pk=row.pk).update(status=OutgoingEmail.Status.QUEUED)
    queue(django_capture_on_commit_callbacks, idempotency_key="another")

    deliver_email.apply(args=[row.pk])

    first, other_message, again = (message.extra_headers["Message-ID"] for message in mail.outbox)
    assert first == again
    assert other_message != first
    assert first.startswith("<") and first.endswith("@gcm-portal.example>")


def test_sent_email_cannot_be_marked_sent_without_a_time():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        OutgoingEmail.objects.create(
            recipient="a@example.org", subject="s", body_text="b", kind="k", status="sent"
        )


def test_a_database_restart_just_after_the_message_went_out_does_not_send_it_twice():
    """The mail server took the message, then the database went away before the row said so:
    the row is recorded once the database answers again, and no second copy goes out."""
    message = EmailMultiAlternatives(subject="Receipt", body="Text", to=["a@example.org"])
    row = email_queue(message=message, kind="receipt")  # not delivered: nothing commits here
    blinked = []

    def blink(execute, sql, params, many, context):
        if sql.startswith('UPDATE "notifications_outgoingemail"') and not blinked:
            blinked.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(blink):
        email_deliver(outgoing_email_id=row.pk)
    deliver_email.apply(args=[row.pk])  # the task delivered again, as after a retry

    row.refresh_from_db()
    assert blinked
    assert row.status == OutgoingEmail.Status.SENT
    assert len(mail.outbox) == 1
