"""Admin for accounts and stakeholder reference data."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from simple_history.admin import SimpleHistoryAdmin

from gcmportal.admin import ReadableInitialMixin, run_decision
from gcmportal.errors import DomainError

from . import services
from .models import (
    Country,
    FocalPoint,
    Invitation,
    Language,
    Membership,
    Organisation,
    Profile,
    Region,
    RegionMembership,
    StakeholderGroup,
    User,
)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class PersonalDataRequestForm(forms.Form):
    """A request received outside the portal: how it came (for the audit), and for an erasure
    the person's address typed again, so that no account is erased by a slip."""

    note = forms.CharField(
        label=_("How the request was received"),
        max_length=300,
        help_text=_("For example: e-mail of 3 December 2026 from the person, reference 2026/41."),
    )

    def __init__(self, *args, confirm_email: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.confirm_email = confirm_email
        if confirm_email:
            self.fields["email"] = forms.CharField(
                label=_("The person's e-mail address, typed again to confirm"), max_length=254
            )

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email.lower() != self.confirm_email.lower():
            raise forms.ValidationError(gettext("This is not the account's address."))
        return email


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = [
        "is_staff",
        "is_superuser",
        "is_active",
        "groups",
        "profile__stakeholder_group",
        ("profile__country__regions", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["profile"]
    search_fields = ["email", "profile__display_name"]
    ordering = ["email"]
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]

    # A person's request received by e-mail or letter: staff export or erase their data here,
    # through the same services as the person's own "My data" page, and the log records it.
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/personal-data/",
                view(self.personal_data_view),
                name="stakeholders_user_personal_data",
            ),
            path("<int:pk>/erase/", view(self.erase_view), name="stakeholders_user_erase"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {
            "may_export": request.user.has_perm("stakeholders.export_personal_data"),
            "may_erase": request.user.has_perm("stakeholders.erase_personal_data"),
        }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def personal_data_view(self, request, pk):
        if not request.user.has_perm("stakeholders.export_personal_data"):
            raise PermissionDenied
        person = get_object_or_404(User, pk=pk)
        form = PersonalDataRequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            from .views import personal_data_download

            try:
                export = services.account_export_for_request(
                    user=person, by=request.user, note=form.cleaned_data["note"]
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                return personal_data_download(export)
        return self._request_page(
            request,
            person,
            form,
            title=gettext("Export the personal data of %(person)s") % {"person": person},
            intro=gettext(
                "At the person's request received outside the portal: a ZIP file with "
                "everything the portal holds about them, in their language, as their own "
                "“Download my data” gives it. Your name, the date and the note are recorded "
                "in the account's history."
            ),
            button=gettext("Download the personal data"),
        )

    def erase_view(self, request, pk):
        if not request.user.has_perm("stakeholders.erase_personal_data"):
            raise PermissionDenied
        person = get_object_or_404(User, pk=pk)
        form = PersonalDataRequestForm(request.POST or None, confirm_email=person.email)
        if request.method == "POST" and form.is_valid():
            try:
                services.account_erase(user=person, by=request.user, note=form.cleaned_data["note"])
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    gettext("The account and its personal data have been erased."),
                )
                return redirect(reverse("admin:stakeholders_user_change", args=[person.pk]))
        return self._request_page(
            request,
            person,
            form,
            title=gettext("Erase the account of %(person)s") % {"person": person},
            intro=gettext(
                "At the person's request received outside the portal. The account is closed at "
                "once; drafts are deleted with their files; submitted inputs stay without the "
                "person's name; notices, e-mails, follows, tokens and sessions go; unpublished "
                "reports that name them are deleted, and published ones are listed under "
                "the reports of the Reviews section, to be compiled again. This cannot be undone."
            ),
            button=gettext("Erase the account"),
        )

    def _request_page(self, request, person, form, *, title, intro, button):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "button": button,
            "form": form,
            "person": person,
            "opts": self.model._meta,
            "original": person,
        }
        return TemplateResponse(request, "admin/stakeholders/user/personal_data.html", context)


@admin.display(description=_("name"))
def name_in_language(obj) -> str:
    """The reference name in the reader's language (the field itself keeps the English text)."""
    return str(obj)


@admin.register(StakeholderGroup)
class StakeholderGroupAdmin(admin.ModelAdmin):
    list_display = [name_in_language, "code", "kind", "gcm_paragraphs", "position"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


class RegionMembershipInline(admin.TabularInline):
    model = RegionMembership
    extra = 0
    autocomplete_fields = ["country"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", name_in_language, "commission_in_language", "headquarters"]
    search_fields = ["code", "name", "commission"]
    inlines = [RegionMembershipInline]

    @admin.display(description=_("regional commission"))
    def commission_in_language(self, region: Region) -> str:
        return gettext(region.commission)


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "code", "is_un_member_state", "region_codes"]
    list_filter = ["is_un_member_state", "regions"]
    search_fields = ["code"]
    inlines = [RegionMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("regions")

    @admin.display(description=_("regions"))
    def region_codes(self, country: Country) -> str:
        return ", ".join(region.code for region in country.regions.all())

    def get_search_results(self, request, queryset, search_term):
        """Search by the country's name in the reader's language as well as by its code."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            codes = [code for code, name in countries if search_term.lower() in name.lower()]
            queryset |= self.model.objects.filter(code__in=codes)
        return queryset, may_have_duplicates


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = [
        name_in_language,
        "code",
        "native_name",
        "direction",
        "is_un_official",
        "position",
    ]
    list_filter = ["direction", "is_un_official"]
    search_fields = ["name", "code", "native_name"]


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    autocomplete_fields = ["stakeholder_group", "country"]
    filter_horizontal = ["languages_read", "objectives_of_interest", "regions_of_interest"]
    readonly_fields = ["terms_version", "terms_accepted_at"]


class RejectionReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, sent to the people concerned"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Give a reason.")},
    )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "state", "created_at", "decided_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(ReadableInitialMixin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "acronym",
        "stakeholder_group",
        "headquarters_country",
        "verification_status",
        "active_members",
        "created_at",
    ]
    list_filter = [
        "verification_status",
        "stakeholder_group",
        "has_ecosoc_status",
        ("headquarters_country__regions", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["stakeholder_group", "headquarters_country"]
    search_fields = ["name", "acronym", "normalized_name"]
    autocomplete_fields = ["stakeholder_group", "headquarters_country", "countries_of_operation"]
    readonly_fields = [
        "verification_status",
        "verification_reason",
        "verified_at",
        "verified_by",
        "created_at",
        "created_by",
    ]
    inlines = [MembershipInline]
    actions = ["verify", "reject"]
    date_hierarchy = "created_at"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).with_active_member_count()

    @admin.display(description=_("active members"), ordering="active_member_count")
    def active_members(self, organisation) -> int:
        return organisation.active_member_count

    def has_add_permission(self, request) -> bool:
        return False  # organisations are registered by their members

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in form.cleaned_data and name != "countries_of_operation"
        }
        services.organisation_update(organisation=obj, by=request.user, **fields)

    @admin.action(description=_("Verify the selected organisations"))
    def verify(self, request, queryset):
        return run_decision(
            self,
            request,
            queryset,
            lambda obj, by, _data: services.organisation_verify(organisation=obj, by=by),
            title=gettext("Verify organisations"),
        )

    @admin.action(description=_("Reject the selected organisations (with a reason)"))
    def reject(self, request, queryset):
        return run_decision(
            self,
            request,
            queryset,
            lambda obj, by, data: services.organisation_reject(
                organisation=obj, by=by, reason=data["reason"]
            ),
            title=gettext("Reject organisations"),
            form_class=RejectionReasonForm,
        )


@admin.register(Membership)
class MembershipAdmin(ReadableInitialMixin, SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role", "state", "created_at", "updated_at"]
    list_filter = ["state", "role", "organisation__verification_status"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "organisation__name", "organisation__acronym"]
    readonly_fields = ["user", "organisation", "role", "state", "created_at", "decided_by"]

    def has_add_permission(self, request) -> bool:
        return False  # memberships change through the organisation's own pages

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "invited_by", "created_at", "accepted_at"]
    list_filter = [("accepted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["organisation", "invited_by"]
    search_fields = ["email", "organisation__name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FocalPoint)
class FocalPointAdmin(ReadableInitialMixin, SimpleHistoryAdmin):
    list_display = [
        "user",
        "country",
        "position",
        "verification_status",
        "created_at",
        "verified_at",
    ]
    list_filter = ["verification_status", ("country__regions", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "country"]
    search_fields = ["user__email", "position"]
    readonly_fields = [
        "user",
        "country",
        "position",
        "verification_status",
        "verification_reason",
        "verified_at",
        "verified_by",
    ]
    actions = ["verify", "reject"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Verify the selected focal points"))
    def verify(self, request, queryset):
        return run_decision(
            self,
            request,
            queryset,
            lambda obj, by, _data: services.focal_point_verify(focal_point=obj, by=by),
            title=gettext("Verify focal points"),
        )

    @admin.action(description=_("Reject the selected focal points (with a reason)"))
    def reject(self, request, queryset):
        return run_decision(
            self,
            request,
            queryset,
            lambda obj, by, data: services.focal_point_reject(
                focal_point=obj, by=by, reason=data["reason"]
            ),
            title=gettext("Reject focal point requests"),
            form_class=RejectionReasonForm,
        )


UserAdmin.inlines = [ProfileInline]


@admin.register(Profile)
class ProfileAdmin(ReadableInitialMixin, SimpleHistoryAdmin):
    list_display = ["display_name", "user", "stakeholder_group", "country", "preferred_language"]
    list_filter = [
        "stakeholder_group",
        "preferred_language",
        ("country__regions", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["user", "stakeholder_group", "country"]
    search_fields = ["display_name", "user__email", "city"]
    autocomplete_fields = ["user", "stakeholder_group", "country"]
    filter_horizontal = ["languages_read", "objectives_of_interest", "regions_of_interest"]
    readonly_fields = ["terms_version", "terms_accepted_at", "updated_at"]
