"""Celery tasks of the stakeholders app: thin wrappers around its services."""

from celery import shared_task

from .services import accounts_erasure_complete_unfinished


@shared_task(name="stakeholders.complete_interrupted_erasures")
def complete_interrupted_erasures() -> int:
    """Beat runs this every few minutes: an erasure a crash interrupted is carried out."""
    return accounts_erasure_complete_unfinished()
