"""Pages of the stakeholders app: profile, organisations, invitations, focal points, my data."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from gcmportal import personal_data
from gcmportal.errors import DomainError
from gcmportal.ratelimits import limit, limit_posts

from . import services
from .filters import OrganisationFilter
from .forms import (
    AccountDeleteForm,
    ApiTokenForm,
    FocalPointForm,
    InvitationForm,
    JoinOrganisationForm,
    OrganisationForm,
    ProfileForm,
)
from .models import ApiToken, Membership, Organisation, Profile
from .permissions import can_view_organisation, is_organisation_admin


class TermsView(TemplateView):
    """The terms of participation and privacy notice that users accept (versioned)."""

    template_name = "stakeholders/terms.html"
    extra_context = {"terms_version": settings.GCM_TERMS_VERSION}


class PrivacyView(TemplateView):
    """What the portal keeps about a person, why and for how long: from what each app's
    personal-data provider declares (never written twice)."""

    template_name = "stakeholders/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sections=personal_data_sections(), terms_version=settings.GCM_TERMS_VERSION, **kwargs
        )


@limit_posts("60/h")
class ProfileView(LoginRequiredMixin, FormView):
    """The user's own profile: who they are, where from, what they follow."""

    template_name = "stakeholders/profile_form.html"
    form_class = ProfileForm

    def get_profile(self) -> Profile | None:
        return (
            Profile.objects.filter(user=self.request.user)
            .select_related("stakeholder_group", "country")
            .first()
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "profile": self.get_profile()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["profile"] = self.get_profile()
        context["focal_points"] = self.request.user.focal_points.select_related("country")
        context["memberships"] = self.request.user.memberships.exclude(
            state=Membership.State.REMOVED
        ).select_related("organisation")
        return context

    def form_valid(self, form):
        services.profile_save(user=self.request.user, **form.profile_data())
        messages.success(self.request, gettext("Your profile has been saved."))
        return redirect("account_profile")


@limit_posts("20/h")
class MyOrganisationsView(LoginRequiredMixin, FormView):
    """The organisations the user belongs to or asked to join; join another one."""

    template_name = "stakeholders/my_organisations.html"
    form_class = JoinOrganisationForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = (
            self.request.user.memberships.exclude(state=Membership.State.REMOVED)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        return context

    def form_valid(self, form):
        organisation = form.cleaned_data["organisation"]
        try:
            services.membership_request(user=self.request.user, organisation=organisation)
        except DomainError as error:
            form.add_error("organisation", error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Your request to join %(name)s has been sent to its administrators.")
            % {"name": organisation.name},
        )
        return redirect("my_organisations")


@limit_posts("10/h")
class OrganisationCreateView(LoginRequiredMixin, FormView):
    template_name = "stakeholders/organisation_form.html"
    form_class = OrganisationForm

    def get_initial(self):
        profile = Profile.objects.filter(user=self.request.user).first()
        if profile is None:
            return {}
        return {
            "stakeholder_group": profile.stakeholder_group,
            "headquarters_country": profile.country,
        }

    def form_valid(self, form):
        try:
            organisation = services.organisation_create(by=self.request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error("name", error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext(
                "%(name)s is registered. The portal's staff will verify it; you can invite "
                "colleagues meanwhile."
            )
            % {"name": organisation.name},
        )
        return redirect("organisation_manage", pk=organisation.pk)


class OrganisationListView(FilterView):
    """The public directory of verified organisations."""

    template_name = "stakeholders/organisation_list.html"
    filterset_class = OrganisationFilter
    paginate_by = 20

    def get_queryset(self):
        return (
            Organisation.objects.verified()
            .select_related("stakeholder_group", "headquarters_country")
            .order_by("name")
        )


class OrganisationAccessMixin:
    """Loads the organisation and hides it from anyone who may not see it (404, not 403)."""

    def get_organisation(self) -> Organisation:
        organisation = get_object_or_404(
            Organisation.objects.select_related("stakeholder_group", "headquarters_country"),
            pk=self.kwargs["pk"],
        )
        if not can_view_organisation(self.request.user, organisation):
            raise Http404
        return organisation


class OrganisationAdminMixin(LoginRequiredMixin, OrganisationAccessMixin):
    """Pages only the organisation's active administrators may use."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organisation = self.get_organisation()
        if not is_organisation_admin(request.user, self.organisation):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class OrganisationDetailView(OrganisationAccessMixin, DetailView):
    template_name = "stakeholders/organisation_detail.html"
    context_object_name = "organisation"

    def get_object(self, queryset=None):
        return self.get_organisation()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.object
        user = self.request.user
        membership = (
            Membership.objects.filter(user=user, organisation=organisation).first()
            if user.is_authenticated
            else None
        )
        context["membership"] = membership
        context["is_admin"] = bool(
            membership and membership.state == "active" and membership.role == "admin"
        )
        context["countries_of_operation"] = organisation.countries_of_operation.all()
        return context


@limit_posts("30/h")
class OrganisationEditView(OrganisationAdminMixin, FormView):
    template_name = "stakeholders/organisation_form.html"
    form_class = OrganisationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.organisation}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "organisation": self.organisation}

    def form_valid(self, form):
        organisation = services.organisation_update(
            organisation=self.organisation, by=self.request.user, **form.cleaned_data
        )
        messages.success(self.request, gettext("The organisation's details have been saved."))
        if self.organisation.is_verified and not organisation.is_verified:
            messages.warning(
                self.request,
                gettext("The name has changed: the portal's staff will verify it again."),
            )
        return redirect("organisation_manage", pk=self.organisation.pk)


@limit_posts("30/h")
class OrganisationManageView(OrganisationAdminMixin, TemplateView):
    """Members, join requests and invitations of one organisation, for its administrators."""

    template_name = "stakeholders/organisation_manage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        memberships = self.organisation.memberships.select_related("user__profile").order_by(
            "user__email"
        )
        context.update(
            organisation=self.organisation,
            active=[m for m in memberships if m.state == Membership.State.ACTIVE],
            pending=[m for m in memberships if m.state == Membership.State.PENDING],
            invitations=self.organisation.invitations.filter(accepted_at__isnull=True),
            invitation_form=kwargs.get("invitation_form") or InvitationForm(),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = InvitationForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(invitation_form=form))
        try:
            services.invitation_create(
                organisation=self.organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except DomainError as error:
            form.add_error("email", error.message)
            return self.render_to_response(self.get_context_data(invitation_form=form))
        messages.success(
            request,
            gettext("An invitation has been sent to %(email)s.")
            % {"email": form.cleaned_data["email"]},
        )
        return redirect("organisation_manage", pk=self.organisation.pk)


@limit_posts("120/h")
class MembershipActionView(OrganisationAdminMixin, View):
    """Accept, refuse, remove, promote or demote one member (POST only)."""

    http_method_names = ["post"]

    def post(self, request, pk, membership_pk, action):
        membership = get_object_or_404(
            Membership.objects.select_related("user", "organisation"),
            pk=membership_pk,
            organisation=self.organisation,
        )
        operations = {
            "accept": lambda: services.membership_accept(membership=membership, by=request.user),
            "refuse": lambda: services.membership_refuse(membership=membership, by=request.user),
            "remove": lambda: services.membership_remove(membership=membership, by=request.user),
            "make-admin": lambda: services.membership_set_role(
                membership=membership, role=Membership.Role.ADMIN, by=request.user
            ),
            "make-member": lambda: services.membership_set_role(
                membership=membership, role=Membership.Role.MEMBER, by=request.user
            ),
        }
        if action not in operations:
            raise Http404
        try:
            operations[action]()
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, gettext("The membership has been updated."))
        return redirect("organisation_manage", pk=self.organisation.pk)


@limit_posts("20/h")
class OrganisationJoinView(LoginRequiredMixin, OrganisationAccessMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        organisation = self.get_organisation()
        try:
            services.membership_request(user=request.user, organisation=organisation)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                gettext("Your request to join %(name)s has been sent to its administrators.")
                % {"name": organisation.name},
            )
        return redirect("organisation_detail", pk=organisation.pk)


class OrganisationLeaveView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        membership = get_object_or_404(Membership, organisation_id=pk, user=request.user)
        try:
            services.membership_remove(membership=membership, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, gettext("You have left the organisation."))
        return redirect("my_organisations")


@limit_posts("20/h")
class InvitationAcceptView(LoginRequiredMixin, TemplateView):
    template_name = "stakeholders/invitation_accept.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            context["invitation"] = services.invitation_from_token(self.kwargs["token"])
        except DomainError as error:
            context["error"] = error.message
        return context

    def post(self, request, token):
        try:
            membership = services.invitation_accept(token=token, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("my_organisations")
        messages.success(
            request,
            gettext("You are now a member of %(name)s.") % {"name": membership.organisation.name},
        )
        return redirect("organisation_detail", pk=membership.organisation_id)


@limit("120/m", key="ip")
class OrganisationAutocompleteView(View):
    """Up to ten registered organisations whose name or acronym contains the typed text."""

    def get(self, request):
        text = request.GET.get("q", "").strip()
        if len(text) < 2:
            return JsonResponse({"results": []})
        organisations = (
            Organisation.objects.exclude(verification_status="rejected")
            .search(text)
            .select_related("headquarters_country")
            .order_by("name")[:10]
        )
        return JsonResponse(
            {
                "results": [
                    {
                        "id": organisation.pk,
                        "name": organisation.name,
                        "acronym": organisation.acronym,
                        "country": str(organisation.headquarters_country),
                        "verified": organisation.is_verified,
                    }
                    for organisation in organisations
                ]
            }
        )


@limit_posts("10/h")
class FocalPointRequestView(LoginRequiredMixin, FormView):
    template_name = "stakeholders/focal_point_form.html"
    form_class = FocalPointForm

    def form_valid(self, form):
        try:
            services.focal_point_request(
                user=self.request.user,
                country=form.cleaned_data["country"],
                position=form.cleaned_data["position"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Your request has been sent. The portal's staff will verify it."),
        )
        return redirect("account_profile")


class AccountDataView(LoginRequiredMixin, TemplateView):
    """Download everything the portal holds about you, or delete your account."""

    template_name = "stakeholders/account_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["delete_form"] = kwargs.get("delete_form") or AccountDeleteForm(
            user=self.request.user
        )
        context["sections"] = personal_data_sections()
        return context


def personal_data_sections() -> list[dict]:
    """What every provider declares, as the privacy and "My data" pages show it."""
    return [
        {
            "key": section.key,
            "title": section.title,
            "kept": section.kept,
            "purpose": section.purpose,
            "retention": section.retention_text(),
            "fields": section.field_labels(),
        }
        for _provider, section in personal_data.sections()
    ]


def personal_data_download(export) -> StreamingHttpResponse:
    """The export (services.account_export) as a download: a ZIP written while it is sent."""
    filename = f"gcm-portal-my-data-{timezone.now():%Y-%m-%d}.zip"
    response = StreamingHttpResponse(export, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@limit("20/h")
class AccountDataDownloadView(LoginRequiredMixin, View):
    def get(self, request):
        return personal_data_download(services.account_export(user=request.user))


@limit_posts("10/h")
class AccountDeleteView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        form = AccountDeleteForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.account_erase(user=request.user)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                logout(request)
                messages.success(
                    request, gettext("Your account and your personal data have been deleted.")
                )
                return redirect("home")
        view = AccountDataView(request=request, kwargs={})
        return view.render_to_response(view.get_context_data(delete_form=form))


@limit_posts("30/h")
class ApiTokensView(LoginRequiredMixin, TemplateView):
    """Personal API tokens: make one (its key is shown once, here), see when each was last
    used, revoke one."""

    template_name = "stakeholders/api_tokens.html"

    # The new key waits in the session for the page the browser is sent to, which shows it
    # once: reloading that page then posts nothing again.
    SHOWN_ONCE = "api_token_shown_once"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ApiTokenForm())
        context["tokens"] = ApiToken.objects.filter(user=self.request.user)
        return context

    def get(self, request, *args, **kwargs):
        new = request.session.pop(self.SHOWN_ONCE, None)
        context = self.get_context_data(**kwargs)
        if new:
            context["new_token"] = ApiToken.objects.filter(pk=new["id"], user=request.user).first()
            context["new_key"] = new["key"] if context["new_token"] else None
        response = self.render_to_response(context)
        response["Cache-Control"] = "no-store"  # the key must not stay in any cache
        return response

    def post(self, request):
        form = ApiTokenForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            token, key = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except DomainError as error:
            form.add_error("name", error.message)
            return self.render_to_response(self.get_context_data(form=form))
        request.session[self.SHOWN_ONCE] = {"id": token.pk, "key": key}
        return redirect("api_tokens")


@limit_posts("60/h")
class ApiTokenRevokeView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user)
        services.api_token_revoke(token=token, by=request.user)
        messages.success(
            request, gettext("The token “%(name)s” is revoked.") % {"name": token.name}
        )
        return redirect("api_tokens")
