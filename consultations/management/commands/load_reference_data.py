"""Load (or refresh) the GCM reference data; running it again changes nothing and adds nothing."""

from django.core.management.base import BaseCommand

from consultations.services import reference_data_load


class Command(BaseCommand):
    help = "Load the GCM objectives, guiding principles, stakeholder groups, regions and languages."

    def handle(self, *args, **options):
        counts = reference_data_load()
        summary = ", ".join(f"{count} {what}" for what, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded: {summary}."))
