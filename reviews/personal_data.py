"""What the reviews app holds about a person: the compiled reports that print their name, which
are deleted (unpublished versions) or flagged for staff to compile again (published ones)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from gcmportal.personal_data import PersonalDataProvider, Section

from .models import ReportVersion


class ReviewsPersonalData(PersonalDataProvider):
    app_label = "reviews"
    sections = (
        Section(
            key="reports_naming_you",
            title=_("Reports that quote you by name"),
            kept=_("The compiled reports that quote an input of yours published with your name."),
            purpose=_("The review reports that the regional reviews and the IMRF receive."),
            retention=_(
                "As long as the report is kept; when you delete your account, unpublished "
                "versions are deleted and published ones are compiled again without your name"
            ),
            model="reviews.ReportVersion",
            fields=("id", "report", "number", "state", "finished_at", "published_at"),
        ),
    )
    not_personal = {
        "reviews.Report": "who on the staff created the report: their work record, no text",
    }

    def rows(self, person, section):
        return ReportVersion.objects.filter(named_authors=person.user).select_related("report")

    def erase(self, person):
        """Unpublished versions that name the person go with their files; published ones stay
        until staff compile them again (Reviews > Reports, "names a person who asked to be
        erased"). A version being compiled fails when it ends (reviews.services._finish)."""
        from .services import report_version_files_delete

        unpublished = ReportVersion.objects.filter(
            named_authors=person.user,
            published_at__isnull=True,
            state__in=[
                ReportVersion.State.DONE,
                ReportVersion.State.FAILED,
                ReportVersion.State.CANCELLED,
            ],
        )
        for version in unpublished:
            report_version_files_delete(version)  # files first: a crash leaves rows to retry
        with transaction.atomic():
            unpublished.delete()
