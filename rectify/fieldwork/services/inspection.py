"""Inspections (排查): the inspectors, an outcome per product category, the measures taken.

Problems found on an inspection go to the problem ledger, which the enforcement app owns
(`rectify.enforcement.services.problem_record`)."""
from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from rectify.core.audit.events import record_event
from rectify.core.generic.services import ensure_in_scope, lock_for_write, require_unit, require_visible
from rectify.enforcement.services import problem_record
from rectify.enterprises.signals import risk_inputs_changed

from ..models import Inspection, InspectionOutcome, Measure
from ..models.inspection import CHECKS
from .common import not_future, require, save_checked

MIN_INSPECTORS = 2  # 双随机: at least two inspectors on every inspection


def validate_inspectors(inspectors: Iterable, staff_dispatched: int | None) -> tuple[list, int]:
    people = list({u.pk: u for u in inspectors}.values())
    if len(people) < MIN_INSPECTORS:
        raise ValidationError({"inspectors": _("排查须由至少两名执法人员进行（当前 %(n)s 名）。") % {"n": len(people)}})
    not_officers = [str(u) for u in people if not u.is_enforcement_officer or not u.is_active]
    if not_officers:
        raise ValidationError({"inspectors": _("以下人员不是在岗执法人员：%(names)s")
                               % {"names": "、".join(not_officers)}})
    staff = len(people) if staff_dispatched is None else staff_dispatched
    if staff < len(people):
        raise ValidationError({"staff_dispatched": _("出动人次不能少于执法人员人数（%(n)s）。") % {"n": len(people)}})
    return people, staff


def _outcomes(value: Any) -> dict | None:
    """{category id: outcome} from the form's dict or the API's [{"category": id, "outcome": ...}]."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return {getattr(k, "pk", k): v for k, v in value.items()}
    return {getattr(row["category"], "pk", row["category"]): row["outcome"] for row in value}


def _sync_outcomes(inspection: Inspection, outcomes: Mapping | None) -> None:
    """Replace the outcome rows when `outcomes` ({category: outcome}) is given; always copy the
    inspection's enterprise, date and scope onto them (the denormalised columns 附件1 counts)."""
    denorm = {"enterprise_id": inspection.enterprise_id, "date": inspection.date, "region_id": inspection.region_id,
              "county_id": inspection.county_id, "line": inspection.line}
    if outcomes is None:
        stale = inspection.outcomes.exclude(**denorm)
        if stale.exists():
            stale.update(**denorm)
        return
    if not outcomes:
        raise ValidationError(_("请至少填写一个产品类别的排查结果。"))
    valid = set(InspectionOutcome.Outcome.values)
    for outcome in outcomes.values():
        if outcome not in valid:
            raise ValidationError(_("无效的排查结果：%(o)s") % {"o": outcome})
    current = {o.category_id: o for o in inspection.outcomes.all()}
    wanted = {getattr(c, "pk", c): o for c, o in outcomes.items()}
    inspection.outcomes.filter(category_id__in=set(current) - set(wanted)).delete()
    for category_id, outcome in wanted.items():
        row = current.get(category_id) or InspectionOutcome(inspection=inspection, category_id=category_id)
        if row.pk is None or row.outcome != outcome or any(getattr(row, k) != v for k, v in denorm.items()):
            row.outcome = outcome
            for key, value in denorm.items():
                setattr(row, key, value)
            row.save()


@transaction.atomic
def inspection_record(
    *, unit, enterprise, date: datetime.date, inspectors: Iterable, outcomes: Mapping, actor,
    staff_dispatched: int | None = None, checks: Mapping[str, bool] | None = None, notes: str = "",
    problems: list[dict[str, Any]] | None = None, measures: list[dict[str, Any]] | None = None,
) -> Inspection:
    """Record an inspection with its outcome per category ({category or id: outcome}), optional
    problems for the ledger and measures taken."""
    require(actor, Inspection, "add")
    require_unit(actor, unit)
    require_visible(actor, enterprise, _("被查企业"))
    not_future(date, "date")
    people, staff = validate_inspectors(inspectors, staff_dispatched)
    known = {name for name, _label in CHECKS}
    unknown = set(checks or {}) - known
    if unknown:
        raise ValidationError(_("未知的检查项：%(k)s") % {"k": "、".join(sorted(unknown))})
    inspection = Inspection(unit=unit, enterprise=enterprise, date=date, staff_dispatched=staff, notes=notes,
                            **{k: bool(v) for k, v in (checks or {}).items()})
    save_checked(inspection)
    inspection.inspectors.set(people)
    _sync_outcomes(inspection, outcomes)
    for measure in measures or []:
        measure_add(inspection=inspection, actor=actor, **measure)
    _problems(inspection, problems or [], actor)
    failed = list(inspection.outcomes.exclude(outcome=InspectionOutcome.Outcome.PASSED)
                  .values_list("category__code", "outcome"))
    record_event("inspection.record", inspection, detail={"failed": failed, "problems": len(problems or [])})
    ensure_in_scope(inspection, actor)
    risk_inputs_changed.send(sender=InspectionOutcome, enterprise_ids=[inspection.enterprise_id])
    return inspection


def inspection_create(*, model: type[models.Model], data: Mapping[str, Any], actor) -> Inspection:
    """ModelConfig.create: the generic add page and API record through inspection_record."""
    data = dict(data)
    checks = {k: data.pop(k) for k in list(data) if k.startswith("check_")}
    return inspection_record(
        unit=data.pop("unit"), enterprise=data.pop("enterprise"), date=data.pop("date"),
        inspectors=data.pop("inspectors", []), outcomes=_outcomes(data.pop("outcomes", None)) or {},
        staff_dispatched=data.pop("staff_dispatched", None), checks=checks, notes=data.pop("notes", ""),
        problems=data.pop("problems", None), actor=actor,
    )


def _problems(inspection: Inspection, problems: list[dict[str, Any]], actor) -> None:
    """Hand the problems to the enforcement ledger."""
    cleaned = []
    for problem in problems:
        description = (problem.get("description") or "").strip()
        if not description:
            raise ValidationError(_("问题描述不能为空。"))
        cleaned.append({"description": description, "requirement": (problem.get("requirement") or "").strip(),
                        "deadline": problem.get("deadline")})
    for p in cleaned:
        # The ledger requires 整改要求 while the inspection form leaves it optional: without this
        # default an inspection with a problem but no requirement could not be saved at all.
        problem_record(source="inspection", source_object=inspection, unit=inspection.unit,
                       enterprise=inspection.enterprise, description=p["description"],
                       requirement=p["requirement"] or _("按发现的问题限期整改到位。"), deadline=p["deadline"],
                       actor=actor)


@transaction.atomic
def inspection_update(*, obj: Inspection, data: Mapping[str, Any], actor,
                      expected_version: int | None = None) -> Inspection:
    """Edit an inspection (ModelConfig.update). `outcomes` in `data` ({category or id: outcome},
    or the API's list) replaces the outcome rows."""
    locked = lock_for_write(type(obj), obj.pk, actor, "change", expected_version)
    before = locked.enterprise_id
    data = dict(data)
    outcomes = _outcomes(data.pop("outcomes", None))
    data.pop("problems", None)  # problems are added to the ledger once, at recording
    inspectors = data.pop("inspectors", None)
    if inspectors is not None or "staff_dispatched" in data:
        people, staff = validate_inspectors(inspectors if inspectors is not None else locked.inspectors.all(),
                                            data.get("staff_dispatched", locked.staff_dispatched))
        data["staff_dispatched"] = staff
    if "enterprise" in data:
        require_visible(actor, data["enterprise"], _("被查企业"))
    if "unit" in data and data["unit"] != locked.unit:
        require_unit(actor, data["unit"])
    not_future(data.get("date"), "date")
    for name, value in data.items():
        setattr(locked, name, value)
    save_checked(locked)
    if inspectors is not None:
        locked.inspectors.set(people)
    _sync_outcomes(locked, outcomes)
    ensure_in_scope(locked, actor)
    risk_inputs_changed.send(sender=InspectionOutcome, enterprise_ids=[before, locked.enterprise_id])
    return locked


@transaction.atomic
def measure_add(*, inspection: Inspection, kind: str, date: datetime.date, actor,
                deadline: datetime.date | None = None, case_number: str = "", notes: str = "") -> Measure:
    require_visible(actor, inspection, _("排查记录"))
    if kind == Measure.Kind.CASE_OPENED and not case_number:
        raise ValidationError({"case_number": _("立案查处须填写案件编号。")})
    measure = Measure(inspection=inspection, kind=kind, date=date, deadline=deadline, case_number=case_number,
                      notes=notes)
    measure.full_clean()
    measure.save()
    record_event(f"inspection.measure.{kind}", inspection,
                 detail={"measure": measure.pk, "deadline": str(deadline or "")})
    return measure


def measure_create(*, model: type[models.Model], data: Mapping[str, Any], actor) -> Measure:
    """ModelConfig.create: the generic add page and API go through measure_add."""
    return measure_add(actor=actor, **data)
