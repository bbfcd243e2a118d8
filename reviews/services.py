"""Writes for reviews: compiled reports, from the request in the admin to the files they produce.

A compilation reads a fixed set of inputs (their ids, taken once at the start: an input approved
while it runs is wholly out, never half in), in chunks, and writes each file row by row.
"""

import csv
import io
import logging
import tempfile
import threading
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.files.base import File
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext, override
from openpyxl import Workbook

from consultations.exports import CHUNK, published_inputs_with_answers
from consultations.models import Input, Objective
from gcmportal.errors import DomainError
from gcmportal.exports import spreadsheet_safe
from notifications.services import notify
from stakeholders.models import Country, Language, Region, StakeholderGroup, User

from .documents import MEANWHILE_FROM, MEANWHILE_TO, write_documents
from .models import Report, ReportVersion

logger = logging.getLogger(__name__)

# A running compilation records a sign of life this often, however long one step takes; one
# silent for STALLED_AFTER lost its worker. A queued one not started after QUEUED_LOST_AFTER
# lost its task (or waits behind others: handing it over again is harmless).
HEARTBEAT_EVERY = timedelta(seconds=15)
STALLED_AFTER = timedelta(minutes=2)
QUEUED_LOST_AFTER = timedelta(minutes=10)
# The share of the progress bar the documents take (the PDF takes most of the time).
DOCUMENT_FROM, DOCUMENT_TO = 6, 97


def _document_percent(fraction: float) -> int:
    return DOCUMENT_FROM + int((DOCUMENT_TO - DOCUMENT_FROM) * fraction)


# The CSV and the XLSX are written while Typst typesets the PDF's last batches.
TABLES_FROM, TABLES_TO = _document_percent(MEANWHILE_FROM), _document_percent(MEANWHILE_TO)


class CompilationCancelled(Exception):
    """Staff cancelled the compilation while it ran."""


def report_inputs(report: Report):
    """Every approved input the report covers (its call or its review's call), filtered as the
    report says. Publication consent is applied later, per use: figures count them all."""
    inputs = Input.objects.filter(state=Input.State.APPROVED)
    inputs = inputs.filter(call=report.call_id or report.review.call_id)
    tags = {
        "objectives__in": report.objectives.all(),
        "author_group__in": report.stakeholder_groups.all(),
        "author_regions__in": report.regions.all(),
        "author_country__in": report.countries.all(),
        "language__in": report.languages.all(),
    }
    for lookup, rows in tags.items():
        if rows.exists():
            inputs = inputs.filter(pk__in=Input.objects.filter(**{lookup: rows}).values("pk"))
    if report.submitted_from:
        inputs = inputs.filter(submitted_at__date__gte=report.submitted_from)
    if report.submitted_until:
        inputs = inputs.filter(submitted_at__date__lte=report.submitted_until)
    return inputs


def report_compile_request(*, report: Report, by) -> ReportVersion:
    """Queue a new version of the report; the compilation starts once this commits."""
    from .tasks import compile_report

    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.versions.filter(
            state__in=[ReportVersion.State.QUEUED, ReportVersion.State.RUNNING]
        ).exists():
            raise DomainError(
                gettext("This report is being compiled already: wait for it, or cancel it.")
            )
        number = (report.versions.aggregate(last=Max("number"))["last"] or 0) + 1
        version = ReportVersion.objects.create(report=report, number=number, requested_by=by)
        transaction.on_commit(lambda: compile_report.delay(version.pk), robust=True)
    return version


def report_cancel(*, version: ReportVersion, by) -> ReportVersion:
    """Stop a compilation: a queued one at once, a running one at its next step."""
    with transaction.atomic():
        version = ReportVersion.objects.select_for_update().get(pk=version.pk)
        if version.state == ReportVersion.State.QUEUED:
            version.state = ReportVersion.State.CANCELLED
            version.finished_at = timezone.now()
            version.save(update_fields=["state", "finished_at"])
        elif version.state == ReportVersion.State.RUNNING:
            version.cancel_requested = True
            version.save(update_fields=["cancel_requested"])
        else:
            raise DomainError(gettext("Only a queued or running compilation can be cancelled."))
    return version


def report_publish(*, version: ReportVersion, by) -> ReportVersion:
    """Put a compiled version on its call's public page (in place of the one published before,
    if any) and tell the call's followers."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=version.report_id)
        version = ReportVersion.objects.select_for_update().get(pk=version.pk)
        if version.state != ReportVersion.State.DONE or version.withdrawn_at:
            raise DomainError(gettext("Only a compiled version can be published."))
        if version.published_at:
            raise DomainError(
                gettext("Version %(number)s is published already.") % {"number": version.number}
            )
        _publish(version, by=by)
        call = report.call or report.review.call
        for follower in call.followers.select_related("user__profile"):
            notify(
                recipient=follower.user,
                kind_code="report_published",
                context={"call": call, "report": report, "version": version},
                link=("call_detail", {"pk": call.pk}),
            )
    return version


def _publish(version: ReportVersion, *, by) -> None:
    """Make the version the report's published one (call with the report's row locked)."""
    ReportVersion.objects.filter(report_id=version.report_id).exclude(pk=version.pk).update(
        published_at=None, published_by=None
    )
    version.published_at = timezone.now()
    version.published_by = by
    version.save(update_fields=["published_at", "published_by"])


def report_version_files_delete(version: ReportVersion) -> None:
    """Delete a version's files from the storage (the row's fields are the caller's)."""
    for _format, (field, _type) in ReportVersion.FORMATS.items():
        name = getattr(version, field).name
        if name:
            getattr(version, field).storage.delete(name)


def reports_naming_erased():
    """Versions whose files name a person who asked to be erased."""
    return ReportVersion.objects.filter(
        named_authors__erasure_requested_at__isnull=False, withdrawn_at__isnull=True
    ).distinct()


def report_replace_naming_erased(*, report: Report, by) -> ReportVersion:
    """Withdraw the files of every version of the report that names a person who asked to be
    erased, and compile a new version without the name, published once done if one of the
    withdrawn versions was."""
    naming = reports_naming_erased().filter(report=report)
    with transaction.atomic():
        Report.objects.select_for_update().get(pk=report.pk)
        versions = list(
            ReportVersion.objects.filter(pk__in=naming.values("pk")).select_for_update()
        )
        if not versions:
            raise DomainError(gettext("No version of this report names a person who was erased."))
        was_published = any(v.published_at for v in versions)
        for version in versions:
            report_version_files_delete(version)
            for _format, (field, _type) in ReportVersion.FORMATS.items():
                setattr(version, field, "")
            version.withdrawn_at = timezone.now()
            version.published_at = None
            version.published_by = None
            version.save(
                update_fields=[
                    "withdrawn_at",
                    "published_at",
                    "published_by",
                    *(field for field, _type in ReportVersion.FORMATS.values()),
                ]
            )
        replacement = report_compile_request(report=report, by=by)
        if was_published:
            replacement.publish_when_done = True
            replacement.save(update_fields=["publish_when_done"])
    return replacement


def report_unpublish(*, report: Report, by) -> None:
    """Take the report off the public pages (its files stay available to staff)."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if not report.versions.published().update(published_at=None, published_by=None):
            raise DomainError(gettext("This report is not published."))


def published_report_versions(call):
    """The published version of every report on a call (or on its review), newest first."""
    return (
        ReportVersion.objects.published()
        .of_call(call)
        .select_related("report")
        .order_by("-published_at")
    )


@contextmanager
def _heartbeat(version_id: int):
    """While the block runs, a thread records a sign of life every HEARTBEAT_EVERY (a Typst
    batch or a large file can take longer than that between two progress steps)."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(HEARTBEAT_EVERY.total_seconds()):
                ReportVersion.objects.filter(
                    pk=version_id, state=ReportVersion.State.RUNNING
                ).update(heartbeat_at=timezone.now())
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"report-{version_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _progress(version: ReportVersion, percent: int, step: str) -> None:
    """Record how far the compilation is (in its own small write) and stop if cancelled."""
    updated = ReportVersion.objects.filter(pk=version.pk, cancel_requested=False).update(
        progress=min(percent, 100), step=step[:200], heartbeat_at=timezone.now()
    )
    if not updated:
        raise CompilationCancelled


def report_figures(inputs) -> dict[str, list[tuple[str, int]]]:
    """The summary tables, each one aggregate query: (label, number of inputs) rows."""
    ordered = inputs.order_by()

    def table(field: str, label) -> list[tuple[str, int]]:
        rows = ordered.values(field).annotate(count=Count("pk", distinct=True)).order_by(field)
        return [(label(row[field]), row["count"]) for row in rows]

    names = {
        "group": {g.pk: str(g) for g in StakeholderGroup.objects.all()},
        "region": {r.pk: r.code for r in Region.objects.all()},
        "country": {c.pk: str(c) for c in Country.objects.all()},
        "language": {lang.pk: str(lang) for lang in Language.objects.all()},
        "objective": {
            o.pk: gettext("Objective %(number)s") % {"number": o.number}
            for o in Objective.objects.all()
        },
    }
    unknown = gettext("not stated")

    def name(kind):
        return lambda pk: names[kind].get(pk, unknown)

    speakers = ordered.aggregate(
        organisations=Count("pk", filter=Q(on_behalf=Input.OnBehalf.ORGANISATION)),
        states=Count("pk", filter=Q(on_behalf=Input.OnBehalf.STATE)),
        individuals=Count("pk", filter=Q(on_behalf=Input.OnBehalf.SELF)),
    )
    return {
        gettext("By stakeholder group"): table("author_group", name("group")),
        gettext("By region"): table("author_regions", name("region")),
        gettext("By country"): table("author_country", name("country")),
        gettext("By language"): table("language", name("language")),
        gettext("By objective"): table("objectives", name("objective")),
        gettext("Organisations and individuals"): [
            (gettext("organisations"), speakers["organisations"]),
            (gettext("Member States"), speakers["states"]),
            (gettext("individuals"), speakers["individuals"]),
        ],
    }


def _columns() -> list[str]:
    return [
        gettext("reference"),
        gettext("call"),
        gettext("submitted at (UTC)"),
        gettext("language"),
        gettext("stakeholder group"),
        gettext("country"),
        gettext("regions"),
        gettext("speaking as"),
        gettext("attribution"),
        gettext("objectives"),
        gettext("guiding principles"),
        gettext("question"),
        gettext("answer"),
    ]


def _rows(input_ids: list[int], version: ReportVersion, start: int, end: int):
    """One row per published input and answer, attributed exactly as its author consented,
    read in chunks; progress moves from `start` to `end` percent."""
    speaking_for = {
        Input.OnBehalf.SELF: gettext("individual"),
        Input.OnBehalf.ORGANISATION: gettext("organisation"),
        Input.OnBehalf.STATE: gettext("Member State"),
    }
    chunks = (input_ids[offset : offset + CHUNK] for offset in range(0, len(input_ids), CHUNK))
    done = 0
    for chunk in published_inputs_with_answers(chunks):
        for input, answers in chunk:
            metadata = [
                input.reference,
                input.call.code,
                input.submitted_at.strftime("%Y-%m-%d %H:%M"),
                str(input.language or ""),
                str(input.author_group or ""),
                str(input.author_country or ""),
                ", ".join(region.code for region in input.author_regions.all()),
                speaking_for[input.on_behalf],
                input.public_attribution,
                ", ".join(str(o.number) for o in input.objectives.all()),
                ", ".join(str(p) for p in input.principles.all()),
            ]
            for answer in answers:
                yield [*metadata, answer.question.text, answer.text]
        done = min(done + CHUNK, len(input_ids))
        _progress(
            version,
            start + (end - start) * done // max(len(input_ids), 1),
            gettext("Inputs %(done)d of %(total)d") % {"done": done, "total": len(input_ids)},
        )


def _write_tables(version: ReportVersion, input_ids: list[int], figures: dict) -> None:
    """The CSV and the XLSX, from one pass over the inputs: each row goes to a temporary CSV
    file and to a write-only workbook (openpyxl streams its rows to disk), so memory stays flat
    whatever the number of inputs. The workbook then gets a sheet per summary table."""
    _progress(version, TABLES_FROM, gettext("Writing the inputs"))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Inputs"))
    sheet.append(_columns())
    with tempfile.TemporaryFile() as raw_csv, tempfile.TemporaryFile() as raw_xlsx:
        text = io.TextIOWrapper(raw_csv, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(_columns())
        for row in _rows(input_ids, version, TABLES_FROM, TABLES_TO - 2):
            cells = [spreadsheet_safe(cell) for cell in row]
            writer.writerow(cells)
            sheet.append(cells)
        _progress(version, TABLES_TO - 1, gettext("Saving the files"))
        for title, rows in figures.items():
            table = workbook.create_sheet(title[:31])
            table.append([title, gettext("inputs")])
            for label, count in rows:
                table.append([spreadsheet_safe(label), count])
        workbook.save(raw_xlsx)
        text.flush()
        raw_csv.seek(0)
        version.csv_file.save("inputs.csv", File(raw_csv), save=False)
        text.detach()
        raw_xlsx.seek(0)
        version.xlsx_file.save("inputs.xlsx", File(raw_xlsx), save=False)


def _write_files(version: ReportVersion, input_ids: list[int], figures: dict) -> None:
    """The document in HTML (the preview), PDF and DOCX, from one reading of the inputs; the
    CSV and the XLSX while Typst typesets the PDF's last batches."""
    with (
        tempfile.TemporaryFile() as raw_html,
        tempfile.TemporaryFile() as raw_pdf,
        tempfile.TemporaryFile() as raw_docx,
    ):
        text = io.TextIOWrapper(raw_html, encoding="utf-8", newline="")
        write_documents(
            version=version,
            input_ids=input_ids,
            figures=figures,
            html_file=text,
            pdf_file=raw_pdf,
            docx_file=raw_docx,
            progress=lambda fraction, step: _progress(version, _document_percent(fraction), step),
            meanwhile=lambda: _write_tables(version, input_ids, figures),
        )
        text.flush()
        _progress(version, DOCUMENT_TO, gettext("Storing the files"))
        for raw, field, name in (
            (raw_html, version.html_file, "report.html"),
            (raw_pdf, version.pdf_file, "report.pdf"),
            (raw_docx, version.docx_file, "report.docx"),
        ):
            raw.seek(0)
            field.save(name, File(raw), save=False)
        text.detach()


def report_version_compile(*, version_id: int) -> ReportVersion:
    """Compile one queued version: choose its inputs, count them, write its files, tell the
    person who asked. Running it again (a retried task) does nothing twice."""
    with transaction.atomic():
        version = (
            ReportVersion.objects.select_for_update(of=("self",))
            .select_related("report__review", "requested_by__profile")
            .get(pk=version_id)
        )
        if version.state != ReportVersion.State.QUEUED:
            return version
        now = timezone.now()
        version.state = ReportVersion.State.RUNNING
        version.started_at = version.heartbeat_at = now
        version.save(update_fields=["state", "started_at", "heartbeat_at"])
    requester = version.requested_by
    language = requester.language if requester else settings.LANGUAGE_CODE
    try:
        with override(language), _heartbeat(version.pk):
            _progress(version, 1, gettext("Choosing the inputs"))
            # The set of inputs is fixed here: one approved a moment later is wholly out.
            input_ids = list(
                report_inputs(version.report).order_by("reference").values_list("pk", flat=True)
            )
            _progress(version, 5, gettext("Counting the inputs"))
            figures = report_figures(Input.objects.filter(pk__in=input_ids))
            version.named = set(
                Input.objects.filter(pk__in=input_ids)
                .published()
                .naming_their_author()
                .values_list("author_id", flat=True)
            )
            _write_files(version, input_ids, figures)
    except CompilationCancelled:
        return _finish(version, ReportVersion.State.CANCELLED)
    except Exception as error:
        logger.exception("Report version %s failed", version.pk)
        return _finish(
            version, ReportVersion.State.FAILED, error=f"{type(error).__name__}: {error}"
        )
    version.input_count = len(input_ids)
    return _finish(version, ReportVersion.State.DONE)


def _finish(
    version: ReportVersion, state: str, *, error: str = "", if_silent_since=None
) -> ReportVersion | None:
    """Record how a compilation ended. With `if_silent_since` (the sweeper), only if, under the
    row's lock, it is still running without a sign of life since then: a compilation that
    finished meanwhile is left as it is (None is returned)."""
    named = getattr(version, "named", set())
    if state == ReportVersion.State.DONE and (
        User.objects.filter(pk__in=named, erasure_requested_at__isnull=False).exists()
    ):
        # Someone it names asked to be erased while it was compiled: its files must not exist.
        report_version_files_delete(version)
        state = ReportVersion.State.FAILED
        error = gettext(
            "A person this version names asked meanwhile to be erased. Compile the report again."
        )
    with transaction.atomic():
        stored = ReportVersion.objects.select_for_update().get(pk=version.pk)
        if if_silent_since is not None and (
            stored.state != ReportVersion.State.RUNNING or stored.heartbeat_at >= if_silent_since
        ):
            return None
        stored.state = state
        stored.error = error
        stored.finished_at = timezone.now()
        stored.input_count = version.input_count
        fields = ["state", "error", "finished_at", "input_count"]
        if state == ReportVersion.State.DONE:
            stored.progress = 100
            stored.step = ""
            files = [field for _format, (field, _type) in ReportVersion.FORMATS.items()]
            for field in files:
                setattr(stored, field, getattr(version, field))
            fields += ["progress", "step", *files]
        stored.save(update_fields=fields)
        if state == ReportVersion.State.DONE:
            stored.named_authors.set(named)
            if stored.publish_when_done:
                _publish(stored, by=stored.requested_by)
        if stored.requested_by and state in (ReportVersion.State.DONE, ReportVersion.State.FAILED):
            notify(
                recipient=stored.requested_by,
                kind_code="report_ready" if state == ReportVersion.State.DONE else "report_failed",
                context={"version": stored, "report": version.report},
                link=("admin:reviews_report_change", {"object_id": version.report_id}),
            )
    return stored


def reports_fail_stalled(*, now=None) -> int:
    """Mark failed every compilation whose worker stopped showing signs of life (killed, or
    lost): none stays "running" for ever; the previous version stays available.

    A compilation still queued long after it was asked for lost its task (the broker was down
    when it was requested): it is handed to the workers again; compiling is idempotent.
    """
    from .tasks import compile_report

    now = now or timezone.now()
    for pk in ReportVersion.objects.filter(
        state=ReportVersion.State.QUEUED, requested_at__lt=now - QUEUED_LOST_AFTER
    ).values_list("pk", flat=True):
        compile_report.delay(pk)
    stalled = ReportVersion.objects.filter(
        state=ReportVersion.State.RUNNING, heartbeat_at__lt=now - STALLED_AFTER
    )
    count = 0
    for version in stalled.select_related("report"):
        failed = _finish(
            version,
            ReportVersion.State.FAILED,
            error=gettext("The compilation stopped (its worker ended). Compile the report again."),
            if_silent_since=now - STALLED_AFTER,
        )
        count += failed is not None
    return count
