"""Export checks (出口检验): recorded by customs about an exporter and, when known, the producer."""
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from rectify.core.audit.events import record_event
from rectify.core.generic.services import ensure_in_scope, lock_for_write, require_unit, require_visible
from rectify.enterprises.signals import risk_inputs_changed

from ..models import ExportCheck
from ..signals import export_check_recorded
from .common import not_future, require, save_checked


def _enterprise_ids(check: ExportCheck) -> list[int | None]:
    return [check.enterprise_id, check.producer_id, check.exporter_id]


@transaction.atomic
def export_check_record(*, unit, declaration_number: str, checked_on: datetime.date, exporter, category,
                        batches_checked: int, destination_country: str, actor, batches_nonconforming: int = 0,
                        producer=None, certification_body=None, certification_body_text: str = "",
                        action_taken: str = ExportCheck.Action.RELEASED, product_name: str = "",
                        notes: str = "") -> ExportCheck:
    require(actor, ExportCheck, "add")
    require_unit(actor, unit)
    check = ExportCheck(unit=unit)
    _export_apply(check, actor, {
        "declaration_number": declaration_number.strip(), "checked_on": checked_on, "exporter": exporter,
        "producer": producer, "category": category, "batches_checked": batches_checked,
        "batches_nonconforming": batches_nonconforming, "destination_country": destination_country,
        "certification_body": certification_body, "certification_body_text": certification_body_text,
        "action_taken": action_taken, "product_name": product_name, "notes": notes,
    })
    record_event("export_check.record", check, detail={"nonconforming": batches_nonconforming})
    ensure_in_scope(check, actor)
    risk_inputs_changed.send(sender=ExportCheck, enterprise_ids=_enterprise_ids(check))
    export_check_recorded.send(sender=ExportCheck, check=check, actor=actor)
    return check


def export_check_create(*, model: type[models.Model], data: Mapping[str, Any], actor) -> ExportCheck:
    """ModelConfig.create: the generic add page and API record through export_check_record."""
    return export_check_record(actor=actor, **data)


def _export_apply(check: ExportCheck, actor, data: Mapping[str, Any]) -> None:
    for name, value in data.items():
        setattr(check, name, value)
    for label, enterprise in ((_("出口企业"), check.exporter), (_("生产企业"), check.producer)):
        require_visible(actor, enterprise, label)
    not_future(check.checked_on, "checked_on")
    if check.batches_nonconforming and check.action_taken == ExportCheck.Action.RELEASED:
        raise ValidationError({"action_taken": _("存在不合格批次的货物不能直接放行。")})
    # 附件1 counts the producer when known, else the exporter.
    check.enterprise = check.producer or check.exporter
    save_checked(check)


@transaction.atomic
def export_check_update(*, obj: ExportCheck, data: Mapping[str, Any], actor,
                        expected_version: int | None = None) -> ExportCheck:
    """Edit an export check (ModelConfig.update)."""
    locked = lock_for_write(type(obj), obj.pk, actor, "change", expected_version)
    before = _enterprise_ids(locked)
    if "unit" in data and data["unit"] != locked.unit:
        require_unit(actor, data["unit"])
    _export_apply(locked, actor, data)
    ensure_in_scope(locked, actor)
    risk_inputs_changed.send(sender=ExportCheck, enterprise_ids=[*before, *_enterprise_ids(locked)])
    export_check_recorded.send(sender=ExportCheck, check=locked, actor=actor)
    return locked
