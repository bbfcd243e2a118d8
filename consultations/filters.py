"""Filters of the public lists of calls and of published inputs (shared with the API later)."""

import django_filters
from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from stakeholders.filters import ReferenceFilterSet, TranslatedModelChoiceFilter
from stakeholders.models import Country, Language, Region, StakeholderGroup

from .models import Answer, Call, GuidingPrinciple, Input, Objective


def answers_matching(text: str):
    """Ids of inputs whose answers match the words: full-text search on PostgreSQL (the
    answers' stored search_vector column, see migration 0005), a plain case-insensitive match
    of every word elsewhere."""
    if connection.vendor == "postgresql":
        return RawSQL(
            "SELECT input_id FROM consultations_answer "
            "WHERE search_vector @@ websearch_to_tsquery('simple', %s)",
            [text],
        )
    answers = Answer.objects.all()
    for word in text.split():
        answers = answers.filter(text__icontains=word)
    return answers.values("input_id")


class CallFilter(ReferenceFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Call.Kind.choices)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Call.Status.choices, method="filter_status"
    )
    region = TranslatedModelChoiceFilter(label=_("Region"), queryset=Region.objects.all())
    objective = TranslatedModelChoiceFilter(
        label=_("Objective"), queryset=Objective.objects.all(), method="filter_objective"
    )
    language = TranslatedModelChoiceFilter(
        label=_("Language"),
        field_name="accepted_languages",
        queryset=Language.objects.all(),
        distinct=True,
    )

    class Meta:
        model = Call
        fields = ["q", "kind", "status", "region", "objective", "language"]

    def search(self, queryset, name, value):
        """Titles and summaries in every language: a reader may search a title they saw in
        English (the fallback) while reading in French."""
        value = value.strip()
        condition = Q()
        for code, _name in settings.LANGUAGES:
            for field in ("title", "summary"):
                condition |= Q(**{f"{build_localized_fieldname(field, code)}__icontains": value})
        return queryset.filter(condition)

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value)

    def filter_objective(self, queryset, name, value):
        # A call with no objectives listed covers all 23.
        return queryset.filter(Q(objectives=value) | Q(objectives__isnull=True)).distinct()


class InputFilter(ReferenceFilterSet):
    q = django_filters.CharFilter(label=_("Search the answers"), method="search")
    objective = TranslatedModelChoiceFilter(
        label=_("Objective"), queryset=Objective.objects.all(), method="tagged"
    )
    principle = TranslatedModelChoiceFilter(
        label=_("Guiding principle"), queryset=GuidingPrinciple.objects.all(), method="tagged"
    )
    stakeholder_group = TranslatedModelChoiceFilter(
        label=_("Stakeholder group"),
        field_name="author_group",
        queryset=StakeholderGroup.objects.all(),
    )
    region = TranslatedModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.all(), method="tagged"
    )
    country = TranslatedModelChoiceFilter(
        label=_("Country"), field_name="author_country", queryset=Country.objects.all()
    )

    # Many-to-many filters as EXISTS subqueries: no join, no DISTINCT, cheap counts.
    TAG_TABLES = {
        "objective": (Input.objectives.through, "objective"),
        "principle": (Input.principles.through, "guidingprinciple"),
        "region": (Input.author_regions.through, "region"),
    }

    def tagged(self, queryset, name, value):
        through, column = self.TAG_TABLES[name]
        return queryset.filter(
            Exists(through.objects.filter(input=OuterRef("pk"), **{column: value}))
        )

    language = TranslatedModelChoiceFilter(label=_("Language"), queryset=Language.objects.all())

    class Meta:
        model = Input
        fields = [
            "q",
            "objective",
            "principle",
            "stakeholder_group",
            "region",
            "country",
            "language",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(pk__in=answers_matching(value)) if value else queryset
