"""Forms for sign-up, profiles, organisations, invitations, focal points and account deletion."""

import hashlib

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from gcmportal.errors import DomainError

from . import services
from .models import (
    Country,
    FocalPoint,
    Language,
    Membership,
    Organisation,
    Profile,
    Region,
    StakeholderGroup,
)


class QuickSelect(forms.Select):
    """A <select> rendered in Python: long lists (249 countries) cost a template per option
    with Django's own widget, which made list pages slow."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    option_value,
                    mark_safe(" selected") if str(option_value) in selected else "",
                    label,
                )
                for option_value, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


class ReferenceChoiceIterator(ModelChoiceIterator):
    """Reference lists are short: one plain query, not the server-side cursor Django opens by
    default on PostgreSQL (several round trips per list, on every page with filters)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in list(self.queryset):
            yield self.choice(obj)


class TranslatedChoiceField(forms.ModelChoiceField):
    """Shows reference rows by their name in the reader's language."""

    widget = QuickSelect
    iterator = ReferenceChoiceIterator

    def label_from_instance(self, obj) -> str:
        return str(obj)


class TranslatedMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ReferenceChoiceIterator

    def label_from_instance(self, obj) -> str:
        return str(obj)


def cache_choices(field: forms.ModelChoiceField, *, sort: bool = False) -> None:
    """Give a reference list its choices from the shared cache (ten minutes, per language and
    query), optionally sorted by label in the reader's language.

    Filter forms show several reference lists on every list page: without this, each costs a
    query and, for the 249 countries, translating and sorting every name.
    """
    fingerprint = f"{get_language()}|{field.queryset.query}|{field.empty_label}|{sort}"
    key = "choices:" + hashlib.sha256(fingerprint.encode()).hexdigest()
    choices = cache.get(key)
    if choices is None:
        pairs = [(str(value), str(label)) for value, label in field.choices]
        if sort:
            empty = [pair for pair in pairs if pair[0] == ""]
            rest = sorted((p for p in pairs if p[0] != ""), key=lambda p: p[1].casefold())
            pairs = empty + rest
        choices = pairs
        cache.set(key, choices, timeout=600)
    field.choices = choices


def sort_by_label(field: forms.ModelChoiceField) -> None:
    """Order a country list alphabetically in the reader's language, not by ISO code."""
    cache_choices(field, sort=True)


class ProfileFields(forms.Form):
    """The stakeholder's profile, shared by the sign-up form and the profile page."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=120,
        help_text=_("Your name as it appears on inputs you choose to publish with your name."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    stakeholder_group = TranslatedChoiceField(
        label=_("Stakeholder group"),
        queryset=StakeholderGroup.objects.all(),
        help_text=_("The constituency you belong to, as named in the Global Compact."),
    )
    country = TranslatedChoiceField(label=_("Country of residence"), queryset=Country.objects.all())
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("The portal writes to you in this language."),
    )
    languages_read = TranslatedMultipleChoiceField(
        label=_("Languages you read"),
        queryset=Language.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    objectives_of_interest = TranslatedMultipleChoiceField(
        label=_("Objectives of the Compact you follow"),
        queryset=Profile._meta.get_field("objectives_of_interest")
        .related_model.objects.with_cluster()
        .all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("You can be told when a call on these objectives opens."),
    )
    regions_of_interest = TranslatedMultipleChoiceField(
        label=_("Regions you follow"),
        queryset=Region.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    accept_terms = forms.BooleanField(label="", required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sort_by_label(self.fields["country"])
        self.fields["preferred_language"].initial = get_language()
        self.fields["accept_terms"].label = format_html(
            gettext('I accept the <a href="{}">terms of participation and privacy notice</a>.'),
            reverse("terms"),
        )

    def profile_data(self) -> dict:
        names = [
            "display_name",
            "stakeholder_group",
            "country",
            "city",
            "preferred_language",
            "languages_read",
            "objectives_of_interest",
            "regions_of_interest",
            "accept_terms",
        ]
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


class ProfileForm(ProfileFields):
    """The profile page: the terms are asked for again only when a new version is in force."""

    def __init__(self, *args, profile: Profile | None = None, **kwargs):
        if profile is not None:
            kwargs["initial"] = {
                "display_name": profile.display_name,
                "stakeholder_group": profile.stakeholder_group,
                "country": profile.country,
                "city": profile.city,
                "preferred_language": profile.preferred_language,
                "languages_read": list(profile.languages_read.all()),
                "objectives_of_interest": list(profile.objectives_of_interest.all()),
                "regions_of_interest": list(profile.regions_of_interest.all()),
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        if profile is not None:
            self.fields["preferred_language"].initial = profile.preferred_language
            if profile.terms_version == settings.GCM_TERMS_VERSION:
                del self.fields["accept_terms"]


class SignupForm(AllauthSignupForm, ProfileFields):
    """Sign-up asks who you are and whether you speak for an organisation."""

    INDIVIDUAL = "individual"
    NEW_ORGANISATION = "new_organisation"
    JOIN_ORGANISATION = "join_organisation"

    speaks_for = forms.ChoiceField(
        label=_("You take part"),
        choices=[
            (INDIVIDUAL, _("as an individual")),
            (NEW_ORGANISATION, _("for an organisation that is not registered yet")),
            (JOIN_ORGANISATION, _("for an organisation already registered on the portal")),
        ],
        initial=INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    organisation_name = forms.CharField(
        label=_("Organisation name"), max_length=200, required=False
    )
    organisation_acronym = forms.CharField(label=_("Acronym"), max_length=30, required=False)
    organisation_website = forms.URLField(
        label=_("Organisation website"), required=False, assume_scheme="https"
    )
    organisation_to_join = forms.CharField(
        label=_("Organisation to join"),
        max_length=200,
        required=False,
        help_text=_("Start typing its name and pick it from the list."),
        widget=forms.TextInput(
            attrs={"list": "organisation-suggestions", "data-autocomplete": "organisations"}
        ),
    )

    def clean(self):
        cleaned = super().clean()
        speaks_for = cleaned.get("speaks_for")
        if speaks_for == self.NEW_ORGANISATION:
            name = (cleaned.get("organisation_name") or "").strip()
            if not name:
                self.add_error("organisation_name", gettext("Give the organisation's name."))
            elif existing := services.organisation_find_duplicate(name):
                self.add_error(
                    "organisation_name",
                    gettext(
                        "“%(name)s” is already registered. Choose “for an organisation already "
                        "registered” to ask to join it."
                    )
                    % {"name": existing.name},
                )
        elif speaks_for == self.JOIN_ORGANISATION:
            wanted = (cleaned.get("organisation_to_join") or "").strip()
            organisation = services.organisation_find_duplicate(wanted) if wanted else None
            if organisation is None or organisation.verification_status == "rejected":
                self.add_error(
                    "organisation_to_join",
                    gettext(
                        "No registered organisation has this name. Check the spelling, or "
                        "register the organisation instead."
                    ),
                )
            else:
                cleaned["organisation"] = organisation
        return cleaned

    def save(self, request):
        with transaction.atomic():
            user = super().save(request)
            services.profile_save(user=user, **self.profile_data())
            speaks_for = self.cleaned_data["speaks_for"]
            try:
                if speaks_for == self.NEW_ORGANISATION:
                    profile = user.profile
                    services.organisation_create(
                        by=user,
                        name=self.cleaned_data["organisation_name"],
                        acronym=self.cleaned_data["organisation_acronym"],
                        website=self.cleaned_data["organisation_website"],
                        stakeholder_group=profile.stakeholder_group,
                        headquarters_country=profile.country,
                        countries_of_operation=[profile.country],
                    )
                elif speaks_for == self.JOIN_ORGANISATION:
                    services.membership_request(
                        user=user, organisation=self.cleaned_data["organisation"]
                    )
            except DomainError as error:
                # The account still exists; the organisation step can be done from the account.
                messages.warning(request, error.message)
        return user


class OrganisationForm(forms.ModelForm):
    stakeholder_group = TranslatedChoiceField(
        label=_("Stakeholder group"), queryset=StakeholderGroup.objects.all()
    )
    headquarters_country = TranslatedChoiceField(
        label=_("Headquarters country"), queryset=Country.objects.all()
    )
    countries_of_operation = TranslatedMultipleChoiceField(
        label=_("Countries of operation"),
        queryset=Country.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "acronym",
            "stakeholder_group",
            "headquarters_country",
            "countries_of_operation",
            "website",
            "description",
            "has_ecosoc_status",
            "accreditation",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5, "maxlength": 1500})}

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sort_by_label(self.fields["headquarters_country"])
        sort_by_label(self.fields["countries_of_operation"])

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        existing = services.organisation_find_duplicate(name, exclude_pk=self.instance.pk)
        if existing:
            raise forms.ValidationError(
                gettext(
                    "“%(name)s” is already registered. Ask to join it instead of registering "
                    "it again."
                )
                % {"name": existing.name}
            )
        return name


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class JoinOrganisationForm(forms.Form):
    organisation = forms.CharField(
        label=_("Organisation to join"),
        max_length=200,
        help_text=_("Start typing its name and pick it from the list."),
        widget=forms.TextInput(
            attrs={"list": "organisation-suggestions", "data-autocomplete": "organisations"}
        ),
    )

    def clean_organisation(self):
        organisation = services.organisation_find_duplicate(self.cleaned_data["organisation"])
        if organisation is None or organisation.verification_status == "rejected":
            raise forms.ValidationError(
                gettext(
                    "No registered organisation has this name. Check the spelling, or "
                    "register the organisation instead."
                )
            )
        return organisation


class FocalPointForm(forms.ModelForm):
    country = TranslatedChoiceField(
        label=_("Member State you represent"), queryset=Country.objects.member_states()
    )

    class Meta:
        model = FocalPoint
        fields = ["country", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sort_by_label(self.fields["country"])


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(gettext("This is not your password."))
        return password


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the new token"),
        max_length=80,
        help_text=_("Say what will use it, e.g. “Submissions from our case system”."),
    )
