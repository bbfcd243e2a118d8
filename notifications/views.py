"""Notices (the bell), notification preferences, and one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, ListView, TemplateView

from gcmportal.errors import DomainError
from gcmportal.ratelimits import limit

from . import services
from .forms import NotificationPreferencesForm
from .kinds import kinds_for
from .models import Notification


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/notification_list.html"
    paginate_by = 25
    context_object_name = "notices"

    def get_queryset(self):
        return Notification.objects.for_notices(self.request.user).only(
            "title", "url", "created_at", "read_at", "kind"
        )


class NotificationOpenView(LoginRequiredMixin, View):
    """Mark one notice read and go to the thing it is about (POST)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        notice = get_object_or_404(Notification.objects.for_notices(request.user), pk=pk)
        services.notifications_mark_read(user=request.user, notification_id=notice.pk)
        safe = url_has_allowed_host_and_scheme(notice.url, allowed_hosts={request.get_host()})
        return redirect(notice.url if notice.url and safe else "notification_list")


class NotificationReadAllView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        count = services.notifications_mark_read(user=request.user)
        messages.success(request, gettext("%(count)d notices marked as read.") % {"count": count})
        return redirect("notification_list")


@limit("60/h", method="POST")
class NotificationPreferencesView(LoginRequiredMixin, FormView):
    template_name = "notifications/preferences.html"
    form_class = NotificationPreferencesForm

    def get_form_kwargs(self):
        current = {
            declared.code: services.preference_for(self.request.user, declared)
            for declared in kinds_for(self.request.user)
        }
        return {**super().get_form_kwargs(), "current": current}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["mandatory_kinds"] = [k for k in kinds_for(self.request.user) if k.mandatory]
        return context

    def form_valid(self, form):
        services.notification_preferences_save(user=self.request.user, choices=form.choices())
        messages.success(self.request, gettext("Your choices have been saved."))
        return redirect("notification_preferences")


@method_decorator(csrf_exempt, name="dispatch")  # mail clients POST one-click unsubscribes
@limit("60/h", key="ip", method="POST")
class UnsubscribeView(TemplateView):
    """GET asks for confirmation (link scanners must not unsubscribe anyone); POST does it.

    The signed token is the credential: no login is needed, and it works for one user and one
    kind only (RFC 8058 one-click POSTs land here too).
    """

    template_name = "notifications/unsubscribe.html"

    def post(self, request, token):
        try:
            _user, declared = services.notification_unsubscribe(token=token)
        except DomainError as error:
            return self.render_to_response({"error": error.message}, status=400)
        return self.render_to_response({"done": True, "kind": declared})

    def get(self, request, token):
        try:
            services.unsubscribe_token_read(token)
        except DomainError as error:
            return self.render_to_response({"error": error.message}, status=400)
        return self.render_to_response({})
