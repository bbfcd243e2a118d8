"""Read endpoints of calls, guiding questions, objectives, guiding principles and published
inputs: the web pages' filters, cursor pages, a constant number of queries per page."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter

from consultations.filters import CallFilter, InputFilter
from consultations.models import Answer, Call, GuidingPrinciple, Input, Objective
from gcmportal.api import CursorPage, PublicReadViewSet
from stakeholders.filters import TranslatedModelChoiceFilter

from .serializers import (
    CallSerializer,
    GuidingPrincipleSerializer,
    ObjectiveSerializer,
    PublishedInputSerializer,
)

# The site's filter sets, and ordering by the fields each list names.
FILTERED_AND_ORDERED = [DjangoFilterBackend, OrderingFilter]


class ObjectiveViewSet(PublicReadViewSet):
    """The GCM's 23 objectives, with their IMRF cluster."""

    queryset = Objective.objects.with_cluster().order_by("number")
    serializer_class = ObjectiveSerializer
    pagination_class = None
    filter_backends = []


class GuidingPrincipleViewSet(PublicReadViewSet):
    """The GCM's 10 guiding principles."""

    queryset = GuidingPrinciple.objects.order_by("number")
    serializer_class = GuidingPrincipleSerializer
    pagination_class = None
    filter_backends = []


class CallPage(CursorPage):
    ordering = "-closes_at"


class CallViewSet(PublicReadViewSet):
    """Calls for inputs (thematic consultations, regional reviews, IMRF), with their guiding
    questions; filtered as on the calls page."""

    serializer_class = CallSerializer
    filter_backends = FILTERED_AND_ORDERED
    filterset_class = CallFilter
    pagination_class = CallPage
    ordering_fields = ["closes_at", "opens_at"]

    def get_queryset(self):
        return (
            Call.objects.select_related("region")
            .prefetch_related("objectives", "accepted_languages", "questions")
            .with_published_count()
        )


class PublishedInputFilter(InputFilter):
    """The published inputs page's filters, and the call (a page of its own on the site)."""

    call = TranslatedModelChoiceFilter(label=_("Call"), queryset=Call.objects.all())

    class Meta(InputFilter.Meta):
        fields = ["call", *InputFilter.Meta.fields]


class InputPage(CursorPage):
    ordering = "-published_at"


class PublishedInputViewSet(PublicReadViewSet):
    """Published inputs with their answers, tags and attachments, attributed exactly as their
    authors consented; filtered as on the inputs page. Other inputs are not found."""

    serializer_class = PublishedInputSerializer
    filter_backends = FILTERED_AND_ORDERED
    filterset_class = PublishedInputFilter
    pagination_class = InputPage
    ordering_fields = ["published_at", "submitted_at"]

    def get_queryset(self):
        return (
            Input.objects.published()
            .select_related(
                "organisation",
                "state_country",
                "author__profile",
                "language",
                "author_group",
                "author_country",
            )
            .prefetch_related(
                "objectives",
                "principles",
                "author_regions",
                "attachments",
                Prefetch(
                    "answers",
                    queryset=Answer.objects.exclude(text="")
                    .select_related("question")
                    .order_by("question__position", "question_id"),
                ),
            )
        )
