"""Create demo accounts so that a fresh local portal is alive; running it again adds nothing."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from stakeholders.models import User

DEMO_PASSWORD = "gcm-demo-2026"  # noqa: S105 -- local demo only; refused where demo content is off
DEMO_ACCOUNTS = [
    # (e-mail, is staff)
    ("staff@gcm-portal.example", True),
    ("stakeholder@gcm-portal.example", False),
]


class Command(BaseCommand):
    help = "Create the demo staff and stakeholder accounts (local use only)."

    def handle(self, *args, **options):
        if not settings.GCM_DEMO_CONTENT_ALLOWED:
            raise CommandError(
                "Demo content is disabled in these settings: it has a known password and is "
                "for local use only."
            )
        with transaction.atomic():
            for email, is_staff in DEMO_ACCOUNTS:
                user, created = User.objects.get_or_create(
                    email=email, defaults={"is_staff": is_staff, "is_superuser": is_staff}
                )
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save(update_fields=["password"])
                EmailAddress.objects.update_or_create(
                    user=user, email=email, defaults={"verified": True, "primary": True}
                )
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
        for email, is_staff in DEMO_ACCOUNTS:
            role = "staff (admin)" if is_staff else "stakeholder"
            self.stdout.write(f"  {role:14} {email} / {DEMO_PASSWORD}")
