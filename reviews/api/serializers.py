"""What the API says of reviews (regional, IMRF) and of published reports."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reviews.models import ReportVersion, Review
from reviews.views import PUBLIC_FORMATS


class ReviewSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(
        source="call.region", slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Review
        fields = [
            "id",
            "kind",
            "year",
            "round",
            "region",
            "call",
            "conference_starts_on",
            "conference_ends_on",
            "venue",
        ]


class ReportFileSerializer(serializers.Serializer):
    format = serializers.CharField()
    url = serializers.URLField()
    size = serializers.IntegerField(help_text="In bytes.")


class PublishedReportSerializer(serializers.ModelSerializer):
    """A published version of a report, with its files to download."""

    report = serializers.IntegerField(source="report_id")
    title = serializers.CharField(source="report.title")
    call = serializers.SerializerMethodField()
    review = serializers.IntegerField(source="report.review_id", allow_null=True)
    version = serializers.IntegerField(source="number")
    inputs = serializers.IntegerField(source="input_count")
    files = serializers.SerializerMethodField()

    class Meta:
        model = ReportVersion
        fields = ["id", "report", "title", "call", "review", "version", "published_at", "inputs"]
        fields += ["files"]

    def get_call(self, version) -> int:
        report = version.report
        return report.call_id or report.review.call_id

    @staticmethod
    def _file(request, version, file_format: str) -> dict:
        stored = getattr(version, ReportVersion.FORMATS[file_format][0])
        path = reverse("report_download", args=[version.pk, file_format])
        return {"format": file_format, "url": request.build_absolute_uri(path), "size": stored.size}

    @extend_schema_field(ReportFileSerializer(many=True))
    def get_files(self, version) -> list[dict]:
        request = self.context["request"]
        return [
            self._file(request, version, file_format)
            for file_format, _field in version.files()
            if file_format in PUBLIC_FORMATS
        ]
