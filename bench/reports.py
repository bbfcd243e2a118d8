"""Time and peak memory of compiling a report, per format (run on demand, not in tests).

Usage, on PostgreSQL with synthetic data (see bench/README.md):

    DATABASE_URL=postgres://… .venv/bin/python bench/reports.py --call ECE

Compiles one new version of a report of the call's approved inputs (`--language fr`: only those
in French) in this process, as a worker does, and prints how long each part took (the HTML, PDF
and DOCX are written in one pass; the time of each writer is shown) and the process's peak
resident memory during it (sampled every 20 ms from /proc, so that measuring does not slow
what is measured), with the peak of this process and its children (Typst's) together, and the
size of each file.
"""

import argparse
import itertools
import os
import resource
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmportal.settings.local")

import django

django.setup()

from consultations.models import Call  # noqa: E402
from reviews import documents, services  # noqa: E402
from reviews.models import Report, ReportVersion  # noqa: E402
from stakeholders.models import Language  # noqa: E402

PARTS = {
    "figures": "report_figures",
    "files": "_write_files",
    # Within the files: written while Typst typesets the PDF's last batches.
    "CSV + XLSX": "_write_tables",
}
# Within the files' one pass, the time each writer takes (reading the database is the rest).
WRITERS = {"HTML": documents.HtmlWriter, "PDF": documents.PdfWriter, "DOCX": documents.DocxWriter}
# Within the PDF writer's time: waiting for Typst's batches at the end, and binding them.
PDF_STEPS = {"PDF waits": "_wait", "PDF binding": "_bind"}
writer_seconds: dict[str, float] = {}
measured: dict[str, tuple[float, int]] = {}
progress: list[int] = []


PAGE = os.sysconf("SC_PAGE_SIZE")
current_part = {"name": None}
peaks: dict[str, int] = {}


def resident_bytes(pid: str = "self") -> int:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * PAGE
    except (FileNotFoundError, ProcessLookupError):  # a child that has just ended
        return 0


def children_resident_bytes() -> int:
    """The resident memory of this process's children (Typst's) at this moment."""
    total = 0
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/children") as children:
                total += sum(resident_bytes(pid) for pid in children.read().split())
        except FileNotFoundError:  # a thread that has just ended
            continue
    return total


def sample_memory(stop: threading.Event) -> None:
    while not stop.is_set():
        name = current_part["name"]
        if name:
            parent = resident_bytes()
            peaks[name] = max(peaks.get(name, 0), parent)
            peaks["job"] = max(peaks.get("job", 0), parent + children_resident_bytes())
        time.sleep(0.02)


def measure(name: str, function):
    """The same function, timed, with the resident memory sampled while it runs."""

    def measured_function(*args, **kwargs):
        outer, current_part["name"] = current_part["name"], name
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            measured[name] = (time.perf_counter() - started, peaks.get(name, 0))
            current_part["name"] = outer

    return measured_function


def timed_method(name: str, writer_class, method: str) -> None:
    """Add the time of the writer's calls of `method` to writer_seconds[name]."""
    original = getattr(writer_class, method)

    def timed(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            writer_seconds[name] = writer_seconds.get(name, 0) + time.perf_counter() - started

    setattr(writer_class, method, timed)


def timed_writer(name: str, writer_class) -> None:
    """Add the time of the writer's add() and finish() calls to writer_seconds[name]."""
    for method in ("add", "finish"):
        timed_method(name, writer_class, method)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--call", default="ECE")
    parser.add_argument("--language", help="only the inputs in this language (a smaller report)")
    args = parser.parse_args()

    call = Call.objects.filter(code=args.call).order_by("pk").first()
    title = f"Benchmark report of {call.code}" + (f" ({args.language})" if args.language else "")
    report, _created = Report.objects.get_or_create(call=call, title=title)
    if args.language:
        report.languages.set(Language.objects.filter(code=args.language))
    approved = services.report_inputs(report).count()
    for name, writer_class in WRITERS.items():
        timed_writer(name, writer_class)
    for name, method in PDF_STEPS.items():
        timed_method(name, documents.PdfWriter, method)
    number = report.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = ReportVersion.objects.create(report=report, number=number + 1)
    for name, attribute in PARTS.items():
        setattr(services, attribute, measure(name, getattr(services, attribute)))
    original_progress = services._progress

    def recording_progress(version, percent, step):
        progress.append(percent)
        original_progress(version, percent, step)

    services._progress = recording_progress

    stop = threading.Event()
    sampler = threading.Thread(target=sample_memory, args=(stop,), daemon=True)
    sampler.start()
    started = time.perf_counter()
    version = services.report_version_compile(version_id=version.pk)
    total = time.perf_counter() - started
    stop.set()

    print(
        f"call {call.code}: {approved} approved inputs; version {version.number}: {version.state}"
    )
    print(f"{'part':12} {'seconds':>8} {'peak resident MiB':>18}")
    for name in ("figures", "files"):
        seconds, peak = measured[name]
        print(f"{name:12} {seconds:8.1f} {peak / 2**20:18.1f}")
        if name == "files":
            for writer in WRITERS:
                print(f"  {writer:10} {writer_seconds.get(writer, 0):8.1f}")
                if writer == "PDF":
                    for step in PDF_STEPS:
                        print(f"    {step:12} {writer_seconds.get(step, 0):6.1f}")
            tables = measured["CSV + XLSX"][0]
            print(f"  {'CSV + XLSX':10} {tables:8.1f}")
            writing = sum(writer_seconds.get(writer, 0) for writer in WRITERS) + tables
            print(f"  {'reading':10} {seconds - writing:8.1f}")
    print(f"{'all':12} {total:8.1f}")
    steps = [b - a for a, b in itertools.pairwise([*progress, 100])]
    print(f"progress updates: {len(progress)}, largest step {max(steps, default=0)}%")
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak resident memory: {peak_rss:.0f} MiB")
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"largest child process (Typst) peak resident memory: {child_rss:.0f} MiB")
    job = peaks.get("job", 0) / 2**20
    print(f"job's peak resident memory (this process and its children together): {job:.0f} MiB")
    for _format, field in version.files():
        stored = getattr(version, field)
        print(f"{field}: {stored.size / 2**20:.1f} MiB" if stored else f"{field}: none")


if __name__ == "__main__":
    main()
