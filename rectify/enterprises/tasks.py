"""Background work of the enterprise registry. With no broker configured the settings make
Celery run these in-process (eager), so the same code path serves both."""
from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from rectify.core.current import acting_as

from .models import ImportJob
from .services import import_job_check, import_job_commit


@shared_task(acks_late=True)
def import_check_task(job_id: int) -> str:
    """Check (preview) an uploaded list. Idempotent: a job past the check is left alone."""
    job = ImportJob.objects.select_related("unit__region", "unit__department", "created_by").filter(pk=job_id).first()
    if job is None or job.status not in (ImportJob.Status.PENDING, ImportJob.Status.VALIDATING):
        return job.status if job else "missing"
    with acting_as(job.created_by, request_id=f"import-check-{job_id}"):
        return import_job_check(job).status


# A database that went away mid-import (restart, failover) rolled the transaction back: the task
# runs again whole after 2, 4, 8 … (at most 60) seconds, for about ten minutes in all.
@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=2,
             retry_backoff_max=60, retry_jitter=False, max_retries=12)
def import_commit_task(job_id: int) -> str:
    """Apply a checked list in one transaction. Idempotent: a job already done is not applied
    again, and a retried job after a crash re-applies from scratch (the crashed transaction was
    rolled back; rows are keyed on the credit code)."""
    job = ImportJob.objects.select_related("unit__region", "unit__department", "created_by").filter(pk=job_id).first()
    if job is None:
        return "missing"
    with acting_as(job.created_by, request_id=f"import-commit-{job_id}"):
        return import_job_commit(job=job, actor=job.created_by).status
