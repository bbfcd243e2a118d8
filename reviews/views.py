"""Public pages of reviews: the files of published reports."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views import View

from .models import ReportVersion

# What visitors download; the HTML preview stays in the admin.
PUBLIC_FORMATS = ("pdf", "docx", "xlsx", "csv")


def report_file_response(version: ReportVersion, file_format: str, *, inline: bool = False):
    """One file of a report version, as a download (or, for the preview, shown sandboxed)."""
    field, content_type = ReportVersion.FORMATS[file_format]
    stored = getattr(version, field)
    if not stored:
        raise Http404
    name = f"{version.report.title[:60]} v{version.number}.{file_format}"
    response = FileResponse(
        stored.open("rb"), as_attachment=not inline, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; style-src 'unsafe-inline'"
    return response


class PublishedReportFileView(View):
    """A published report's file; any other version is not found (nothing tells it exists)."""

    def get(self, request, pk, file_format):
        if file_format not in PUBLIC_FORMATS:
            raise Http404
        version = get_object_or_404(
            ReportVersion.objects.published().select_related("report"), pk=pk
        )
        return report_file_response(version, file_format)
