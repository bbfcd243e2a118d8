"""django-allauth adapters: account e-mails pass through the outbox and Celery."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.utils.translation import gettext

from notifications.services import email_queue, notify


@dataclass(frozen=True)
class PortalSite:
    """What allauth's e-mail templates call the current site."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def _portal_site(self, request) -> PortalSite:
        domain = request.get_host() if request else urlsplit(settings.SITE_URL).netloc
        return PortalSite(name=gettext("GCM Stakeholder Portal"), domain=domain)

    def format_email_subject(self, subject: str) -> str:
        return f"[{gettext('GCM Stakeholder Portal')}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render the message now (in the active language) and queue its delivery on commit."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": self._portal_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        email_queue(message=message, kind=template_prefix.rsplit("/", 1)[-1])

    def confirm_email(self, request, email_address) -> bool:
        """Confirm the address; the first confirmation of an account brings the welcome."""
        confirmed = super().confirm_email(request, email_address)
        user = email_address.user
        if confirmed and not user.notifications.filter(kind="welcome").exists():
            notify(recipient=user, kind_code="welcome", context={}, link=("account_profile", {}))
        return confirmed
