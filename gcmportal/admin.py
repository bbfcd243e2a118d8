"""The admin site: staff sign in through the portal's own login (with MFA), never a second form."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from stakeholders.permissions import staff_needs_mfa_setup


class PortalAdminSite(admin.AdminSite):
    site_header = _("GCM Stakeholder Portal administration")
    site_title = _("GCM Stakeholder Portal")
    index_title = _("Administration")

    def has_permission(self, request) -> bool:
        """Active staff only, and only once they have an authenticator when MFA is required."""
        user = request.user
        return bool(user.is_active and user.is_staff and not staff_needs_mfa_setup(user))

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index")
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url, login_url=reverse(settings.LOGIN_URL))
        if user.is_active and user.is_staff and staff_needs_mfa_setup(user):
            messages.warning(
                request,
                _(
                    "Staff accounts must use two-factor authentication. Set up an "
                    "authenticator app to continue to the administration."
                ),
            )
            return redirect("mfa_activate_totp")
        raise PermissionDenied(_("Your account has no access to the administration."))
