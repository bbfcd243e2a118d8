"""Admin for accounts and stakeholder reference data."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Country, Language, Region, RegionMembership, StakeholderGroup, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ["email", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email"]
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
