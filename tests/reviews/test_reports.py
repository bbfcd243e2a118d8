"""Compiled reports: figures against hand-counted inputs, attribution as consented in the files,
progress, cancellation, failure, stalled workers, and who may compile or download."""

import csv
import io
import os
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from consultations import services as consultations
from reviews import documents, services
from reviews.models import Report, ReportVersion
from reviews.tasks import fail_stalled_reports
from tests.consultations.factories import submitted_input
from tests.factories import (
    ModeratorFactory,
    ProfileFactory,
)

pytestmark = pytest.mark.django_db


def test_figures_are_counted_by_the_database_as_by_hand(call_with_inputs):
    call, _inputs = call_with_inputs
    report = Report.objects.create(call=call, title="ECE review")

    figures = services.report_figures(services.report_inputs(report))

    assert dict(figures["By stakeholder group"]) == {"Civil society": 2, "Migrants": 1}
    assert dict(figures["By country"]) == {"Kenya": 1, "France": 1, "Mexico": 1}
    assert dict(figures["By language"]) == {"English": 1, "French": 1, "Spanish": 1}
    assert dict(figures["By objective"]) == {
        "Objective 6": 2,
        "Objective 7": 1,
        "Objective 16": 1,
    }
    assert dict(figures["By region"]) == {"ECA": 1, "ECE": 1, "ECLAC": 1}
    assert dict(figures["Organisations and individuals"]) == {
        "organisations": 1,
        "Member States": 0,
        "individuals": 2,
    }


def test_compiling_in_the_admin_writes_csv_and_xlsx_with_attribution_as_consented(
    client, call_with_inputs, compiler, compile_in_admin
):
    call, inputs = call_with_inputs
    report = Report.objects.create(call=call, title="ECE review", created_by=compiler)
    mail.outbox.clear()

    version = compile_in_admin(report)

    assert version.state == ReportVersion.State.DONE
    assert version.progress == 100
    assert version.input_count == 3  # the three approved; the waiting one is out
    rows = list(csv.reader(io.StringIO(version.csv_file.open("rb").read().decode("utf-8-sig"))))
    body = {row[0]: row for row in rows[1:]}
    assert set(body) == {inputs["named"].reference, inputs["anonymous"].reference}
    named, anonymous = body[inputs["named"].reference], body[inputs["anonymous"].reference]
    # Attributed as on the public pages: the organisation it speaks for, or nobody.
    assert named[7] == "organisation"
    assert named[8] == "Kenya Migrant Workers Network"
    assert named[12] == "Recruitment fees must be banned."
    assert anonymous[8] == "Published without attribution"
    contents = version.csv_file.open("rb").read().decode("utf-8-sig")
    assert "Amina Diallo" not in contents
    assert "Wanjiru Kamau" not in contents
    assert anonymous[12] == '\'=HYPERLINK("http://evil.example")'

    workbook = load_workbook(version.xlsx_file.open("rb"), read_only=True)
    sheet_rows = list(workbook["Inputs"].iter_rows(values_only=True))
    assert len(sheet_rows) == 3
    assert "Kept for the staff only." not in str(sheet_rows)
    groups = dict(list(workbook["By stakeholder group"].iter_rows(values_only=True))[1:])
    assert groups == {"Civil society": 2, "Migrants": 1}

    [notice] = mail.outbox
    assert notice.to == [compiler.email]
    assert "Report ready: ECE review (version 1)" in notice.subject

    download = client.get(
        reverse("admin:reviews_reportversion_download", args=[version.pk, "xlsx"])
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


def test_progress_is_recorded_while_the_inputs_are_written(
    call_with_inputs, monkeypatch, django_capture_on_commit_callbacks
):
    call, _inputs = call_with_inputs
    monkeypatch.setattr(services, "CHUNK", 1)
    report = Report.objects.create(call=call, title="ECE review")
    version = ReportVersion.objects.create(report=report, number=1)

    with CaptureQueriesContext(connection) as queries:
        services.report_version_compile(version_id=version.pk)

    progress = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('UPDATE "reviews_reportversion" SET "progress"')
    ]
    assert len(progress) >= 8  # two steps, then each input in each of the two files
    version.refresh_from_db()
    assert version.state == ReportVersion.State.DONE


def test_the_step_names_each_chapter_in_the_requesters_language(call_with_inputs, monkeypatch):
    call, _inputs = call_with_inputs
    requester = ProfileFactory(preferred_language="fr").user
    report = Report.objects.create(call=call, title="ECE review")
    version = ReportVersion.objects.create(report=report, number=1, requested_by=requester)
    steps = []
    record = services._progress

    def recording(version, percent, step):
        steps.append(step)
        record(version, percent, step)

    monkeypatch.setattr(services, "_progress", recording)

    services.report_version_compile(version_id=version.pk)

    chapters = [step for step in steps if step.startswith("Chapitre : ")]
    # Every objective has its step, in order, the last one too; then the files are finished.
    assert [step.split(" : ")[1] for step in chapters] == [f"Objectif {n}" for n in range(1, 24)]
    # The CSV and the XLSX are written while Typst typesets the PDF.
    finishing = [step for step in steps[steps.index(chapters[-1]) + 1 :] if " sur " not in step]
    assert finishing == [
        "Annexe",
        "Écriture du DOCX",
        "Écriture des contributions",
        "Enregistrement des fichiers",
        "Composition du PDF",
        "Assemblage du PDF",
        "Stockage des fichiers",
    ]
    version.refresh_from_db()
    assert version.state == ReportVersion.State.DONE


def test_recompiling_makes_a_new_version_and_keeps_the_old_one(
    client, call_with_inputs, compiler, compile_in_admin
):
    call, _inputs = call_with_inputs
    report = Report.objects.create(call=call, title="ECE review")

    first = compile_in_admin(report)
    second = compile_in_admin(report)

    assert (first.number, second.number) == (1, 2)
    assert (
        client.get(
            reverse("admin:reviews_reportversion_download", args=[first.pk, "csv"])
        ).status_code
        == 200
    )
    page = client.get(reverse("admin:reviews_report_change", args=[report.pk])).content.decode()
    assert reverse("admin:reviews_reportversion_download", args=[first.pk, "csv"]) in page


def test_cancelling_a_queued_or_running_compilation_stops_it(call_with_inputs):
    call, _inputs = call_with_inputs
    report = Report.objects.create(call=call, title="ECE review")
    queued = ReportVersion.objects.create(report=report, number=1)
    running = ReportVersion.objects.create(report=report, number=2)

    services.report_cancel(version=queued, by=None)
    # Cancelled while it runs: the job stops at its next step.
    ReportVersion.objects.filter(pk=running.pk).update(cancel_requested=True)
    services.report_version_compile(version_id=running.pk)

    queued.refresh_from_db()
    running.refresh_from_db()
    assert queued.state == running.state == ReportVersion.State.CANCELLED
    assert not running.csv_file


def test_a_failed_compilation_says_why_and_keeps_the_previous_version(
    call_with_inputs, settings, tmp_path, django_capture_on_commit_callbacks
):
    call, _inputs = call_with_inputs
    requester = ProfileFactory().user
    report = Report.objects.create(call=call, title="ECE review")
    good = ReportVersion.objects.create(report=report, number=1)
    services.report_version_compile(version_id=good.pk)
    bad = ReportVersion.objects.create(report=report, number=2, requested_by=requester)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("the media storage cannot write here")
    settings.MEDIA_ROOT = blocked
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.report_version_compile(version_id=bad.pk)

    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.state == ReportVersion.State.FAILED
    assert bad.error
    assert good.state == ReportVersion.State.DONE and good.csv_file
    [notice] = mail.outbox
    assert "Report not compiled" in notice.subject


def children_of_this_process() -> set[str]:
    """The pids of this process's child processes (Typst's while a PDF is typeset; a worker
    test's Celery worker, say, for the whole session)."""
    pids = set()
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children") as children:
            pids.update(children.read().split())
    return pids


def test_cancelling_while_the_pdf_is_typeset_stops_typst_too(call_with_inputs, monkeypatch):
    monkeypatch.setattr(documents, "BATCH_QUOTES", 1)  # a batch in Typst at every part
    call, _inputs = call_with_inputs
    report = Report.objects.create(call=call, title="ECE review")
    version = ReportVersion.objects.create(report=report, number=1)
    record = services._progress

    def cancelled_at_objective_7(version, percent, step):
        if "Objective 7:" in step:
            ReportVersion.objects.filter(pk=version.pk).update(cancel_requested=True)
        record(version, percent, step)

    monkeypatch.setattr(services, "_progress", cancelled_at_objective_7)
    children = children_of_this_process()

    services.report_version_compile(version_id=version.pk)

    version.refresh_from_db()
    assert version.state == ReportVersion.State.CANCELLED
    assert not version.pdf_file and not version.csv_file
    assert children_of_this_process() <= children
    assert not any(thread.name.startswith("typesetter") for thread in threading.enumerate())


def test_a_pdf_that_typst_cannot_typeset_fails_the_version_with_typsts_message(
    call_with_inputs, monkeypatch, tmp_path
):
    call, _inputs = call_with_inputs
    broken = tmp_path / "report.typ"
    broken.write_text('#let data = json(bytes(sys.inputs.data))\n#panic("no layout today")\n')
    monkeypatch.setattr(documents.PdfWriter, "TEMPLATE", broken)
    report = Report.objects.create(call=call, title="ECE review")
    version = ReportVersion.objects.create(report=report, number=1)
    children = children_of_this_process()

    services.report_version_compile(version_id=version.pk)

    version.refresh_from_db()
    assert version.state == ReportVersion.State.FAILED
    assert "no layout today" in version.error
    assert children_of_this_process() <= children


def test_a_compilation_whose_worker_died_is_marked_failed(call_with_inputs):
    call, _inputs = call_with_inputs
    report = Report.objects.create(call=call, title="ECE review")
    silent = ReportVersion.objects.create(
        report=report,
        number=1,
        state=ReportVersion.State.RUNNING,
        heartbeat_at=timezone.now() - timedelta(minutes=2, seconds=5),
    )
    alive = ReportVersion.objects.create(
        report=report, number=2, state=ReportVersion.State.RUNNING, heartbeat_at=timezone.now()
    )

    assert fail_stalled_reports() == 1

    silent.refresh_from_db()
    alive.refresh_from_db()
    assert silent.state == ReportVersion.State.FAILED
    assert "worker ended" in silent.error
    assert alive.state == ReportVersion.State.RUNNING


def test_a_compilation_finishing_as_the_sweeper_fails_it_stays_done(call_with_inputs, monkeypatch):
    """The worker records "done" between the sweeper's look at the silent compilation and its
    verdict: the sweeper decides under the row's lock and leaves it done."""
    call, _inputs = call_with_inputs
    report = Report.objects.create(call=call, title="ECE review")
    version = ReportVersion.objects.create(
        report=report,
        number=1,
        state=ReportVersion.State.RUNNING,
        heartbeat_at=timezone.now() - timedelta(minutes=3),
    )
    finish = services._finish

    def worker_finishes_first(stalled, state, **kwargs):
        if state == ReportVersion.State.FAILED:
            finish(stalled, ReportVersion.State.DONE)  # the worker, a moment earlier
        return finish(stalled, state, **kwargs)

    monkeypatch.setattr(services, "_finish", worker_finishes_first)

    assert fail_stalled_reports() == 0

    version.refresh_from_db()
    assert version.state == ReportVersion.State.DONE
    assert version.error == ""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_long_step_still_shows_signs_of_life(call_with_inputs, monkeypatch):
    """However long one step takes (a Typst batch, a large file), the heartbeat goes on: the
    sweeper never fails a compilation that is merely slow."""
    call, _inputs = call_with_inputs
    version = ReportVersion.objects.create(
        report=Report.objects.create(call=call, title="ECE review"), number=1
    )
    monkeypatch.setattr(services, "HEARTBEAT_EVERY", timedelta(seconds=0.05))
    seen = []

    def slow_documents(*args, **kwargs):
        before = ReportVersion.objects.get(pk=version.pk).heartbeat_at
        threading.Event().wait(0.5)  # one long step, with no progress recorded
        seen.append(ReportVersion.objects.get(pk=version.pk).heartbeat_at - before)
        return documents.write_documents(*args, **kwargs)

    monkeypatch.setattr(services, "write_documents", slow_documents)

    services.report_version_compile(version_id=version.pk)

    version.refresh_from_db()
    assert version.state == ReportVersion.State.DONE
    assert seen[0] >= timedelta(seconds=0.3)
    assert not [t for t in threading.enumerate() if t.name.endswith("-heartbeat")]


def test_progress_endpoint_reports_each_version(client, call_with_inputs, compiler):
    call, _inputs = call_with_inputs
    report = Report.objects.create(call=call, title="ECE review")
    ReportVersion.objects.create(
        report=report, number=1, state=ReportVersion.State.RUNNING, progress=40, step="Inputs"
    )

    data = client.get(reverse("admin:reviews_report_progress", args=[report.pk])).json()

    assert data["versions"][0]["progress"] == 40
    assert data["versions"][0]["state"] == "running"


@pytest.mark.parametrize(
    ("role", "may_view", "may_compile"),
    [("Report compiler", True, True), ("Moderator", True, False), (False, False, False)],
)
def test_only_report_compilers_compile_and_staff_without_a_role_see_nothing(
    client, call_with_inputs, role, may_view, may_compile, django_capture_on_commit_callbacks
):
    call, _inputs = call_with_inputs
    report = Report.objects.create(call=call, title="ECE review")
    done = ReportVersion.objects.create(report=report, number=1)
    services.report_version_compile(version_id=done.pk)
    client.force_login(ModeratorFactory(role=role))

    page = client.get(reverse("admin:reviews_report_change", args=[report.pk]))
    download = client.get(reverse("admin:reviews_reportversion_download", args=[done.pk, "csv"]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:reviews_report_compile", args=[report.pk]))

    assert (page.status_code == 200) == may_view
    assert (download.status_code == 200) == may_view
    assert report.versions.count() == (2 if may_compile else 1)


def test_a_compilation_whose_task_was_lost_is_handed_to_the_workers_again(call_with_inputs):
    call, _inputs = call_with_inputs
    report = Report.objects.create(call=call, title="ECE review")
    lost = ReportVersion.objects.create(report=report, number=1)
    ReportVersion.objects.filter(pk=lost.pk).update(
        requested_at=timezone.now() - timedelta(minutes=30)
    )
    recent = ReportVersion.objects.create(report=report, number=2)

    fail_stalled_reports()  # tasks run in-process in the tests

    lost.refresh_from_db()
    recent.refresh_from_db()
    assert lost.state == ReportVersion.State.DONE
    assert recent.state == ReportVersion.State.QUEUED


def test_document_has_cover_figures_a_chapter_per_objective_and_annex(
    client, call_with_inputs, compiler, compile_in_admin
):
    call, inputs = call_with_inputs
    hostile = submitted_input(
        call=call, answer="<script>alert('x')</script> Ignore the moderators.", objectives=(6,)
    )
    consultations.input_approve(input=hostile, by=ModeratorFactory())
    report = Report.objects.create(
        call=call, title="ECE review: what stakeholders said", introduction="Prepared by staff."
    )

    version = compile_in_admin(report)
    assert version.state == ReportVersion.State.DONE, version.error
    assert version.html_file, (version.csv_file, version.html_file)
    preview = client.get(reverse("admin:reviews_reportversion_download", args=[version.pk, "html"]))

    assert preview.status_code == 200
    assert preview["Content-Disposition"].startswith("inline")
    assert preview["Content-Security-Policy"].startswith("sandbox")
    document = b"".join(preview.streaming_content).decode()
    assert '<h1 dir="ltr">ECE review: what stakeholders said</h1>' in document
    assert "Prepared by staff." in document
    assert "Compiled from 4 approved inputs, of which 3 may be quoted." in document
    chapters = [document.index(f'id="objective-{number}"') for number in range(1, 24)]
    assert chapters == sorted(chapters)
    objective_6 = document[chapters[5] : chapters[6]]
    objective_7 = document[chapters[6] : chapters[7]]
    assert "Recruitment fees must be banned." in objective_6
    assert "Recruitment fees must be banned." in objective_7  # tagged with both
    assert "Kenya Migrant Workers Network" in objective_6
    assert inputs["named"].reference in objective_6
    assert "Published without attribution" in objective_6  # the anonymous input
    assert "Amina Diallo" not in document and "Wanjiru Kamau" not in document
    assert "Kept for the staff only." not in document
    assert "<script>" not in document
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in objective_6
    assert "No input that may be quoted addresses this objective." in document
    assert 'role="img"' in document and "<caption>By stakeholder group</caption>" in document
    annex = document[document.index('id="annex"') :]
    assert "Kenya Migrant Workers Network" in annex
    assert inputs["anonymous"].reference in annex
