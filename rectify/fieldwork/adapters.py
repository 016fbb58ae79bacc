"""Adapters between the generic pages/API (ModelConfig create=/update=: `(*, model, data, actor)`
and `(*, obj, data, actor, expected_version)`) and this app's services."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from rectify.core.audit.events import record_event
from rectify.core.generic.services import ensure_in_scope, object_create

from . import services
from .models.sampling import Result


def _outcomes(value: Any) -> dict | None:
    """{category id: outcome} from the form's dict or the API's [{"category": id, "outcome": ...}]."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return {getattr(k, "pk", k): v for k, v in value.items()}
    return {getattr(row["category"], "pk", row["category"]): row["outcome"] for row in value}


def inspection_create(*, model, data: Mapping[str, Any], actor):
    data = dict(data)
    checks = {k: data.pop(k) for k in list(data) if k.startswith("check_")}
    return services.inspection_record(
        unit=data.pop("unit"), enterprise=data.pop("enterprise"), date=data.pop("date"),
        inspectors=data.pop("inspectors", []), outcomes=_outcomes(data.pop("outcomes", None)) or {},
        staff_dispatched=data.pop("staff_dispatched", None), checks=checks, notes=data.pop("notes", ""),
        problems=data.pop("problems", None), actor=actor,
    )


def inspection_update(*, obj, data: Mapping[str, Any], actor, expected_version: int | None = None):
    data = dict(data)
    outcomes = _outcomes(data.pop("outcomes", None))
    data.pop("problems", None)  # problems are added to the ledger once, at recording
    return services.inspection_update(inspection=obj, data=data, outcomes=outcomes, actor=actor,
                                      expected_version=expected_version)


def measure_create(*, model, data: Mapping[str, Any], actor):
    return services.measure_add(actor=actor, **data)


def sample_create(*, model, data: Mapping[str, Any], actor):
    data = dict(data)
    main = {k: data.pop(k) for k in ("unit", "enterprise", "category", "product_name", "batch_number", "sampled_on")}
    return services.sample_record(actor=actor, result=data.pop("result", Result.PENDING), **main, **data)


def sample_update(*, obj, data: Mapping[str, Any], actor, expected_version: int | None = None):
    return services.sample_update(sample=obj, data=data, actor=actor, expected_version=expected_version)


@transaction.atomic
def disposal_update(*, obj, data: Mapping[str, Any], actor, expected_version: int | None = None):
    """Editing the disposal page: each newly dated step is recorded as its workflow event."""
    locked = services.lock(obj, actor, "change", expected_version)
    started = {step: getattr(locked, spec[0]) for step, spec in services.DISPOSAL_STEPS.items()}
    for name, value in data.items():
        setattr(locked, name, value)
    for date_field, _names, _required in services.DISPOSAL_STEPS.values():
        services.not_future(getattr(locked, date_field), date_field)
    services.save_checked(locked)
    for step, (date_field, _names, _required) in services.DISPOSAL_STEPS.items():
        if started[step] is None and getattr(locked, date_field) is not None:
            record_event(f"disposal.{step}", locked, detail={"on": getattr(locked, date_field).isoformat()})
    ensure_in_scope(locked, actor)
    return locked


def export_check_create(*, model, data: Mapping[str, Any], actor):
    return services.export_check_record(actor=actor, **data)


def export_check_update(*, obj, data: Mapping[str, Any], actor, expected_version: int | None = None):
    return services.export_check_update(check=obj, data=data, actor=actor, expected_version=expected_version)


def covert_visit_create(*, model, data: Mapping[str, Any], actor):
    services.require_provincial(actor, "明察暗访记录")
    visit = object_create(model=model, data=data, actor=actor)
    record_event("covert_visit.record", visit, detail={"city": visit.visited_city.code})
    return visit


def covert_visit_update(*, obj, data: Mapping[str, Any], actor, expected_version: int | None = None):
    return services.covert_visit_update(visit=obj, data=data, actor=actor, expected_version=expected_version)


def institution_create(*, model, data: Mapping[str, Any], actor):
    return services.institution_save(data=data, actor=actor)


def institution_update(*, obj, data: Mapping[str, Any], actor, expected_version: int | None = None):
    return services.institution_save(institution=obj, data=data, actor=actor, expected_version=expected_version)


