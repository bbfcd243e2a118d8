"""Notifications (in-app and e-mail), preferences, and the e-mail outbox every message passes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .kinds import DIGEST, IMMEDIATELY, KINDS, OFF
from .querysets import NotificationQuerySet

EMAIL_CHOICES = [
    (IMMEDIATELY, _("e-mail immediately")),
    (DIGEST, _("in the daily digest")),
    (OFF, _("no e-mail")),
]
KIND_CHOICES = [(code, kind.label) for code, kind in KINDS.items()]


class OutgoingEmail(models.Model):
    """One e-mail to one recipient, delivered by a Celery task and kept for audit and retries."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    kind = models.CharField(
        _("kind"), max_length=80, help_text=_("The template the message was rendered from.")
    )
    idempotency_key = models.CharField(
        _("idempotency key"),
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The same key never produces a second message."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("people named"),
        help_text=_("Other people the message names: it goes when one of them is erased."),
    )
    dispatched_at = models.DateTimeField(
        _("handed to a worker at"),
        null=True,
        blank=True,
        help_text=_("Empty while the task queue could not be reached: the sweeper tries again."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="outgoing_email_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"


class Notification(models.Model):
    """Something the portal tells one user: shown in their notices, e-mailed as they chose."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=KIND_CHOICES)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    in_app = models.BooleanField(_("shown in the notices"), default=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_choice = models.CharField(
        _("e-mail"), max_length=12, choices=EMAIL_CHOICES, default=IMMEDIATELY
    )
    email = models.ForeignKey(
        OutgoingEmail,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("e-mail"),
    )
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("people named"),
        help_text=_("Other people the notice names: it goes when one of them is erased."),
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                name="notification_unread",
                condition=models.Q(read_at__isnull=True, in_app=True),
            ),
            models.Index(
                fields=["recipient"],
                name="notification_digest_due",
                condition=models.Q(email_choice="digest", email__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """A user's choice for one kind; without a row, the kind's defaults apply."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=KIND_CHOICES)
    email = models.CharField(_("e-mail"), max_length=12, choices=EMAIL_CHOICES)
    in_app = models.BooleanField(_("show in my notices"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}: {self.email}"
