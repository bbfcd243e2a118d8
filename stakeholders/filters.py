"""Filters of the public directory of organisations (shared with the API later)."""

import django_filters
from django.forms import ModelChoiceField
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .forms import TranslatedChoiceField, cache_choices
from .models import Country, Organisation, Region, StakeholderGroup


@extend_schema_field(OpenApiTypes.INT)  # in the API: the id of the row chosen
class TranslatedModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = TranslatedChoiceField


class ReferenceFilterSet(django_filters.FilterSet):
    """A filter set whose reference lists (groups, countries, regions, ...) come from the
    shared cache, countries sorted in the reader's language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            if isinstance(field, ModelChoiceField):
                cache_choices(field, sort=name == "country")


class OrganisationFilter(ReferenceFilterSet):
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

    def search(self, queryset, name, value):
        return queryset.search(value.strip())
