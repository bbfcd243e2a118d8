"""Read endpoints of reviews and of published reports."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend

from consultations.models import Call
from gcmportal.api import CursorPage, PublicReadViewSet
from reviews.models import ReportVersion, Review
from stakeholders.filters import TranslatedModelChoiceFilter

from .serializers import PublishedReportSerializer, ReviewSerializer


class ReviewViewSet(PublicReadViewSet):
    """Regional reviews and editions of the International Migration Review Forum, each with the
    call that collects its stakeholder inputs."""

    queryset = Review.objects.select_related("call__region").order_by("-year", "pk")
    serializer_class = ReviewSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["kind", "year"]
    pagination_class = None


class PublishedReportFilter(django_filters.FilterSet):
    call = TranslatedModelChoiceFilter(
        label=_("Call"), queryset=Call.objects.all(), method="of_call"
    )

    class Meta:
        model = ReportVersion
        fields = ["call"]

    def of_call(self, queryset, name, value):
        return queryset.of_call(value)


class ReportPage(CursorPage):
    ordering = "-published_at"


class PublishedReportViewSet(PublicReadViewSet):
    """Reports staff have published, with their files (PDF, DOCX, XLSX, CSV)."""

    serializer_class = PublishedReportSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PublishedReportFilter
    pagination_class = ReportPage

    def get_queryset(self):
        return ReportVersion.objects.published().select_related("report__review")
