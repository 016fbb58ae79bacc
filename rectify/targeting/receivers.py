"""What targeting does when the apps below it announce a change (they may not import targeting, so
their services send the signals of `rectify.enterprises.signals` and `rectify.fieldwork.signals`
and these receivers, connected in TargetingConfig.ready, answer them). A receiver only *enqueues*
work after the transaction commits; the rules live in targeting.services.

- risk inputs changed (complaints, samples, inspection outcomes, export checks, qualifications, the
  enterprise itself; one record or a whole import) → recompute the enterprises' risk, one task per
  transaction with the ids merged;
- a record deleted through the generic delete (core's `changed_with_reason`, with what the
  deletion took along) → the same, for the enterprises of the risk inputs it removed;
- a sample's test report (number + institution) → certificate check;
- an export check → white/negative-list screening and a check of the named certification body."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Model

from rectify.core.dispatch import dispatch
from rectify.core.generic.services import changed_with_reason
from rectify.enforcement.models import Complaint
from rectify.enterprises.models import Qualification
from rectify.enterprises.signals import risk_inputs_changed
from rectify.fieldwork.models import ExportCheck, InspectionOutcome, Sample
from rectify.fieldwork.signals import export_check_recorded, sample_reported

from . import tasks

RISK_INPUTS = (Complaint, Sample, InspectionOutcome, ExportCheck, Qualification)


class _RiskFlush:
    """The risk recompute of one transaction, registered with on_commit by its first announcement;
    every later announcement of the same transaction adds its ids until it runs."""

    def __init__(self, ids: set[int]) -> None:
        self.ids, self.done = ids, False

    def __call__(self) -> None:
        self.done = True
        dispatch(tasks.risk_recompute_task, sorted(self.ids))


def enqueue_risk(enterprise_ids: Iterable[int | None]) -> None:
    """Recompute these enterprises after commit, in one task per transaction: an import of 10,000
    rows is one recompute, not 10,000. The pending ids live in the flush on the connection's
    on-commit list, which a rollback empties of what the rolled-back block registered, so nothing
    of a rolled-back transaction is left over for the next one (ids a rolled-back savepoint added to
    an outer flush are recomputed with it: harmless, the recompute is idempotent)."""
    ids = {i for i in enterprise_ids if i}
    if not ids:
        return
    conn = transaction.get_connection()
    if conn.in_atomic_block:
        for _savepoints, callback, _robust in conn.run_on_commit:
            if isinstance(callback, _RiskFlush) and not callback.done:
                callback.ids.update(ids)
                return
    transaction.on_commit(_RiskFlush(ids))


def _actor_id(actor: Any) -> int | None:
    """The acting user's id for the task to act as; None for the system or a public intake."""
    return actor.pk if getattr(actor, "is_authenticated", False) else None


def on_risk_inputs_changed(sender: Any, enterprise_ids: Iterable[int | None], **kwargs: Any) -> None:
    enqueue_risk(enterprise_ids)


def _enterprise_ids(row: Model) -> list[int | None]:
    if isinstance(row, ExportCheck):
        return [row.enterprise_id, row.producer_id, row.exporter_id]
    return [row.enterprise_id]


def on_deleted(sender: Any, kind: str, objects: Iterable[Model], **kwargs: Any) -> None:
    if kind == "deleted":
        enqueue_risk(i for row in objects if isinstance(row, RISK_INPUTS) for i in _enterprise_ids(row))


def on_sample_reported(sender: Any, sample: Sample, actor: Any, **kwargs: Any) -> None:
    pk, user_id = sample.pk, _actor_id(actor)
    transaction.on_commit(lambda: dispatch(tasks.sample_check_task, pk, user_id))


def on_export_check_recorded(sender: Any, check: ExportCheck, actor: Any, **kwargs: Any) -> None:
    pk, user_id = check.pk, _actor_id(actor)
    transaction.on_commit(lambda: dispatch(tasks.export_check_task, pk, user_id))


def connect() -> None:
    risk_inputs_changed.connect(on_risk_inputs_changed, dispatch_uid="targeting_risk_inputs")
    changed_with_reason.connect(on_deleted, dispatch_uid="targeting_risk_deleted")
    sample_reported.connect(on_sample_reported, dispatch_uid="targeting_sample_check")
    export_check_recorded.connect(on_export_check_recorded, dispatch_uid="targeting_export_screen")
