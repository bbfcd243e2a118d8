"""What the stakeholders app holds about a person (the account, its addresses and second
factors, profile, organisations, focal-point requests, API tokens), its export and erasure."""

from importlib import import_module

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gcmportal import ratelimits
from gcmportal.personal_data import (
    UNTIL_ERASED,
    PersonalDataProvider,
    Section,
    admin_log_entries,
    admin_log_fields,
    admin_log_forget,
)

from .models import (
    ApiToken,
    FocalPoint,
    IdempotentRequest,
    Invitation,
    Membership,
    Organisation,
    Profile,
    User,
)

ACCOUNT_PURPOSE = _("To run your account: sign-in, your choices, and writing to you.")
STAKEHOLDER_PURPOSE = _(
    "To show who speaks in the consultations, as you consent, and to count inputs by "
    "stakeholder group, country and region."
)
HISTORY_PURPOSE = _("The audit of changes staff may need to check a decision.")
ORGANISATION_PURPOSE = _(
    "To let you speak for an organisation once its administrators and the staff agree."
)


def _models_logged(person) -> dict:
    """The person's rows of this app (and allauth's) that the admin's log may name."""
    user = person.user
    return {
        User: [user.pk],
        Profile: Profile.objects.filter(user=user).values_list("pk", flat=True),
        FocalPoint: FocalPoint.objects.filter(user=user).values_list("pk", flat=True),
        Membership: Membership.objects.filter(user=user).values_list("pk", flat=True),
        EmailAddress: EmailAddress.objects.filter(user=user).values_list("pk", flat=True),
    }


class StakeholdersPersonalData(PersonalDataProvider):
    app_label = "stakeholders"
    sections = (
        Section(
            key="account",
            title=_("Account"),
            kept=_("Your sign-in address, when you joined and last signed in."),
            purpose=ACCOUNT_PURPOSE,
            retention=UNTIL_ERASED,
            model="stakeholders.User",
            fields=("id", "email", "date_joined", "last_login", "is_staff"),
        ),
        Section(
            key="email_addresses",
            title=_("E-mail addresses"),
            kept=_("Every address of your account and whether it is verified."),
            purpose=ACCOUNT_PURPOSE,
            retention=UNTIL_ERASED,
            model="account.EmailAddress",
            fields=("id", "email", "verified", "primary"),
        ),
        Section(
            key="two_factor",
            title=_("Two-factor authentication"),
            kept=_(
                "Which second factors you set up and when they were last used (never their "
                "secrets)."
            ),
            purpose=ACCOUNT_PURPOSE,
            retention=UNTIL_ERASED,
            model="mfa.Authenticator",
            fields=("id", "type", "created_at", "last_used_at"),
        ),
        Section(
            key="profile",
            title=_("Profile"),
            kept=_(
                "Your display name, stakeholder group, country, city, languages, interests "
                "and the version of the terms you accepted."
            ),
            purpose=STAKEHOLDER_PURPOSE,
            retention=UNTIL_ERASED,
            model="stakeholders.Profile",
            fields=(
                "id",
                "display_name",
                "stakeholder_group",
                "country",
                "city",
                "preferred_language",
                "languages_read",
                "objectives_of_interest",
                "regions_of_interest",
                "terms_version",
                "terms_accepted_at",
                "updated_at",
            ),
        ),
        Section(
            key="profile_history",
            title=_("Changes to your profile"),
            kept=_("Each earlier state of your profile, with its date."),
            purpose=HISTORY_PURPOSE,
            retention=UNTIL_ERASED,
            model="stakeholders.HistoricalProfile",
            fields=(
                "id",
                "history_date",
                "history_type",
                "display_name",
                "stakeholder_group",
                "country",
                "city",
                "preferred_language",
            ),
            labels={"history_type": _("change")},
        ),
        Section(
            key="memberships",
            title=_("Organisations you belong to or asked to join"),
            kept=_("Each organisation, your role and the state of your request."),
            purpose=ORGANISATION_PURPOSE,
            retention=_("Until you delete your account; then kept as “removed”, without your name"),
            model="stakeholders.Membership",
            fields=("id", "organisation", "role", "state", "created_at", "updated_at"),
        ),
        Section(
            key="organisations_registered",
            title=_("Organisations you registered"),
            kept=_("The organisations you registered on the portal."),
            purpose=ORGANISATION_PURPOSE,
            retention=_("As long as the organisation is registered (it is not yours alone)"),
            model="stakeholders.Organisation",
            fields=("id", "name", "verification_status", "created_at"),
        ),
        Section(
            key="invitations",
            title=_("Invitations"),
            kept=_("Invitations you sent to colleagues and those sent to your addresses."),
            purpose=ORGANISATION_PURPOSE,
            retention=UNTIL_ERASED,
            model="stakeholders.Invitation",
            fields=("id", "organisation", "email", "role", "created_at", "accepted_at", "sent"),
            labels={"sent": _("sent by you")},
        ),
        Section(
            key="focal_points",
            title=_("Government focal point requests"),
            kept=_("The Member State, your position and the staff's decision with its reason."),
            purpose=_("To let verified government focal points speak for their State."),
            retention=UNTIL_ERASED,
            model="stakeholders.FocalPoint",
            fields=(
                "id",
                "country",
                "position",
                "verification_status",
                "verification_reason",
                "created_at",
                "verified_at",
            ),
        ),
        Section(
            key="focal_point_history",
            title=_("Changes to your focal point requests"),
            kept=_("Each earlier state of your requests, with its date."),
            purpose=HISTORY_PURPOSE,
            retention=UNTIL_ERASED,
            model="stakeholders.HistoricalFocalPoint",
            fields=(
                "id",
                "history_date",
                "history_type",
                "country",
                "position",
                "verification_status",
            ),
            labels={"history_type": _("change")},
        ),
        Section(
            key="api_tokens",
            title=_("API tokens"),
            kept=_("The name and beginning of each token and when it was used (never its key)."),
            purpose=_("To let your own tools use the portal's API in your name."),
            retention=UNTIL_ERASED,
            model="stakeholders.ApiToken",
            fields=("id", "name", "prefix", "created_at", "last_used_at", "revoked_at"),
        ),
        Section(
            key="api_requests_repeated",
            title=_("API answers kept for retries"),
            kept=_("The answer to an API request sent with an Idempotency-Key."),
            purpose=_(
                "So that a request sent again after a lost connection is not carried out twice."
            ),
            retention=_("One day"),
            model="stakeholders.IdempotentRequest",
            fields=("id", "method", "path", "status_code", "body", "created_at"),
        ),
        Section(
            key="administration_log",
            title=_("Staff changes to your account"),
            kept=_("What staff changed in your account, profile or requests, and when."),
            purpose=HISTORY_PURPOSE,
            retention=_("Kept as the staff's record; your name is removed when you are erased"),
            model="admin.LogEntry",
            fields=("id", "at", "object", "action", "change"),
            labels={
                "at": _("at"),
                "object": _("what"),
                "action": _("action"),
                "change": _("change"),
            },
        ),
    )

    def rows(self, person, section):
        user = person.user
        return {
            "account": User.objects.filter(pk=user.pk),
            "email_addresses": EmailAddress.objects.filter(user=user),
            "two_factor": Authenticator.objects.filter(user=user),
            "profile": Profile.objects.filter(user=user).select_related(
                "stakeholder_group", "country"
            ),
            "profile_history": Profile.history.filter(user_id=user.pk),
            "memberships": Membership.objects.filter(user=user).select_related("organisation"),
            "organisations_registered": Organisation.objects.filter(created_by=user),
            "invitations": self._invitations(person).select_related("organisation"),
            "focal_points": FocalPoint.objects.filter(user=user).select_related("country"),
            "focal_point_history": FocalPoint.history.filter(user_id=user.pk),
            "api_tokens": ApiToken.objects.filter(user=user),
            "api_requests_repeated": IdempotentRequest.objects.filter(user=user),
            "administration_log": admin_log_entries(_models_logged(person)),
        }[section.key]

    def computed(self, person, section, row):
        if section.key == "invitations":
            return {"sent": row.invited_by_id == person.user.pk}
        if section.key in ("profile_history", "focal_point_history"):
            change = {"+": "created", "~": "changed", "-": "deleted"}
            return {"history_type": change.get(row.history_type, row.history_type)}
        if section.key == "administration_log":
            return admin_log_fields(row)
        return {}

    @staticmethod
    def _invitations(person):
        to_person = Q()
        for email in person.emails:
            to_person |= Q(email__iexact=email)
        return Invitation.objects.filter(Q(invited_by=person.user) | to_person)

    def erase(self, person):
        """Last of all the providers: the account becomes an anonymous tombstone, so that what
        the person submitted keeps its content (and its organisation's or State's name)."""
        user = person.user
        ratelimits.forget(user=user, emails=person.emails)  # while its tokens are known
        with transaction.atomic():
            user = User.objects.select_for_update().get(pk=user.pk)
            admin_log_forget(admin_log_entries(_models_logged(person)))
            Membership.objects.filter(user=user).exclude(state=Membership.State.REMOVED).update(
                state=Membership.State.REMOVED, updated_at=timezone.now()
            )
            # Live rows first: deleting them writes history rows, which are then erased too.
            Profile.objects.filter(user=user).delete()
            Profile.history.filter(user_id=user.pk).delete()
            FocalPoint.objects.filter(user=user).delete()
            FocalPoint.history.filter(user_id=user.pk).delete()
            self._invitations(person).filter(invited_by=user).update(invited_by=None)
            self._invitations(person).delete()
            Invitation.objects.filter(accepted_by=user).update(accepted_by=None)
            EmailAddress.objects.filter(user=user).delete()
            Authenticator.objects.filter(user=user).delete()
            ApiToken.objects.filter(user=user).delete()
            IdempotentRequest.objects.filter(user=user).delete()  # answers may quote the user
            user.email = f"erased-{user.pk}@erased.invalid"
            user.set_unusable_password()
            user.last_login = None
            user.is_active = user.is_staff = user.is_superuser = False
            user.erased_at = user.erased_at or timezone.now()
            user.save(
                update_fields=[
                    "email",
                    "password",
                    "last_login",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "erased_at",
                ]
            )
            user.groups.clear()
            user.user_permissions.clear()
        sessions_end(user)


def sessions_end(user) -> int:
    """End every session of the account, in the database and in the cache (cached_db)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.iterator(chunk_size=1000):
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            store(session.session_key).delete()
            ended += 1
    return ended
