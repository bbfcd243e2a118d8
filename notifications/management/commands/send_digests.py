"""Run the daily digest job now (what Celery beat runs each morning); safe to run twice."""

from django.core.management.base import BaseCommand

from notifications.tasks import send_daily_digests


class Command(BaseCommand):
    help = "Send the daily notification digests that are due (the job beat schedules)."

    def handle(self, *args, **options):
        sent = send_daily_digests.apply().get()
        self.stdout.write(self.style.SUCCESS(f"{sent} digest e-mail(s) queued."))
