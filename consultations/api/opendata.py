"""Open data: every published input (or a call's, or any selection the inputs page's filters
make) in one download, CSV or JSON Lines, written as it is sent: flat memory whatever the
number of inputs, no page to walk and no rate-limit wall half way."""

import json

from django.conf import settings
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny

from consultations.exports import OPEN_DATA_COLUMNS, open_data_records
from consultations.models import Input
from gcmportal.exports import csv_download
from gcmportal.throttles import DownloadThrottle

from .views import PublishedInputFilter


class CsvRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class JsonLinesRenderer(CsvRenderer):
    media_type = "application/x-ndjson"
    format = "jsonl"


class OpenDataView(GenericAPIView):
    permission_classes = [AllowAny]
    throttle_classes = [DownloadThrottle]
    filter_backends = [DjangoFilterBackend]
    filterset_class = PublishedInputFilter
    pagination_class = None
    queryset = Input.objects.none()  # for the schema

    def get_queryset(self):
        return Input.objects.published()

    def handle_exception(self, exc):
        # An error is JSON in the API's one shape, whatever the format of the download.
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = renderers.JSONRenderer.media_type
        return super().handle_exception(exc)

    def records(self, request):
        inputs = self.filter_queryset(self.get_queryset())
        return open_data_records(
            inputs,
            input_url=lambda input: request.build_absolute_uri(
                reverse("input_detail", args=[input.pk])
            ),
        )

    def filename(self, request, extension: str) -> str:
        call = request.query_params.get("call", "")
        scope = f"call-{call}" if call.isdigit() else "all"
        return f"gcm-inputs-{scope}-{timezone.now():%Y-%m-%d}.{extension}"

    @staticmethod
    def described(response):
        """Where the columns and the licence are explained (RFC 8288 link)."""
        dictionary = reverse("open_data")
        response["Link"] = f'<{dictionary}>; rel="describedby"'
        response["X-Licence"] = settings.GCM_OPEN_DATA_LICENCE
        response["Cache-Control"] = "no-cache"
        return response


class OpenDataCsvView(OpenDataView):
    renderer_classes = [CsvRenderer]

    @extend_schema(
        summary="Published inputs as CSV",
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="One row per published input and answer, UTF-8 with a byte-order "
                "mark; the columns are described at /en/open-data/.",
            ),
        },
    )
    def get(self, request):
        """Every published input matching the filters (e.g. `?call=8`), one row per answer."""
        rows = (
            [
                ";".join(str(v) for v in value) if isinstance(value, list) else value
                for value in record.values()
            ]
            for record in self.records(request)
        )
        return self.described(
            csv_download(
                filename=self.filename(request, "csv"), header=list(OPEN_DATA_COLUMNS), rows=rows
            )
        )


class OpenDataJsonLinesView(OpenDataView):
    renderer_classes = [JsonLinesRenderer]

    @extend_schema(
        summary="Published inputs as JSON Lines",
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(
                OpenApiTypes.STR,
                description="One JSON object per line, per published input and answer; the "
                "keys are described at /en/open-data/.",
            ),
        },
    )
    def get(self, request):
        """Every published input matching the filters (e.g. `?call=8`), a line per answer."""
        lines = (json.dumps(record, ensure_ascii=False) + "\n" for record in self.records(request))
        response = StreamingHttpResponse(lines, content_type="application/x-ndjson")
        filename = self.filename(request, "jsonl")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return self.described(response)
