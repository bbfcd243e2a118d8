"""What the notifications app holds about a person (in-app notices, notification preferences,
the e-mails sent to them and the notices and e-mails to others that name them), its export and
its erasure."""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gcmportal.personal_data import (
    UNTIL_ERASED,
    PersonalDataProvider,
    Section,
    admin_log_entries,
    admin_log_forget,
    days,
)

from .models import Notification, NotificationPreference, OutgoingEmail

NOTICE_PURPOSE = _(
    "To tell you what happens to your account, your inputs and the calls you follow."
)
NAMED_PURPOSE = _(
    "To tell others of a request of yours (to join their organisation, an invitation you sent)."
)


# The kinds of message whose text names someone other than their recipient. Rows stored before
# the portal recorded `mentions` are found by the person's addresses and names in their text.
NAMING_KINDS = ("membership_requested", "organisation_invitation", "digest")


def _naming_in_text(person, field: str) -> Q:
    said = Q(pk__in=[])
    for words in (*person.emails, *(name for name in person.names if len(name) >= 3)):
        said |= Q(**{f"{field}__icontains": words})
    return Q(kind__in=NAMING_KINDS) & said


def _to_person(person) -> Q:
    addressed = Q(pk__in=[])
    for email in person.emails:
        addressed |= Q(recipient__iexact=email)
    return addressed


class NotificationsPersonalData(PersonalDataProvider):
    app_label = "notifications"
    sections = (
        Section(
            key="notices",
            title=_("Notices"),
            kept=_("The notices the portal sent you, and when you read them."),
            purpose=NOTICE_PURPOSE,
            retention=days("GCM_RETENTION_READ_NOTICES_DAYS"),
            model="notifications.Notification",
            fields=("id", "kind", "title", "body", "url", "created_at", "read_at", "email_choice"),
        ),
        Section(
            key="notices_naming_you",
            title=_("Notices to others that name you"),
            kept=_("Notices sent to other people about a request of yours."),
            purpose=NAMED_PURPOSE,
            retention=days("GCM_RETENTION_READ_NOTICES_DAYS"),
            model="notifications.Notification",
            fields=("id", "kind", "title", "created_at"),
        ),
        Section(
            key="notification_preferences",
            title=_("Notification preferences"),
            kept=_("How you chose to be told of each kind of notice."),
            purpose=NOTICE_PURPOSE,
            retention=UNTIL_ERASED,
            model="notifications.NotificationPreference",
            fields=("id", "kind", "email", "in_app"),
        ),
        Section(
            key="emails",
            title=_("E-mails sent to you"),
            kept=_("Each e-mail to your addresses: subject, date and whether it was delivered."),
            purpose=NOTICE_PURPOSE,
            retention=days("GCM_RETENTION_OUTBOX_DAYS"),
            model="notifications.OutgoingEmail",
            fields=("id", "recipient", "subject", "kind", "status", "created_at", "sent_at"),
        ),
        Section(
            key="emails_naming_you",
            title=_("E-mails to others that name you"),
            kept=_("E-mails sent to other people about a request of yours."),
            purpose=NAMED_PURPOSE,
            retention=days("GCM_RETENTION_OUTBOX_DAYS"),
            model="notifications.OutgoingEmail",
            fields=("id", "subject", "kind", "created_at"),
        ),
    )

    def rows(self, person, section):
        user = person.user
        return {
            "notices": Notification.objects.filter(recipient=user),
            "notices_naming_you": Notification.objects.filter(
                Q(mentions=user) | _naming_in_text(person, "body")
            )
            .exclude(recipient=user)
            .distinct(),
            "notification_preferences": NotificationPreference.objects.filter(user=user),
            "emails": OutgoingEmail.objects.filter(_to_person(person)),
            "emails_naming_you": OutgoingEmail.objects.filter(
                Q(mentions=user) | _naming_in_text(person, "body_text")
            )
            .exclude(_to_person(person))
            .distinct(),
        }[section.key]

    def erase(self, person):
        user = person.user
        emails = OutgoingEmail.objects.filter(
            _to_person(person) | Q(mentions=user) | _naming_in_text(person, "body_text")
        )
        with transaction.atomic():
            admin_log_forget(
                admin_log_entries({OutgoingEmail: emails.values_list("pk", flat=True)})
            )
            Notification.objects.filter(
                Q(recipient=user) | Q(mentions=user) | _naming_in_text(person, "body")
            ).delete()
            OutgoingEmail.objects.filter(pk__in=emails.values("pk")).delete()
            NotificationPreference.objects.filter(user=user).delete()
