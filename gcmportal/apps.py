"""App configuration that installs the portal's own admin site as the default one."""

from django.contrib.admin.apps import AdminConfig


class GcmAdminConfig(AdminConfig):
    default_site = "gcmportal.admin.PortalAdminSite"
