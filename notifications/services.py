"""Notifying users and delivering e-mail: the only way the portal tells anyone anything."""

import logging
import smtplib
import time
from datetime import timedelta
from itertools import groupby

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from gcmportal.errors import DomainError

from .kinds import IMMEDIATELY, KINDS, OFF, NotificationKind, kind
from .models import Notification, NotificationPreference, OutgoingEmail

logger = logging.getLogger(__name__)

# Failures recorded on the row; all but a permanent refusal are tried again later (the mail
# server is down, slow or refusing for now).
TRANSIENT_DELIVERY_ERRORS = (smtplib.SMTPException, OSError)
# How the outbox says that the server refused a message for good (a 5xx): not tried again.
PERMANENT_REFUSAL = "Refused for good by the mail server"


class EmailDeliveryFailed(Exception):
    """Delivery failed for a reason that may pass; the task retries with backoff."""


def refused_for_good(exc: Exception) -> bool:
    """The mail server refused with a permanent (5xx) code: trying again would change nothing
    (no such mailbox, a policy refusal), unlike a 4xx or a connection that failed."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def email_queue(
    *,
    message: EmailMultiAlternatives,
    kind: str,
    idempotency_key: str | None = None,
    mentions=(),
) -> OutgoingEmail:
    """Store one message per recipient and deliver it once the current transaction commits.

    `mentions` are the other people the message names (it goes when one of them is erased).
    With an idempotency key that was used before, nothing new is stored or sent and the earlier
    row is returned.
    """
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
        if mentions:
            row.mentions.add(*mentions)
        # robust: a broker that is down must not break the user's request; the row stays
        # queued, not dispatched, and emails_requeue_stalled() hands it over a minute later.
        transaction.on_commit(lambda pk=row.pk: email_dispatch(pk), robust=True)
        rows.append(row)
    return rows[0]


def email_from_template(
    *,
    recipient: str,
    template: str,
    context: dict,
    language: str,
    idempotency_key: str | None = None,
    mentions=(),
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
    return email_queue(
        message=message, kind=template, idempotency_key=idempotency_key, mentions=mentions
    )


def message_id(email: OutgoingEmail) -> str:
    """The e-mail's own Message-ID, the same whenever and however often it is sent."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "gcm-portal"
    return f"<{email.created_at:%Y%m%d%H%M%S}.{email.pk}.outbox@{domain}>"


def email_deliver(*, outgoing_email_id: int) -> OutgoingEmail:
    """Send a queued e-mail unless it was sent already; record the outcome on the row.

    The row stays locked while the message goes out, so two workers given the same task send
    it once. Raises EmailDeliveryFailed (after recording the error) on a transient failure; a
    permanent refusal (5xx) is recorded as failed and not raised, so it is not tried again.
    """
    sent_at = None
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.select_for_update().get(pk=outgoing_email_id)
            if email.status == OutgoingEmail.Status.SENT:
                return email
            message = EmailMultiAlternatives(
                subject=email.subject,
                body=email.body_text,
                to=[email.recipient],
                # The same Message-ID on every attempt: should a worker die after the server
                # took the message but before this row says so, the copy sent again is
                # recognisably the same message, which mail systems show once.
                headers={"Message-ID": message_id(email), **email.headers},
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
                if refused_for_good(exc):
                    email.last_error = f"{PERMANENT_REFUSAL}: {email.last_error}"
                email.save(update_fields=["status", "last_error", "attempts"])
            else:
                sent_at = timezone.now()
                email.status = OutgoingEmail.Status.SENT
                email.sent_at = sent_at
                email.last_error = ""
                email.save(update_fields=["status", "sent_at", "last_error", "attempts"])
    except DatabaseError:
        if sent_at is None:
            raise
        # The mail server has the message; only the database failed to say so (a restart).
        _record_sent(email, sent_at)
    if email.status == OutgoingEmail.Status.FAILED and not email.last_error.startswith(
        PERMANENT_REFUSAL
    ):
        raise EmailDeliveryFailed(email.last_error)
    return email


# How long the row of a message that went out is tried again while the database is away, so
# that a database restart does not make the message go out twice.
RECORD_SENT_FOR = timedelta(seconds=60)


def _record_sent(email: OutgoingEmail, sent_at) -> None:
    deadline = timezone.now() + RECORD_SENT_FOR
    while True:
        if not connection.in_atomic_block:
            connection.close()  # the broken one; the next query opens another
        try:
            OutgoingEmail.objects.filter(pk=email.pk).update(
                status=OutgoingEmail.Status.SENT,
                sent_at=sent_at,
                last_error="",
                attempts=email.attempts,
            )
            return
        except DatabaseError:
            if timezone.now() > deadline:
                raise
            logger.warning("E-mail %s went out; waiting for the database to record it", email.pk)
            time.sleep(1)


def email_dispatch(outgoing_email_id: int) -> None:
    """Hand one stored e-mail to the workers and note when. Raises when the broker cannot be
    reached: the row stays undispatched and the sweeper hands it over later."""
    from .tasks import deliver_email

    deliver_email.delay(outgoing_email_id)
    OutgoingEmail.objects.filter(pk=outgoing_email_id).update(dispatched_at=timezone.now())


def email_retry(*, outgoing_email_id: int) -> None:
    """Queue a failed e-mail for delivery again (staff action)."""
    transaction.on_commit(lambda: email_dispatch(outgoing_email_id), robust=True)


# A stored e-mail not handed to a worker (the broker was down) is handed over after this long;
# one handed over but still queued after STALLED_AFTER lost its task (its worker was killed).
UNDISPATCHED_AFTER = timedelta(minutes=1)
STALLED_AFTER = timedelta(minutes=10)


def emails_requeue_stalled(*, now=None) -> int:
    """Hand to the workers every queued e-mail whose task never reached them or was lost.

    Beat runs this every minute. Delivery is row-locked and idempotent, so a task that was
    merely slow sends nothing twice. Stops at the first e-mail the broker refuses (still down).
    """
    now = now or timezone.now()
    stalled = list(
        OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED)
        .filter(
            Q(dispatched_at=None, created_at__lt=now - UNDISPATCHED_AFTER)
            | Q(dispatched_at__lt=now - STALLED_AFTER)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:5000]
    )
    for pk in stalled:
        email_dispatch(pk)
    return len(stalled)


# --- Notifications ----------------------------------------------------------------------------

_UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def preference_for(user, notification_kind: NotificationKind) -> tuple[str, bool]:
    """The (e-mail choice, in-app) a user wants for a kind; mandatory kinds are always e-mailed."""
    preference = NotificationPreference.objects.filter(
        user=user, kind=notification_kind.code
    ).first()
    email = preference.email if preference else notification_kind.email
    in_app = preference.in_app if preference else notification_kind.in_app
    if notification_kind.mandatory:
        email = IMMEDIATELY
    return email, in_app


def unsubscribe_token(user, kind_code: str) -> str:
    """A signed token naming one user and one kind; it cannot be forged or reused for another."""
    return signing.dumps([user.pk, kind_code], salt=_UNSUBSCRIBE_SALT)


def notify(*, recipient, kind_code: str, context: dict, link: tuple | None = None, mentions=()):
    """Tell a user something: record the notice and e-mail it now or in the digest, as chosen.

    Rendered now in the recipient's preferred language (subject and text templates of the
    kind); the e-mail leaves after the current transaction commits. `link` is a URL name and
    its kwargs, reversed in the recipient's language. `mentions` are the other people the
    notice names: it goes when one of them is erased. Returns the notification, or None when
    the recipient turned the kind off everywhere.
    """
    declared = kind(kind_code)
    email_choice, in_app = preference_for(recipient, declared)
    if email_choice == OFF and not in_app:
        return None
    language = recipient.language
    with translation.override(language):
        url = reverse(link[0], kwargs=link[1]) if link else ""
        ctx = {"site_url": settings.SITE_URL, "recipient": recipient, "url": url, **context}
        title = " ".join(
            render_to_string(f"notifications/email/{declared.template}_subject.txt", ctx).split()
        )
        body = render_to_string(f"notifications/email/{declared.template}_message.txt", ctx)
    notification = Notification.objects.create(
        recipient=recipient,
        kind=declared.code,
        title=title[:300],
        body=body.strip(),
        url=url,
        in_app=in_app,
        email_choice=email_choice,
    )
    if mentions:
        notification.mentions.add(*mentions)
    if email_choice == IMMEDIATELY:
        notification.email = email_queue(
            message=_notification_message(notification, language=language),
            kind=declared.code,
            idempotency_key=f"notification:{notification.pk}",
            mentions=mentions,
        )
        notification.save(update_fields=["email"])
    return notification


def _notification_message(notification: Notification, *, language: str):
    """The e-mail for one notification: text and HTML, with a one-click unsubscribe link."""
    recipient = notification.recipient
    declared = kind(notification.kind)
    with translation.override(language):
        unsubscribe_url = ""
        if not declared.mandatory:
            token = unsubscribe_token(recipient, declared.code)
            unsubscribe_url = settings.SITE_URL + reverse(
                "notification_unsubscribe", kwargs={"token": token}
            )
        ctx = {
            "notification": notification,
            "kind": declared,
            "unsubscribe_url": unsubscribe_url,
            "preferences_url": settings.SITE_URL + reverse("notification_preferences"),
            "site_url": settings.SITE_URL,
            "language": language,
        }
        text = render_to_string("notifications/email/notification.txt", ctx)
        html = render_to_string("notifications/email/notification.html", ctx)
    headers = {}
    if unsubscribe_url:
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = EmailMultiAlternatives(
        subject=notification.title, body=text.strip(), to=[recipient.email], headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message


def unsubscribe_token_read(token: str):
    """The (user, kind) a signed unsubscribe token names; DomainError if it is not genuine."""
    try:
        user_pk, kind_code = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise DomainError(gettext("This unsubscribe link is not valid.")) from exc
    declared = KINDS.get(kind_code)
    user = get_user_model().objects.filter(pk=user_pk, is_active=True).first()
    if declared is None or user is None:
        raise DomainError(gettext("This unsubscribe link is not valid."))
    if declared.mandatory:
        raise DomainError(gettext("These e-mails concern your account and cannot be turned off."))
    return user, declared


def notification_unsubscribe(*, token: str):
    """Turn off e-mail for the user and kind a signed unsubscribe link names (no login needed)."""
    user, declared = unsubscribe_token_read(token)
    notification_preferences_save(user=user, choices={declared.code: (OFF, None)})
    return user, declared


def notification_preferences_save(*, user, choices: dict) -> None:
    """Save a user's choices: {kind code: (e-mail choice, in-app or None to keep)}."""
    with transaction.atomic():
        for kind_code, (email_choice, in_app) in choices.items():
            declared = kind(kind_code)
            if declared.mandatory:
                continue
            preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
                user=user,
                kind=kind_code,
                defaults={"email": declared.email, "in_app": declared.in_app},
            )
            preference.email = email_choice
            if in_app is not None:
                preference.in_app = in_app
            preference.save(update_fields=["email", "in_app"])


def notifications_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one notice (or, without an id, all of them) read; returns how many changed."""
    notices = Notification.objects.for_notices(user).unread()
    if notification_id is not None:
        notices = notices.filter(pk=notification_id)
    return notices.update(read_at=timezone.now())


def digests_send(*, now=None, batch_size: int = 2000) -> int:
    """E-mail each user one digest of their notifications waiting for it; returns how many.

    Safe to run twice: a notification belongs to one digest e-mail, and a digest's idempotency
    key names the newest notification it contains. One query reads a batch of waiting
    notifications for many users; nobody with nothing waiting gets an e-mail.
    """
    now = now or timezone.now()
    due = (
        Notification.objects.digest_due()
        .filter(created_at__lte=now, recipient__is_active=True)
        .select_related("recipient__profile")
        .prefetch_related("mentions")
        .order_by("recipient_id", "pk")
    )
    sent = 0
    for recipient_id, notices in groupby(
        due.iterator(chunk_size=batch_size), lambda n: n.recipient_id
    ):
        notices = list(notices)
        recipient = notices[0].recipient
        if not recipient.is_active:
            continue
        with transaction.atomic():
            message = _digest_message(recipient, notices)
            email = email_queue(
                message=message,
                kind="digest",
                idempotency_key=f"digest:{recipient_id}:{notices[-1].pk}",
                mentions={person for notice in notices for person in notice.mentions.all()},
            )
            Notification.objects.filter(pk__in=[n.pk for n in notices], email__isnull=True).update(
                email=email
            )
        sent += 1
    return sent


def _digest_message(recipient, notices) -> EmailMultiAlternatives:
    language = recipient.language
    with translation.override(language):
        ctx = {
            "recipient": recipient,
            "notices": notices,
            "site_url": settings.SITE_URL,
            "preferences_url": settings.SITE_URL + reverse("notification_preferences"),
            "notices_url": settings.SITE_URL + reverse("notification_list"),
        }
        subject = " ".join(render_to_string("notifications/email/digest_subject.txt", ctx).split())
        text = render_to_string("notifications/email/digest_message.txt", ctx)
        html = render_to_string("notifications/email/digest_message.html", ctx)
    message = EmailMultiAlternatives(subject=subject, body=text.strip(), to=[recipient.email])
    message.attach_alternative(html, "text/html")
    return message


# --- Retention ---------------------------------------------------------------------------------


def retention_purge(*, now=None) -> dict[str, int]:
    """Delete what is kept no longer than its period (settings GCM_RETENTION_*_DAYS): e-mails
    of the outbox, which hold sign-in and reset links, and in-app notices once read."""
    now = now or timezone.now()
    outbox_before = now - timedelta(days=settings.GCM_RETENTION_OUTBOX_DAYS)
    notices_before = now - timedelta(days=settings.GCM_RETENTION_READ_NOTICES_DAYS)
    # A queued e-mail is still to go out, however old: the sweeper hands it over.
    emails, _ = (
        OutgoingEmail.objects.filter(created_at__lt=outbox_before)
        .exclude(status=OutgoingEmail.Status.QUEUED)
        .delete()
    )
    notices, _ = Notification.objects.filter(read_at__lt=notices_before).delete()
    return {"emails": emails, "notices": notices}
