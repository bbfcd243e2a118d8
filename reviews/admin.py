"""Admin of reviews (the regional review or IMRF edition a call belongs to) and of the reports
compiled from their inputs, with each compilation's live progress."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from gcmportal.admin import ReadableInitialMixin
from gcmportal.errors import DomainError

from . import services
from .models import Report, ReportVersion, Review
from .views import report_file_response

COMPILE = "reviews.compile_report"


@admin.register(Review)
class ReviewAdmin(ReadableInitialMixin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "year", "round", "conference_starts_on", "venue"]
    list_filter = ["kind", "year"]
    list_select_related = ["call"]
    autocomplete_fields = ["call"]
    search_fields = ["call__title", "venue"]


class ReportVersionInline(admin.TabularInline):
    model = ReportVersion
    extra = 0
    can_delete = False
    fields = [
        "number",
        "state_and_progress",
        "requested_by",
        "requested_at",
        "finished_at",
        "input_count",
        "files",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requested_by", "published_by")

    @admin.display(description=_("state"))
    def state_and_progress(self, version: ReportVersion) -> str:
        running = version.state in (ReportVersion.State.QUEUED, ReportVersion.State.RUNNING)
        if not running:
            detail = version.error or ""
            if version.withdrawn_at:
                detail = gettext(
                    "Files withdrawn on %(date)s: they named a person who asked to be erased"
                ) % {"date": date_format(version.withdrawn_at, "DATETIME_FORMAT")}
            if version.published_at:
                detail = gettext("Published on %(date)s by %(name)s") % {
                    "date": date_format(version.published_at, "DATETIME_FORMAT"),
                    "name": version.published_by or "—",
                }
            return format_html(
                "<strong>{}</strong><br><small>{}</small>", version.get_state_display(), detail
            )
        return format_html(
            '<div data-version="{}"><strong data-state>{}</strong> '
            '<progress max="100" value="{}" aria-label="{}">{}%</progress> '
            "<span data-percent>{}%</span><br><small data-step>{}</small></div>",
            version.pk,
            version.get_state_display(),
            version.progress,
            gettext("Progress of version %(number)s") % {"number": version.number},
            version.progress,
            version.progress,
            version.step,
        )

    @admin.display(description=_("files"))
    def files(self, version: ReportVersion) -> str:
        links = [
            (reverse("admin:reviews_reportversion_download", args=[version.pk, name]), name.upper())
            for name, _field in version.files()
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', links) or "—"


class NamesErasedPersonFilter(admin.SimpleListFilter):
    """Reports with a version whose files name a person who asked to be erased."""

    title = _("names a person who asked to be erased")
    parameter_name = "names_erased"

    def lookups(self, request, model_admin):
        return [("yes", _("yes"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=services.reports_naming_erased().values("report_id"))
        return queryset


@admin.register(Report)
# No tabs (TranslationAdmin's): they load jQuery UI from a CDN.
class ReportAdmin(ReadableInitialMixin, TranslationAdmin):
    """Reports: filters chosen by staff, compiled by a Celery job whose progress shows live."""

    list_display = ["title", "call", "review", "created_by", "created_at", "names_erased"]
    list_select_related = ["call", "review__call", "created_by"]
    list_filter = [NamesErasedPersonFilter, "call", "review"]
    actions = ["replace_naming_erased"]
    search_fields = ["title"]
    autocomplete_fields = ["call", "review"]
    filter_horizontal = ["objectives", "stakeholder_groups", "regions", "countries", "languages"]
    inlines = [ReportVersionInline]
    change_form_template = "admin/reviews/report/change_form.html"
    fieldsets = [
        (None, {"fields": ["title", "call", "review", "introduction"]}),
        (
            _("Which approved inputs (none chosen: all)"),
            {
                "classes": ["collapse"],
                "fields": [
                    "objectives",
                    "stakeholder_groups",
                    "regions",
                    "countries",
                    "languages",
                    "submitted_from",
                    "submitted_until",
                ],
            },
        ),
    ]

    def get_queryset(self, request):
        naming = services.reports_naming_erased().filter(report=OuterRef("pk"))
        return super().get_queryset(request).annotate(names_erased_person=Exists(naming))

    @admin.display(description=_("names a person who asked to be erased"), boolean=True)
    def names_erased(self, report: Report) -> bool:
        return report.names_erased_person

    @admin.action(
        description=_("Compile again without erased people's names, withdrawing the old files"),
        permissions=["compile"],
    )
    def replace_naming_erased(self, request, queryset):
        for report in queryset:
            try:
                version = services.report_replace_naming_erased(report=report, by=request.user)
            except DomainError as error:
                self.message_user(request, f"{report}: {error.message}", messages.WARNING)
            else:
                self.message_user(
                    request,
                    gettext(
                        "%(report)s: the files naming an erased person are withdrawn; version "
                        "%(number)s is being compiled without the name."
                    )
                    % {"report": report, "number": version.number},
                    messages.SUCCESS,
                )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_compile_permission(self, request) -> bool:
        return request.user.has_perm(COMPILE)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/compile/", view(self.compile_view), name="reviews_report_compile"),
            path("<int:pk>/progress/", view(self.progress_view), name="reviews_report_progress"),
            path(
                "versions/<int:pk>/cancel/",
                view(self.cancel_view),
                name="reviews_reportversion_cancel",
            ),
            path(
                "versions/<int:pk>/publish/",
                view(self.publish_view),
                name="reviews_reportversion_publish",
            ),
            path("<int:pk>/unpublish/", view(self.unpublish_view), name="reviews_report_unpublish"),
            path(
                "versions/<int:pk>/<str:file_format>/",
                view(self.download_view),
                name="reviews_reportversion_download",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"may_compile": self.has_compile_permission(request)}
        report = self.get_object(request, object_id)
        if report is not None:
            extra["running_versions"] = report.versions.filter(
                state__in=[ReportVersion.State.QUEUED, ReportVersion.State.RUNNING]
            )
            extra["latest_done"] = report.versions.filter(state=ReportVersion.State.DONE).first()
            extra["published"] = report.versions.published().first()
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def _report(self, request, pk) -> Report:
        report = self.get_object(request, str(pk))
        if report is None or not self.has_view_permission(request, report):
            raise Http404
        return report

    def compile_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        report = self._report(request, pk)
        if not self.has_compile_permission(request):
            raise PermissionDenied
        try:
            version = services.report_compile_request(report=report, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                gettext("Version %(number)s is being compiled; its progress shows below.")
                % {"number": version.number},
            )
        return redirect("admin:reviews_report_change", object_id=report.pk)

    def cancel_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        version = get_object_or_404(ReportVersion, pk=pk)
        self._report(request, version.report_id)
        if not self.has_compile_permission(request):
            raise PermissionDenied
        try:
            services.report_cancel(version=version, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("admin:reviews_report_change", object_id=version.report_id)

    def publish_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        version = get_object_or_404(ReportVersion, pk=pk)
        self._report(request, version.report_id)
        if not self.has_compile_permission(request):
            raise PermissionDenied
        try:
            services.report_publish(version=version, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                gettext(
                    "Version %(number)s is published: visitors can download it from the call's "
                    "page, and the call's followers are told."
                )
                % {"number": version.number},
            )
        return redirect("admin:reviews_report_change", object_id=version.report_id)

    def unpublish_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        report = self._report(request, pk)
        if not self.has_compile_permission(request):
            raise PermissionDenied
        try:
            services.report_unpublish(report=report, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, gettext("The report is no longer on the public pages."))
        return redirect("admin:reviews_report_change", object_id=report.pk)

    def progress_view(self, request, pk):
        """What the change page polls to move its progress bars without reloading."""
        report = self._report(request, pk)
        return JsonResponse(
            {
                "versions": [
                    {
                        "id": version.pk,
                        "state": version.state,
                        "state_label": version.get_state_display(),
                        "progress": version.progress,
                        "step": version.step,
                    }
                    for version in report.versions.all()
                ]
            }
        )

    def download_view(self, request, pk, file_format):
        """A report's files, to staff who may see the report; the HTML preview opens in the
        browser, sandboxed (published versions are also on the public pages)."""
        version = get_object_or_404(ReportVersion.objects.select_related("report"), pk=pk)
        self._report(request, version.report_id)
        if file_format not in ReportVersion.FORMATS:
            raise Http404
        return report_file_response(version, file_format, inline=file_format == "html")
