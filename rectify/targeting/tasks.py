"""Background work of targeting. The receivers (receivers.py) enqueue these after commit; with no
broker the settings run them in-process (eager). Each is idempotent, so a retry does no harm."""
from __future__ import annotations

from celery import shared_task

from rectify.accounts.models import User
from rectify.core.current import acting_as
from rectify.fieldwork.models import ExportCheck, Sample

from .services import check_export, check_sample, export_check_screen, risk_recompute, risk_recompute_all


def _user(user_id: int | None):
    return User.objects.filter(pk=user_id).first() if user_id else None


@shared_task(acks_late=True)
def risk_recompute_task(enterprise_ids: list[int]) -> int:
    return risk_recompute(enterprise_ids=enterprise_ids)


@shared_task(acks_late=True)
def risk_recompute_all_task() -> int:
    """Nightly (beat): the factors counted over a window of days move with the date, and rows
    written outside the services (the demo seed, a shell) announce nothing."""
    return risk_recompute_all()


@shared_task(acks_late=True)
def sample_check_task(sample_id: int, user_id: int | None = None) -> int | None:
    sample = Sample.objects.select_related("unit__region", "unit__department", "testing_institution", "enterprise",
                                           "category").filter(pk=sample_id).first()
    if sample is None:
        return None
    with acting_as(_user(user_id), request_id=f"sample-check-{sample_id}"):
        check = check_sample(sample)
    return check.pk if check else None


@shared_task(acks_late=True)
def export_check_task(check_id: int, user_id: int | None = None) -> list[int]:
    check = ExportCheck.objects.select_related("unit__region", "unit__department", "producer", "exporter", "enterprise",
                                               "category", "certification_body").filter(pk=check_id).first()
    if check is None:
        return []
    with acting_as(_user(user_id), request_id=f"export-screen-{check_id}"):
        flags = export_check_screen(check=check)
        check_export(check)
    return [f.pk for f in flags]
