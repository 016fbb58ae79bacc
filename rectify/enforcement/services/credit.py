"""Credit after a penalty (信用记录): an entry of the abnormal-operation list or the serious-violation
list, with its restrictions and end date, sets the enterprise's credit status, which the registry,
the risk score and the public enterprise check read. The status is the gravest list in force:
written here on every write of a credit record, and announced to the risk score."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models, transaction

from rectify.core.clock import today
from rectify.core.generic.services import lock_for_write, object_create, object_update
from rectify.enterprises.models import Enterprise
from rectify.enterprises.signals import risk_inputs_changed

from ..models import CreditRecord

GRAVITY = {CreditRecord.Kind.SERIOUS: "serious", CreditRecord.Kind.ABNORMAL: "abnormal"}


def credit_standing(enterprise_id: int, day=None) -> str:
    """The enterprise's credit status from its list entries in force on `day` (Beijing today)."""
    day = day or today()
    kinds = {r.kind for r in CreditRecord.objects.filter(enterprise_id=enterprise_id, kind__in=CreditRecord.LISTS)
             if r.in_force(day)}
    for kind, status in GRAVITY.items():
        if kind in kinds:
            return status
    return "normal"


def sync_credit_status(enterprise_ids) -> None:
    """Write each enterprise's credit status from its records, and tell the risk score of a change."""
    changed = []
    for enterprise in Enterprise.objects.filter(pk__in={i for i in enterprise_ids if i}):
        status = credit_standing(enterprise.pk)
        if enterprise.credit_status != status:
            enterprise.credit_status = status
            enterprise.save(update_fields=["credit_status", "updated_at"])
            changed.append(enterprise.pk)
    if changed:
        risk_inputs_changed.send(sender=CreditRecord, enterprise_ids=changed)


@transaction.atomic
def credit_record_create(*, model: type[models.Model], data: Mapping[str, Any], actor) -> CreditRecord:
    """ModelConfig.create: a credit record; a list entry sets the enterprise's credit status."""
    record = object_create(model=model, data=dict(data), actor=actor)
    sync_credit_status([record.enterprise_id])
    return record


@transaction.atomic
def credit_record_update(*, obj: CreditRecord, data: Mapping[str, Any], actor,
                         expected_version: int | None = None) -> CreditRecord:
    """ModelConfig.update: an entry moved, ended or re-dated sets the status of the enterprises concerned."""
    before = lock_for_write(CreditRecord, obj.pk, actor, "change").enterprise_id
    record = object_update(obj=obj, data=dict(data), actor=actor, expected_version=expected_version)
    sync_credit_status([before, record.enterprise_id])
    return record
