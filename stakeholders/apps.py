"""Stakeholders: accounts, reference data about who speaks and from where."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("Stakeholders")

    def ready(self):
        from gcmportal import personal_data

        from .personal_data import StakeholdersPersonalData

        personal_data.register(StakeholdersPersonalData())
