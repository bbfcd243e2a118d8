"""Load the demo accounts, organisations and calls of the local portal; re-running adds nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reviews.demo import demo_calls_load, demo_inputs_load, demo_report_load
from stakeholders.demo import ADMINISTRATOR, DEMO_ACCOUNTS, DEMO_PASSWORD, demo_stakeholders_load
from stakeholders.models import Organisation, StakeholderGroup


class Command(BaseCommand):
    help = "Create demo accounts, organisations and calls for inputs (local use only)."

    def handle(self, *args, **options):
        if not settings.GCM_DEMO_CONTENT_ALLOWED:
            raise CommandError(
                "Demo content is disabled in these settings: it has a known password and is "
                "for local use only."
            )
        if not StakeholderGroup.objects.exists():
            raise CommandError("Load the reference data first: manage.py load_reference_data")
        with transaction.atomic():
            demo_stakeholders_load()
            calls = demo_calls_load()
            inputs = demo_inputs_load()
            demo_report_load()
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
        for email, _name, _group, _country, _language, role in DEMO_ACCOUNTS:
            label = {None: "stakeholder", ADMINISTRATOR: "staff (admin)"}.get(role) or role.lower()
            self.stdout.write(f"  {label:14} {email} / {DEMO_PASSWORD}")
        self.stdout.write(
            f"  {Organisation.objects.count()} organisations, {calls} calls for inputs, "
            f"{inputs} inputs waiting for moderation"
        )
