"""Hooks into other apps' records without touching their services: these receivers only
*enqueue* work after the transaction commits; the rules live in targeting.services.

- risk inputs (complaints, samples, inspection outcomes, export checks, qualifications, the
  enterprise itself) → recompute the enterprise's risk (one task per transaction, ids merged);
- a sample's test report (number + institution) → certificate check;
- an export check → white/negative-list screening and a check of the named certification body."""
from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from rectify.core.current import current_actor
from rectify.enforcement.models import Complaint
from rectify.enterprises.models import Enterprise, Qualification
from rectify.fieldwork.models import ExportCheck, InspectionOutcome, Sample

from . import tasks

RISK_INPUTS = (Complaint, Sample, InspectionOutcome, ExportCheck, Qualification)


def enqueue_risk(enterprise_ids) -> None:
    """Collect ids on the connection and recompute after commit. Every call registers a flush,
    but the first flush to run takes all pending ids and the rest find nothing: an import of
    10,000 rows in one transaction is one recompute, not 10,000. Ids left by a rolled-back
    transaction are recomputed with the next one — harmless, the recompute is idempotent."""
    ids = {i for i in enterprise_ids if i}
    if not ids:
        return
    conn = transaction.get_connection()
    pending = getattr(conn, "_targeting_risk_pending", None)
    if pending is None:
        pending = conn._targeting_risk_pending = set()
    pending.update(ids)

    def flush() -> None:
        todo = sorted(conn._targeting_risk_pending)
        conn._targeting_risk_pending.clear()
        if todo:
            tasks.risk_recompute_task.delay(todo)

    transaction.on_commit(flush)


def _enterprise_ids(instance) -> list[int]:
    if isinstance(instance, ExportCheck):
        return [instance.enterprise_id, instance.producer_id, instance.exporter_id]
    return [getattr(instance, "enterprise_id", None)]


def _risk_input_changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    enqueue_risk(_enterprise_ids(instance))


for model in RISK_INPUTS:
    post_save.connect(_risk_input_changed, sender=model, dispatch_uid=f"targeting_risk_save_{model.__name__}")
    post_delete.connect(_risk_input_changed, sender=model, dispatch_uid=f"targeting_risk_delete_{model.__name__}")


@receiver(post_save, sender=Enterprise, dispatch_uid="targeting_risk_enterprise")
def _enterprise_saved(sender, instance: Enterprise, raw: bool = False, **kwargs) -> None:
    if not raw:
        enqueue_risk([instance.pk])


@receiver(post_save, sender=Sample, dispatch_uid="targeting_sample_check")
def _sample_saved(sender, instance: Sample, raw: bool = False, **kwargs) -> None:
    if raw or not (instance.report_number and instance.testing_institution_id):
        return
    pk, user_id = instance.pk, current_actor().user_id
    transaction.on_commit(lambda: tasks.sample_check_task.delay(pk, user_id))


@receiver(post_save, sender=ExportCheck, dispatch_uid="targeting_export_screen")
def _export_saved(sender, instance: ExportCheck, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    pk, user_id = instance.pk, current_actor().user_id
    transaction.on_commit(lambda: tasks.export_check_task.delay(pk, user_id))
