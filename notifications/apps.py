"""Notifications: the e-mail outbox and its delivery by Celery."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from gcmportal import personal_data

        from .personal_data import NotificationsPersonalData

        personal_data.register(NotificationsPersonalData())
