"""Reviews of the Compact: regional reviews and the International Migration Review Forum."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .querysets import ReportVersionQuerySet


class Review(models.Model):
    """A regional review (one regional commission, a year) or an IMRF edition (global).

    Each review collects stakeholder inputs through its own call for inputs.
    """

    class Kind(models.TextChoices):
        REGIONAL = "regional", _("regional review")
        IMRF = "imrf", _("International Migration Review Forum")

    call = models.OneToOneField(
        "consultations.Call",
        on_delete=models.CASCADE,
        related_name="review",
        verbose_name=_("call"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    round = models.PositiveSmallIntegerField(_("round"), null=True, blank=True)
    conference_starts_on = models.DateField(_("conference starts on"), null=True, blank=True)
    conference_ends_on = models.DateField(_("conference ends on"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)

    class Meta:
        ordering = ["-year", "kind"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return str(self.call)


# --- Compiled reports -----------------------------------------------------------------------


def report_file_path(instance, filename: str) -> str:
    """Reports live under their own folder, one file per format and version."""
    return f"reports/{instance.report_id}/v{instance.number}/{filename}"


class Report(models.Model):
    """A compilation of the approved inputs of one call, or of one review (all its calls), for
    staff to publish. Each compilation is a new version; old versions stay downloadable."""

    call = models.ForeignKey(
        "consultations.Call",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("call"),
    )
    review = models.ForeignKey(
        Review,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("review"),
    )
    title = models.CharField(_("title"), max_length=250)
    introduction = models.TextField(_("introduction"), blank=True)
    objectives = models.ManyToManyField(
        "consultations.Objective", blank=True, related_name="+", verbose_name=_("objectives")
    )
    stakeholder_groups = models.ManyToManyField(
        "stakeholders.StakeholderGroup",
        blank=True,
        related_name="+",
        verbose_name=_("stakeholder groups"),
    )
    regions = models.ManyToManyField(
        "stakeholders.Region", blank=True, related_name="+", verbose_name=_("regions")
    )
    countries = models.ManyToManyField(
        "stakeholders.Country", blank=True, related_name="+", verbose_name=_("countries")
    )
    languages = models.ManyToManyField(
        "stakeholders.Language", blank=True, related_name="+", verbose_name=_("languages")
    )
    submitted_from = models.DateField(_("submitted from"), null=True, blank=True)
    submitted_until = models.DateField(_("submitted until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        permissions = [("compile_report", _("Can compile and publish reports"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(call__isnull=False, review__isnull=True)
                | models.Q(call__isnull=True, review__isnull=False),
                name="report_of_one_call_or_one_review",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReportVersion(models.Model):
    """One compilation of a report: its progress while it runs, then its files."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="versions", verbose_name=_("report")
    )
    number = models.PositiveIntegerField(_("version"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    error = models.TextField(_("error"), blank=True)
    input_count = models.PositiveIntegerField(_("inputs"), default=0)
    csv_file = models.FileField(_("CSV"), upload_to=report_file_path, blank=True, max_length=200)
    xlsx_file = models.FileField(_("XLSX"), upload_to=report_file_path, blank=True, max_length=200)
    html_file = models.FileField(_("HTML"), upload_to=report_file_path, blank=True, max_length=200)
    pdf_file = models.FileField(_("PDF"), upload_to=report_file_path, blank=True, max_length=200)
    docx_file = models.FileField(_("DOCX"), upload_to=report_file_path, blank=True, max_length=200)
    # The version visitors download from the call's or review's page (one per report at most).
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    # The people whose names its files print (inputs published with the author's name).
    named_authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("people named"),
    )
    withdrawn_at = models.DateTimeField(
        _("files withdrawn at"),
        null=True,
        blank=True,
        help_text=_("Its files were deleted because they name a person who asked to be erased."),
    )
    publish_when_done = models.BooleanField(
        _("publish when compiled"),
        default=False,
        help_text=_("Compiled to replace a withdrawn published version: published once done."),
    )

    # The formats a version is downloaded in, with their file fields and media types.
    FORMATS = {
        "pdf": ("pdf_file", "application/pdf"),
        "docx": (
            "docx_file",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "xlsx": ("xlsx_file", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "csv": ("csv_file", "text/csv; charset=utf-8"),
        "html": ("html_file", "text/html; charset=utf-8"),
    }

    objects = ReportVersionQuerySet.as_manager()

    class Meta:
        ordering = ["report", "-number"]
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_unique"),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_progress_at_most_100"
            ),
            models.UniqueConstraint(
                fields=["report"],
                condition=models.Q(published_at__isnull=False),
                name="report_one_published_version",
            ),
            models.CheckConstraint(
                condition=models.Q(published_at__isnull=True) | models.Q(state="done"),
                name="report_published_when_done",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"

    def files(self) -> list[tuple[str, str]]:
        """(format, file field name) of the files this version has, in FORMATS order."""
        return [
            (name, field) for name, (field, _type) in self.FORMATS.items() if getattr(self, field)
        ]
