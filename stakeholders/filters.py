"""Filters of the public directory of organisations (shared with the API later)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .forms import TranslatedChoiceField, sort_by_label
from .models import Country, Organisation, Region, StakeholderGroup


class TranslatedModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = TranslatedChoiceField


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    stakeholder_group = TranslatedModelChoiceFilter(
        label=_("Stakeholder group"), queryset=StakeholderGroup.objects.all()
    )
    country = TranslatedModelChoiceFilter(
        label=_("Country"), field_name="headquarters_country", queryset=Country.objects.all()
    )
    region = TranslatedModelChoiceFilter(
        label=_("Region"),
        field_name="headquarters_country__regions",
        queryset=Region.objects.all(),
        distinct=True,
    )

    class Meta:
        model = Organisation
        fields = ["q", "stakeholder_group", "country", "region"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sort_by_label(self.form.fields["country"])

    def search(self, queryset, name, value):
        return queryset.search(value.strip())
