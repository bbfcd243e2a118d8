"""Celery tasks of the reviews app: thin wrappers around its services."""

from celery import shared_task

from .services import report_version_compile, reports_fail_stalled


@shared_task(name="reviews.compile_report", acks_late=True)
def compile_report(version_id: int) -> str:
    """Compile one report version; a second delivery of the same task does nothing."""
    return report_version_compile(version_id=version_id).state


@shared_task(name="reviews.fail_stalled_reports")
def fail_stalled_reports() -> int:
    """Beat runs this every few minutes: no compilation stays "running" after its worker died."""
    return reports_fail_stalled()
