"""Queueing and delivering e-mail; the only way the portal sends a message."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

# Failures worth another try later: the mail server is down, slow or refusing for now.
TRANSIENT_DELIVERY_ERRORS = (smtplib.SMTPException, OSError)


class EmailDeliveryFailed(Exception):
    """Delivery failed for a reason that may pass; the task retries with backoff."""


def email_queue(
    *,
    message: EmailMultiAlternatives,
    kind: str,
    idempotency_key: str | None = None,
) -> OutgoingEmail:
    """Store one message per recipient and deliver it once the current transaction commits.

    With an idempotency key that was used before, nothing new is stored or sent and the earlier
    row is returned.
    """
    from .tasks import deliver_email

    html = next(
        (
            content
            for content, mimetype in getattr(message, "alternatives", [])
            if mimetype == "text/html"
        ),
        "",
    )
    rows = []
    for index, recipient in enumerate(message.to):
        key = f"{idempotency_key}:{index}" if idempotency_key else None
        try:
            with transaction.atomic():
                row = OutgoingEmail.objects.create(
                    recipient=recipient,
                    subject=message.subject,
                    body_text=message.body,
                    body_html=html,
                    headers=dict(message.extra_headers),
                    kind=kind,
                    idempotency_key=key,
                )
        except IntegrityError:
            rows.append(OutgoingEmail.objects.get(idempotency_key=key))
            continue
        transaction.on_commit(lambda pk=row.pk: deliver_email.delay(pk))
        rows.append(row)
    return rows[0]


def email_from_template(
    *,
    recipient: str,
    template: str,
    context: dict,
    language: str,
    idempotency_key: str | None = None,
) -> OutgoingEmail:
    """Render notifications/email/<template>_{subject,message}.txt (and .html) and queue it.

    Rendering happens now, in the recipient's language, so the worker only delivers text.
    """
    with translation.override(language):
        ctx = {"site_url": settings.SITE_URL, "language": language, **context}
        subject = render_to_string(f"notifications/email/{template}_subject.txt", ctx)
        body = render_to_string(f"notifications/email/{template}_message.txt", ctx)
        try:
            html = render_to_string(f"notifications/email/{template}_message.html", ctx)
        except TemplateDoesNotExist:
            html = ""
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=body.strip(), to=[recipient]
    )
    if html:
        message.attach_alternative(html, "text/html")
    return email_queue(message=message, kind=template, idempotency_key=idempotency_key)


def email_deliver(*, outgoing_email_id: int) -> OutgoingEmail:
    """Send a queued e-mail unless it was sent already; record the outcome on the row.

    The row stays locked while the message goes out, so two workers given the same task send
    it once. Raises EmailDeliveryFailed (after recording the error) on a transient failure.
    """
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().get(pk=outgoing_email_id)
        if email.status == OutgoingEmail.Status.SENT:
            return email
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            to=[email.recipient],
            headers=email.headers,
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        email.attempts += 1
        try:
            message.send()
        except TRANSIENT_DELIVERY_ERRORS as exc:
            logger.warning("E-mail %s not delivered: %s", email.pk, exc)
            email.status = OutgoingEmail.Status.FAILED
            email.last_error = f"{type(exc).__name__}: {exc}"
            email.save(update_fields=["status", "last_error", "attempts"])
            failed = True
        else:
            email.status = OutgoingEmail.Status.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
            email.save(update_fields=["status", "sent_at", "last_error", "attempts"])
            failed = False
    if failed:
        raise EmailDeliveryFailed(email.last_error)
    return email


def email_retry(*, outgoing_email_id: int) -> None:
    """Queue a failed e-mail for delivery again (staff action)."""
    from .tasks import deliver_email

    transaction.on_commit(lambda: deliver_email.delay(outgoing_email_id))
