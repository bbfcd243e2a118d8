"""Writes for the stakeholders app."""

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Iterator
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_countries import countries as iso_countries

from gcmportal import personal_data
from gcmportal.errors import DomainError
from gcmportal.personal_data import Person
from notifications.services import email_from_template, notify

from . import reference
from .models import (
    ApiToken,
    Country,
    FocalPoint,
    Invitation,
    Language,
    Membership,
    Organisation,
    Profile,
    Region,
    RegionMembership,
    StakeholderGroup,
    User,
    VerificationStatus,
)
from .permissions import is_organisation_admin


@transaction.atomic
def stakeholder_reference_data_load() -> dict[str, int]:
    """Create or update groups, regions, countries, memberships and languages; safe to re-run.

    Rows are matched on their code, so names edited in the admin are restored to the reference
    text, while memberships added by staff for other countries are left alone.
    """
    for position, (code, name, kind, paragraphs) in enumerate(reference.STAKEHOLDER_GROUPS):
        StakeholderGroup.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "gcm_paragraphs": paragraphs,
                "position": position,
            },
        )
    for position, (code, name, native_name, direction) in enumerate(reference.LANGUAGES):
        Language.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "native_name": native_name,
                "direction": direction,
                "is_un_official": True,
                "position": position,
            },
        )

    regions = {}
    for code, name, commission, headquarters in reference.REGIONS:
        regions[code], _ = Region.objects.update_or_create(
            code=code,
            defaults={"name": name, "commission": commission, "headquarters": headquarters},
        )

    member_states = set()
    for members in reference.REGION_MEMBERS.values():
        member_states.update(members["members"].split())
    member_states -= reference.NON_MEMBER_STATES
    existing = {c.code.code: c for c in Country.objects.all()}
    Country.objects.bulk_create(
        Country(code=iso.code, is_un_member_state=iso.code in member_states)
        for iso in iso_countries
        if iso.code not in existing
    )
    Country.objects.exclude(code__in=member_states).filter(is_un_member_state=True).update(
        is_un_member_state=False
    )
    Country.objects.filter(code__in=member_states, is_un_member_state=False).update(
        is_un_member_state=True
    )
    countries = {c.code.code: c for c in Country.objects.all()}

    memberships = {(m.region_id, m.country_id): m for m in RegionMembership.objects.all()}
    to_create, to_update = [], []
    for region_code, members in reference.REGION_MEMBERS.items():
        region = regions[region_code]
        outside = set(members["outside"].split())
        wanted = {
            code: (RegionMembership.Status.MEMBER, code not in outside)
            for code in members["members"].split()
        }
        wanted.update(
            dict.fromkeys(members["associates"].split(), (RegionMembership.Status.ASSOCIATE, True))
        )
        for code, (status, within) in wanted.items():
            country = countries[code]
            membership = memberships.get((region.pk, country.pk))
            if membership is None:
                to_create.append(
                    RegionMembership(
                        region=region, country=country, status=status, within_region=within
                    )
                )
            elif (membership.status, membership.within_region) != (status, within):
                membership.status, membership.within_region = status, within
                to_update.append(membership)
    RegionMembership.objects.bulk_create(to_create)
    RegionMembership.objects.bulk_update(to_update, ["status", "within_region"])

    return {
        "stakeholder groups": StakeholderGroup.objects.count(),
        "languages": Language.objects.count(),
        "regions": Region.objects.count(),
        "countries": Country.objects.count(),
        "regional commission memberships": RegionMembership.objects.count(),
    }


# --- Profiles -------------------------------------------------------------------------------


def profile_save(
    *,
    user: User,
    display_name: str,
    stakeholder_group: StakeholderGroup,
    country: Country,
    city: str = "",
    preferred_language: str = "en",
    languages_read=(),
    objectives_of_interest=(),
    regions_of_interest=(),
    accept_terms: bool = False,
) -> Profile:
    """Create or update the user's profile; accepting the terms records the version and time."""
    with transaction.atomic():
        profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
        profile.display_name = display_name
        profile.stakeholder_group = stakeholder_group
        profile.country = country
        profile.city = city
        profile.preferred_language = preferred_language
        if accept_terms:
            profile.terms_version = settings.GCM_TERMS_VERSION
            profile.terms_accepted_at = timezone.now()
        profile.save()
        profile.languages_read.set(languages_read)
        profile.objectives_of_interest.set(objectives_of_interest)
        profile.regions_of_interest.set(regions_of_interest)
    return profile


# --- Organisations and memberships ----------------------------------------------------------


def organisation_normalize_name(name: str) -> str:
    """Case-, accent- and punctuation-blind form of a name, to catch duplicates."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[\W_]+", " ", letters).split())


def organisation_find_duplicate(name: str, *, exclude_pk: int | None = None):
    """The existing organisation whose name matches this one, if any."""
    return (
        Organisation.objects.filter(normalized_name=organisation_normalize_name(name))
        .exclude(pk=exclude_pk)
        .first()
    )


def organisation_create(
    *,
    by: User,
    name: str,
    stakeholder_group: StakeholderGroup,
    headquarters_country: Country,
    acronym: str = "",
    countries_of_operation=(),
    website: str = "",
    description: str = "",
    has_ecosoc_status: bool = False,
    accreditation: str = "",
) -> Organisation:
    """Register an organisation, pending verification, with its creator as its first admin."""
    existing = organisation_find_duplicate(name)
    if existing:
        raise DomainError(
            gettext(
                "An organisation named “%(name)s” is already registered. Ask to join it "
                "instead of registering it again."
            )
            % {"name": existing.name}
        )
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=name.strip(),
                normalized_name=organisation_normalize_name(name),
                acronym=acronym.strip(),
                stakeholder_group=stakeholder_group,
                headquarters_country=headquarters_country,
                website=website,
                description=description,
                has_ecosoc_status=has_ecosoc_status,
                accreditation=accreditation,
                created_by=by,
            )
            organisation.countries_of_operation.set(countries_of_operation)
            Membership.objects.create(
                user=by,
                organisation=organisation,
                role=Membership.Role.ADMIN,
                state=Membership.State.ACTIVE,
                decided_by=by,
            )
    except IntegrityError as exc:  # registered by someone else a moment ago
        raise DomainError(
            gettext("An organisation with this name was just registered. Ask to join it.")
        ) from exc
    return organisation


def organisation_update(*, organisation: Organisation, by: User, **fields) -> Organisation:
    """An organisation admin (or staff) corrects its details; a new name is checked."""
    with transaction.atomic():
        organisation = _lock_organisation(organisation)
        if not (by.is_staff and by.is_active):
            _require_admin(by, organisation)
        countries = fields.pop("countries_of_operation", None)
        if "name" in fields:
            fields["name"] = fields["name"].strip()
            if organisation_find_duplicate(fields["name"], exclude_pk=organisation.pk):
                raise DomainError(gettext("Another organisation already has this name."))
            fields["normalized_name"] = organisation_normalize_name(fields["name"])
            renamed = fields["normalized_name"] != organisation.normalized_name
            if renamed and not by.is_staff and organisation.is_verified:
                # A verified name must not become someone else's: staff check it again.
                fields["verification_status"] = VerificationStatus.PENDING
        for name, value in fields.items():
            setattr(organisation, name, value)
        organisation.save(update_fields=list(fields))
        if countries is not None:
            organisation.countries_of_operation.set(countries)
    return organisation


def _lock_organisation(organisation: Organisation) -> Organisation:
    """Lock the organisation row: membership changes of one organisation happen one at a time."""
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _notify_admins(
    organisation: Organisation, *, kind_code: str, context: dict, link, mentions=()
) -> None:
    admins = User.objects.filter(
        memberships__organisation=organisation,
        memberships__state=Membership.State.ACTIVE,
        memberships__role=Membership.Role.ADMIN,
    ).select_related("profile")
    for admin in admins:
        notify(
            recipient=admin,
            kind_code=kind_code,
            context={"organisation": organisation, **context},
            link=link,
            mentions=mentions,
        )


def membership_request(*, user: User, organisation: Organisation) -> Membership:
    """Ask to join an organisation; its admins are told by e-mail."""
    with transaction.atomic():
        _lock_organisation(organisation)
        membership, created = Membership.objects.get_or_create(user=user, organisation=organisation)
        if membership.state == Membership.State.ACTIVE:
            raise DomainError(gettext("You are already a member of this organisation."))
        if not created and membership.state == Membership.State.PENDING:
            return membership  # asked twice: nothing new to tell anyone
        membership.state = Membership.State.PENDING
        membership.role = Membership.Role.MEMBER
        membership.save(update_fields=["state", "role", "updated_at"])
        _notify_admins(
            organisation,
            kind_code="membership_requested",
            context={"requester": user},
            link=("organisation_manage", {"pk": organisation.pk}),
            mentions=[user],
        )
    return membership


def _require_admin(by: User, organisation: Organisation) -> None:
    if not is_organisation_admin(by, organisation):
        raise DomainError(gettext("Only the organisation's administrators may do this."))


def membership_accept(*, membership: Membership, by: User) -> Membership:
    """An organisation admin accepts a join request."""
    with transaction.atomic():
        _lock_organisation(membership.organisation)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _require_admin(by, membership.organisation)
        if membership.state != Membership.State.PENDING:
            raise DomainError(gettext("This request has already been answered."))
        membership.state = Membership.State.ACTIVE
        membership.decided_by = by
        membership.save(update_fields=["state", "decided_by", "updated_at"])
        notify(
            recipient=membership.user,
            kind_code="membership_accepted",
            context={"organisation": membership.organisation},
            link=("organisation_detail", {"pk": membership.organisation_id}),
        )
    return membership


def membership_refuse(*, membership: Membership, by: User) -> Membership:
    """An organisation admin refuses a join request."""
    with transaction.atomic():
        _lock_organisation(membership.organisation)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _require_admin(by, membership.organisation)
        if membership.state != Membership.State.PENDING:
            raise DomainError(gettext("This request has already been answered."))
        membership.state = Membership.State.REMOVED
        membership.decided_by = by
        membership.save(update_fields=["state", "decided_by", "updated_at"])
    return membership


def _other_active_admins(membership: Membership) -> int:
    return (
        Membership.objects.admins()
        .filter(organisation_id=membership.organisation_id)
        .exclude(pk=membership.pk)
        .count()
    )


def membership_remove(*, membership: Membership, by: User) -> Membership:
    """Remove a member (an admin removing someone, or a member leaving).

    An organisation never loses its last administrator.
    """
    with transaction.atomic():
        _lock_organisation(membership.organisation)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if by.pk != membership.user_id:
            _require_admin(by, membership.organisation)
        if membership.state == Membership.State.REMOVED:
            return membership
        if membership.role == Membership.Role.ADMIN and not _other_active_admins(membership):
            raise DomainError(
                gettext(
                    "An organisation must keep at least one administrator. Make another "
                    "member an administrator first."
                )
            )
        membership.state = Membership.State.REMOVED
        membership.decided_by = by
        membership.save(update_fields=["state", "decided_by", "updated_at"])
    return membership


def membership_set_role(*, membership: Membership, role: str, by: User) -> Membership:
    """Make an active member an administrator, or an administrator a member (handover)."""
    with transaction.atomic():
        _lock_organisation(membership.organisation)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _require_admin(by, membership.organisation)
        if membership.state != Membership.State.ACTIVE:
            raise DomainError(gettext("Only active members can be given a role."))
        if (
            role == Membership.Role.MEMBER
            and membership.role == Membership.Role.ADMIN
            and not _other_active_admins(membership)
        ):
            raise DomainError(
                gettext(
                    "An organisation must keep at least one administrator. Make another "
                    "member an administrator first."
                )
            )
        membership.role = role
        membership.decided_by = by
        membership.save(update_fields=["role", "decided_by", "updated_at"])
    return membership


# --- Invitations ------------------------------------------------------------------------------

_INVITATION_SALT = "stakeholders.invitation"


def invitation_token(invitation: Invitation) -> str:
    """The signed token of an invitation link (it names the invitation; it cannot be forged)."""
    return signing.TimestampSigner(salt=_INVITATION_SALT).sign(str(invitation.pk))


def invitation_create(
    *, organisation: Organisation, email: str, by: User, role: str = Membership.Role.MEMBER
) -> Invitation:
    """An organisation admin invites a colleague by e-mail."""
    with transaction.atomic():
        _lock_organisation(organisation)
        _require_admin(by, organisation)
        email = User.objects.normalize_email(email).lower()
        if (
            Membership.objects.active()
            .filter(organisation=organisation, user__email__iexact=email)
            .exists()
        ):
            raise DomainError(gettext("This person is already a member of the organisation."))
        invitation = Invitation.objects.create(
            organisation=organisation, email=email, role=role, invited_by=by
        )
        invitee = User.objects.filter(email__iexact=email).select_related("profile").first()
        email_from_template(
            recipient=email,
            template="organisation_invitation",
            context={
                "organisation": organisation,
                "inviter": by,
                "token": invitation_token(invitation),
                "max_age_days": settings.GCM_INVITATION_MAX_AGE_DAYS,
            },
            language=invitee.language if invitee else by.language,
            mentions=[by],
        )
    return invitation


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link names, if its signature holds and it has not expired."""
    signer = signing.TimestampSigner(salt=_INVITATION_SALT)
    try:
        pk = signer.unsign(token, max_age=timedelta(days=settings.GCM_INVITATION_MAX_AGE_DAYS))
    except signing.SignatureExpired as exc:
        raise DomainError(
            gettext("This invitation has expired. Ask the organisation to invite you again.")
        ) from exc
    except signing.BadSignature as exc:
        raise DomainError(gettext("This invitation link is not valid.")) from exc
    invitation = Invitation.objects.select_related("organisation").filter(pk=pk).first()
    if invitation is None:
        raise DomainError(gettext("This invitation link is not valid."))
    if invitation.accepted_at:
        raise DomainError(gettext("This invitation has already been used."))
    return invitation


def invitation_accept(*, token: str, user: User) -> Membership:
    """Join the organisation an invitation names; each invitation works once."""
    invitation = invitation_from_token(token)
    with transaction.atomic():
        _lock_organisation(invitation.organisation)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise DomainError(gettext("This invitation has already been used."))
        membership, _created = Membership.objects.get_or_create(
            user=user, organisation=invitation.organisation
        )
        membership.state = Membership.State.ACTIVE
        if membership.role != Membership.Role.ADMIN:
            membership.role = invitation.role
        membership.decided_by = invitation.invited_by
        membership.save(update_fields=["state", "role", "decided_by", "updated_at"])
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


# --- Verification by staff -------------------------------------------------------------------


def organisation_verify(*, organisation: Organisation, by: User) -> Organisation:
    """Staff confirm that an organisation is genuine; its admins are told."""
    return _verification_decide(
        Organisation.objects.filter(pk=organisation.pk),
        by=by,
        status=VerificationStatus.VERIFIED,
        reason="",
        notify=lambda o: _notify_admins(
            o,
            kind_code="organisation_verified",
            context={},
            link=("organisation_detail", {"pk": o.pk}),
        ),
    )


def organisation_reject(*, organisation: Organisation, by: User, reason: str) -> Organisation:
    """Staff refuse an organisation, with a reason sent to its admins."""
    return _verification_decide(
        Organisation.objects.filter(pk=organisation.pk),
        by=by,
        status=VerificationStatus.REJECTED,
        reason=reason,
        notify=lambda o: _notify_admins(
            o,
            kind_code="organisation_rejected",
            context={"reason": o.verification_reason},
            link=("organisation_manage", {"pk": o.pk}),
        ),
    )


def focal_point_request(*, user: User, country: Country, position: str) -> FocalPoint:
    """A government official asks to be verified as their State's focal point."""
    if not country.is_un_member_state:
        raise DomainError(gettext("Focal points represent UN Member States only."))
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        if FocalPoint.objects.filter(
            user=user, verification_status__in=["pending", "verified"]
        ).exists():
            raise DomainError(
                gettext("You already have a focal point request pending or verified.")
            )
        return FocalPoint.objects.create(user=user, country=country, position=position)


def _notify_focal_point(focal_point: FocalPoint) -> None:
    notify(
        recipient=focal_point.user,
        kind_code=f"focal_point_{focal_point.verification_status}",
        context={"focal_point": focal_point},
        link=("account_profile", {}),
    )


def focal_point_verify(*, focal_point: FocalPoint, by: User) -> FocalPoint:
    """Staff confirm that a user represents the Member State they named."""
    return _verification_decide(
        FocalPoint.objects.filter(pk=focal_point.pk).select_related("user"),
        by=by,
        status=VerificationStatus.VERIFIED,
        reason="",
        notify=_notify_focal_point,
    )


def focal_point_reject(*, focal_point: FocalPoint, by: User, reason: str) -> FocalPoint:
    """Staff refuse a focal point request, with the reason sent to the user."""
    return _verification_decide(
        FocalPoint.objects.filter(pk=focal_point.pk).select_related("user"),
        by=by,
        status=VerificationStatus.REJECTED,
        reason=reason,
        notify=_notify_focal_point,
    )


def _verification_decide(queryset, *, by: User, status: str, reason: str, notify):
    """Record a staff decision on one StaffVerified row (locked) and tell those concerned.

    Deciding what is already decided changes nothing and sends nothing.
    """
    if not (by.is_active and by.is_staff):
        raise DomainError(gettext("Only staff may verify organisations and focal points."))
    if status == VerificationStatus.REJECTED and not reason.strip():
        raise DomainError(gettext("Give the reason for the rejection."))
    with transaction.atomic():
        obj = queryset.select_for_update(of=("self",)).get()
        if obj.verification_status == status:
            return obj
        obj.verification_status = status
        obj.verification_reason = reason.strip()
        obj.verified_at = timezone.now()
        obj.verified_by = by
        obj.save(
            update_fields=[
                "verification_status",
                "verification_reason",
                "verified_at",
                "verified_by",
            ]
        )
        notify(obj)
    return obj


# --- Personal data: export and erasure --------------------------------------------------------


def account_person(user: User) -> Person:
    """The person an account is, as the personal-data providers know them: the account and
    every address it has."""
    emails = {user.email.lower()}
    emails |= {
        e.lower() for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    names = Profile.objects.filter(user=user).exclude(display_name="")
    return Person(
        user=user,
        emails=tuple(sorted(emails)),
        names=tuple(names.values_list("display_name", flat=True)),
    )


def account_export(*, user: User) -> Iterator[bytes]:
    """Everything the portal holds about the person, as a ZIP streamed chunk by chunk (JSON in
    their language, and their own files): every provider's export."""
    return personal_data.export_zip(account_person(user), language=user.language)


def account_export_for_request(*, user: User, by: User, note: str) -> Iterator[bytes]:
    """The same export, made by staff answering the person's request received outside the
    portal; the administration's log records who made it, when and why."""
    if not by.has_perm("stakeholders.export_personal_data"):
        raise DomainError(gettext("You may not export a person's data."))
    if not note.strip():
        raise DomainError(gettext("Say how the request was received (for the audit)."))
    _log(by=by, user=user, message=gettext("Personal data exported: %(note)s") % {"note": note})
    return account_export(user=user)


def _log(*, by: User, user: User, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=User.objects.filter(pk=user.pk),
        action_flag=CHANGE,
        change_message=message.strip(),
        single_object=True,
    )


def account_erase(*, user: User, by: User | None = None, note: str = "") -> User:
    """Erase a person's account: closed at once (it can no longer sign in), then every app's
    personal data erased (personal_data.erase).

    Without `by`, the person asks for it themselves, which a staff account cannot; with `by`,
    staff who may erase accounts answer a request received outside the portal (`note`, in the
    administration's log). Refused while the person is an organisation's last administrator.
    Interrupted, it is completed by accounts_erasure_complete_unfinished(); run again, it
    changes nothing.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.erased_at:
            return user
        if by is None or by.pk == user.pk:
            if user.is_staff or user.is_superuser:
                raise DomainError(
                    gettext(
                        "A staff account cannot be deleted from here: ask an administrator of "
                        "the portal to close it."
                    )
                )
        else:
            if not by.has_perm("stakeholders.erase_personal_data"):
                raise DomainError(gettext("You may not erase a person's account."))
            if (user.is_staff or user.is_superuser) and not by.is_superuser:
                raise DomainError(gettext("Only a superuser may erase a staff account."))
            if not note.strip():
                raise DomainError(gettext("Say how the request was received (for the audit)."))
        for membership in (
            Membership.objects.admins().filter(user=user).select_related("organisation")
        ):
            _lock_organisation(membership.organisation)
            if not _other_active_admins(membership):
                raise DomainError(
                    gettext(
                        "You are the last administrator of %(name)s. Make another member an "
                        "administrator first, or ask the portal's staff to close it."
                    )
                    % {"name": membership.organisation.name}
                )
        if not user.erasure_requested_at:
            # Closed in this transaction: whatever happens next, the account cannot sign in.
            user.erasure_requested_at = timezone.now()
            user.is_active = False
            user.set_unusable_password()
            user.save(update_fields=["erasure_requested_at", "is_active", "password"])
        if by is not None and by.pk != user.pk:
            _log(by=by, user=user, message=gettext("Account erased: %(note)s") % {"note": note})
    return account_erasure_complete(user=user)


def account_erasure_complete(*, user: User) -> User:
    """Carry out an erasure that was asked for: every provider, the account's own last."""
    user = User.objects.get(pk=user.pk)
    if user.erased_at or not user.erasure_requested_at:
        return user
    personal_data.erase(account_person(user), last="stakeholders")
    user.refresh_from_db()
    return user


# An erasure still unfinished after this long was interrupted (a crash, a restart).
ERASURE_INTERRUPTED_AFTER = timedelta(minutes=2)


def accounts_erasure_complete_unfinished(*, now=None) -> int:
    """Complete every erasure a crash interrupted (beat runs this every few minutes)."""
    now = now or timezone.now()
    unfinished = User.objects.filter(
        erasure_requested_at__lt=now - ERASURE_INTERRUPTED_AFTER, erased_at__isnull=True
    )
    count = 0
    for user in unfinished.iterator():
        account_erasure_complete(user=user)
        count += 1
    return count


# --- Personal API tokens ----------------------------------------------------------------------

API_TOKEN_PREFIX = "gcm_"  # noqa: S105 -- what every key starts with, not a secret
MAX_ACTIVE_API_TOKENS = 10


def api_token_hash(key: str) -> str:
    """The stored form of a key: a plain SHA-256 is enough for 256 random bits."""
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for the user's own tools; returns it and its key, which is never shown
    again (only its hash is kept)."""
    name = name.strip()
    if not name:
        raise DomainError(gettext("Give the token a name, such as the tool that will use it."))
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)  # one token made at a time per user
        active = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        if active.filter(name__iexact=name).exists():
            raise DomainError(gettext("You already have a token with this name."))
        if active.count() >= MAX_ACTIVE_API_TOKENS:
            raise DomainError(
                gettext("You can have at most %(count)d tokens: revoke one you no longer use.")
                % {"count": MAX_ACTIVE_API_TOKENS}
            )
        key = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user, name=name[:80], prefix=key[:12], key_hash=api_token_hash(key)
        )
    return token, key


def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Stop a token working at once (its owner only); revoking twice is harmless."""
    if token.user_id != by.pk:
        raise DomainError(gettext("This token is not yours."))
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token
