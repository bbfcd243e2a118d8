"""Who may do what, for stakeholder accounts."""

from allauth.mfa.models import Authenticator
from django.conf import settings


def staff_needs_mfa_setup(user) -> bool:
    """True for a staff member who must add an authenticator app before using the admin."""
    if not (settings.GCM_STAFF_MFA_REQUIRED and user.is_authenticated and user.is_staff):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
