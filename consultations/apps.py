"""Consultations: the GCM's objectives and principles, calls for inputs and the inputs."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from gcmportal import personal_data

        from .personal_data import ConsultationsPersonalData

        personal_data.register(ConsultationsPersonalData())
