"""App configurations the portal adjusts: its admin site, and a clearer name for allauth's MFA."""

from allauth.mfa.apps import MFAConfig
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class GcmAdminConfig(AdminConfig):
    default_site = "gcmportal.admin.PortalAdminSite"


class TwoFactorConfig(MFAConfig):
    # allauth calls this app "MFA", which some catalogs translate as "Ministry of Foreign Affairs".
    verbose_name = _("Two-factor authentication")


class PortalConfig(AppConfig):
    """The project's own operations (backups), which belong to no one app."""

    name = "gcmportal"
    verbose_name = _("GCM Stakeholder Portal")
