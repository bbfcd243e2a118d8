"""The admin site: staff sign in through the portal's own login (with MFA), never a second form."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from gcmportal.errors import DomainError
from stakeholders.permissions import staff_needs_mfa_setup


class ReadableInitialMixin:
    """An add form prefilled from its address (?call=3) leaves out a value its field cannot
    read (?call=abc) instead of failing while the form is drawn."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.many_to_many:
                field = field.related_model._meta.pk
            elif field.is_relation:
                field = field.target_field
            try:
                for one in value if isinstance(value, list) else [value]:
                    field.to_python(one)
            except ValidationError:
                del initial[name]
        return initial


class PortalAdminSite(admin.AdminSite):
    site_header = _("GCM Stakeholder Portal administration")
    site_title = _("GCM Stakeholder Portal")
    index_title = _("Administration")

    def has_permission(self, request) -> bool:
        """Active staff only, and only once they have an authenticator when MFA is required."""
        user = request.user
        return bool(user.is_active and user.is_staff and not staff_needs_mfa_setup(user))

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index")
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url, login_url=reverse(settings.LOGIN_URL))
        if user.is_active and user.is_staff and staff_needs_mfa_setup(user):
            messages.warning(
                request,
                _(
                    "Staff accounts must use two-factor authentication. Set up an "
                    "authenticator app to continue to the administration."
                ),
            )
            return redirect("mfa_activate_totp")
        raise PermissionDenied(_("Your account has no access to the administration."))


def report_form_errors(request, form) -> None:
    """Show each of a form's errors as a message on the next admin page."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def run_decision(modeladmin, request, queryset, decide, *, title: str, form_class=None, intro=""):
    """Apply a staff decision to each selected row through its service, one by one.

    With a form class, asks for its fields first (a reason, a moderator) and passes the
    cleaned data to `decide(obj, user, data)`. Every row is decided in its own transaction by
    its service; reports how many succeeded, and which failed and why.
    """
    if form_class is not None and "apply" not in request.POST:
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "objects": queryset,
            "form": form_class(),
            "action": request.POST["action"],
            "opts": modeladmin.model._meta,
        }
        return TemplateResponse(request, "admin/decision_form.html", context)
    data = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            report_form_errors(request, form)
            return None
        data = form.cleaned_data
    done, failed = 0, []
    # Rows selected on the page that the list's filters no longer hold changed meanwhile.
    selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
    for obj in (
        modeladmin.get_queryset(request)
        .filter(pk__in=selected)
        .exclude(pk__in=queryset.values("pk"))
    ):
        failed.append(
            f"{obj}: " + gettext("it changed meanwhile and left this list; it was not touched.")
        )
    for obj in queryset:
        try:
            decide(obj, request.user, data)
            done += 1
        except DomainError as error:
            failed.append(f"{obj}: {error.message}")
    if done:
        modeladmin.message_user(
            request,
            ngettext("%(count)d decision recorded.", "%(count)d decisions recorded.", done)
            % {"count": done},
            messages.SUCCESS,
        )
    if failed:
        modeladmin.message_user(
            request,
            ngettext("%(count)d was not decided:", "%(count)d were not decided:", len(failed))
            % {"count": len(failed)},
            messages.ERROR,
        )
    for failure in failed:
        modeladmin.message_user(request, failure, messages.ERROR)
    return None
