"""Run the daily moderation backlog job now (what Celery beat runs each morning); once a day."""

from django.core.management.base import BaseCommand

from consultations.tasks import send_moderation_backlog_notices


class Command(BaseCommand):
    help = "Tell moderators of inputs waiting more than 48 hours (the job beat schedules)."

    def handle(self, *args, **options):
        sent = send_moderation_backlog_notices.apply().get()
        self.stdout.write(self.style.SUCCESS(f"{sent} moderator(s) notified."))
