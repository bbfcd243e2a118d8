"""Reviews: regional reviews, the IMRF, and the reports compiled from their inputs."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        from gcmportal import personal_data

        from .personal_data import ReviewsPersonalData

        personal_data.register(ReviewsPersonalData())
