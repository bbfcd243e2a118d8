"""Read endpoints of reviews and of published reports."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from consultations.models import Call
from gcmportal.api import ConditionalGetMixin, CursorPage
from reviews.models import ReportVersion, Review
from stakeholders.filters import TranslatedModelChoiceFilter

from .serializers import PublishedReportSerializer, ReviewSerializer


class ReviewViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """Regional reviews and editions of the International Migration Review Forum, each with the
    call that collects its stakeholder inputs."""

    permission_classes = [AllowAny]
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
        return queryset.filter(Q(report__call=value) | Q(report__review__call=value))


class ReportPage(CursorPage):
    ordering = "-published_at"


class PublishedReportViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """Reports staff have published, with their files (PDF, DOCX, XLSX, CSV)."""

    permission_classes = [AllowAny]
    serializer_class = PublishedReportSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PublishedReportFilter
    pagination_class = ReportPage

    def get_queryset(self):
        return ReportVersion.objects.filter(published_at__isnull=False).select_related(
            "report__review"
        )
