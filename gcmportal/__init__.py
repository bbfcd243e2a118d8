"""The GCM Stakeholder Portal project: settings, URLs, the Celery app and the admin site."""

from .celery import app as celery_app

__all__ = ["celery_app"]
