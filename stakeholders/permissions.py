"""Who may do what, for stakeholder accounts and organisations."""

from allauth.mfa.models import Authenticator
from django.conf import settings


def staff_needs_mfa_setup(user) -> bool:
    """True for a staff member who must add an authenticator app before using the admin."""
    if not (settings.GCM_STAFF_MFA_REQUIRED and user.is_authenticated and user.is_staff):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def _membership(user, organisation):
    from .models import Membership

    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def is_active_member(user, organisation) -> bool:
    membership = _membership(user, organisation)
    return bool(membership and membership.state == "active")


def is_organisation_admin(user, organisation) -> bool:
    """An active administrator of the organisation."""
    membership = _membership(user, organisation)
    return bool(membership and membership.state == "active" and membership.role == "admin")


def can_view_organisation(user, organisation) -> bool:
    """Verified organisations are public; others only to their active members and staff."""
    if organisation.verification_status == "verified":
        return True
    return bool(user.is_authenticated and (user.is_staff or is_active_member(user, organisation)))


def can_submit_for_organisation(user, organisation) -> bool:
    """Speak for an organisation: an active member of a verified organisation."""
    return organisation.verification_status == "verified" and is_active_member(user, organisation)


def can_submit_for_state(user, country) -> bool:
    """Speak for a Member State: a verified focal point for that State."""
    if not user.is_authenticated:
        return False
    return user.focal_points.verified().filter(country=country).exists()
