"""Write services of field work. Each is keyword-only, validates, saves, records the workflow
event and re-checks the actor's scope, in one transaction. The generic pages and API reach them
through the ModelConfig create=/update= adapters in `adapters.py`.

Problems found on an inspection go to the problem ledger, which the enforcement app owns
(`rectify.enforcement.services.problem_record`)."""
from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rectify.core.access.scope import model_allows, restrict, units_for
from rectify.core.audit.events import record_event
from rectify.core.generic.services import ConflictError, ensure_in_scope
from rectify.core.security.validators import validate_not_future
from rectify.enforcement.services import problem_record

from .models import (
    CovertVisit,
    Disposal,
    ExportCheck,
    Inspection,
    InspectionOutcome,
    LedgerEntry,
    Measure,
    Sample,
    TestingInstitution,
)
from .models.inspection import CHECKS
from .models.sampling import OBJECTION_DAYS, Result

MIN_INSPECTORS = 2  # 双随机: at least two inspectors on every inspection


# --- helpers ------------------------------------------------------------------------------------
def require(actor, model, action: str) -> None:
    if not model_allows(actor, model, action):
        raise PermissionDenied(_("您没有此操作的权限。"))


def require_unit(actor, unit) -> None:
    """The actor may enter records on behalf of `unit` (their own or one under it)."""
    if not units_for(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("您不能以该单位的名义填报。"))


def require_visible(actor, obj, label: str) -> None:
    if obj is not None and not restrict(type(obj)._default_manager.filter(pk=obj.pk), actor, "view").exists():
        raise ValidationError(_("%(label)s不在您的数据范围内。") % {"label": label})


def lock(obj, actor, action: str = "change", expected_version: int | None = None):
    """Re-read `obj` for update within the actor's scope, checking the optimistic lock."""
    locked = restrict(type(obj)._default_manager.select_for_update().filter(pk=obj.pk), actor, action).first()
    if locked is None:
        raise PermissionDenied(_("您没有修改此记录的权限。"))
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(_("该记录已被他人修改（当前版本 %(now)s，您编辑的是版本 %(mine)s）。请刷新后重新修改。")
                            % {"now": locked.version, "mine": expected_version}, code="conflict")
    return locked


def not_future(value: datetime.date | None, field: str) -> None:
    """The shared rule (core.security.validators.validate_not_future), reported on `field`: for dates a step
    sets before the record's own validation runs."""
    try:
        validate_not_future(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def save_checked(obj) -> None:
    """full_clean (constraints included) then save, bumping the optimistic-lock version of an update."""
    if obj.pk is not None:
        obj.version += 1
    if hasattr(obj, "fill_scope") and obj.unit_id:
        obj.fill_scope()
    obj.full_clean()
    obj.save()


# --- inspections -------------------------------------------------------------------------------
def validate_inspectors(inspectors: Iterable, staff_dispatched: int | None) -> tuple[list, int]:
    people = list({u.pk: u for u in inspectors}.values())
    if len(people) < MIN_INSPECTORS:
        raise ValidationError({"inspectors": _("排查须由至少两名执法人员进行（当前 %(n)s 名）。") % {"n": len(people)}})
    not_officers = [str(u) for u in people if not u.is_enforcement_officer or not u.is_active]
    if not_officers:
        raise ValidationError({"inspectors": _("以下人员不是在岗执法人员：%(names)s") % {"names": "、".join(not_officers)}})
    staff = len(people) if staff_dispatched is None else staff_dispatched
    if staff < len(people):
        raise ValidationError({"staff_dispatched": _("出动人次不能少于执法人员人数（%(n)s）。") % {"n": len(people)}})
    return people, staff


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
    failed = list(inspection.outcomes.exclude(outcome=InspectionOutcome.Outcome.PASSED).values_list("category__code", "outcome"))
    record_event("inspection.record", inspection, detail={"failed": failed, "problems": len(problems or [])})
    ensure_in_scope(inspection, actor)
    return inspection


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
                       requirement=p["requirement"] or _("按发现的问题限期整改到位。"), deadline=p["deadline"], actor=actor)


@transaction.atomic
def inspection_update(*, inspection: Inspection, data: Mapping[str, Any], actor, outcomes: Mapping | None = None,
                      expected_version: int | None = None) -> Inspection:
    locked = lock(inspection, actor, "change", expected_version)
    data = dict(data)
    inspectors = data.pop("inspectors", None)
    if inspectors is not None or "staff_dispatched" in data:
        people, staff = validate_inspectors(
            inspectors if inspectors is not None else locked.inspectors.all(), data.get("staff_dispatched", locked.staff_dispatched))
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
    return locked


@transaction.atomic
def measure_add(*, inspection: Inspection, kind: str, date: datetime.date, actor, deadline: datetime.date | None = None,
                case_number: str = "", notes: str = "") -> Measure:
    require_visible(actor, inspection, _("排查记录"))
    if kind == Measure.Kind.CASE_OPENED and not case_number:
        raise ValidationError({"case_number": _("立案查处须填写案件编号。")})
    measure = Measure(inspection=inspection, kind=kind, date=date, deadline=deadline, case_number=case_number, notes=notes)
    measure.full_clean()
    measure.save()
    record_event(f"inspection.measure.{kind}", inspection, detail={"measure": measure.pk, "deadline": str(deadline or "")})
    return measure


# --- sampling ------------------------------------------------------------------------------------
SAMPLE_FIELDS = {"task", "quantity", "production_date", "stage", "testing_institution", "report_number", "items_tested",
                 "standard", "failing_items", "notified_on"}


def _ensure_disposal(sample: Sample, actor) -> Disposal | None:
    """A nonconforming final result starts a disposal; a retest that clears the batch removes a
    disposal on which nothing has been done yet (the retest result stands)."""
    existing = Disposal.objects.filter(sample=sample).first()
    if sample.final_result == Result.NONCONFORMING:
        if existing is None:
            existing = Disposal(sample=sample, unit=sample.unit, enterprise=sample.enterprise, category=sample.category,
                                batch_number=sample.batch_number)
            existing.fill_scope()
            existing.full_clean()
            existing.save()
            record_event("disposal.start", existing, detail={"sample": sample.pk})
        return existing
    if existing is not None and not _disposal_started(existing):
        existing.delete()
        record_event("disposal.cancelled", sample, detail={"reason": "final result conforming"})
        return None
    return existing


def _disposal_started(disposal: Disposal) -> bool:
    return any(getattr(disposal, f) for f in ("cause_analysis_on", "recall_ordered_on", "flow_traced_on",
                                              "case_opened_on", "exposed_on", "recall_completed_on"))


def _check_sample(sample: Sample, actor) -> None:
    require_visible(actor, sample.enterprise, _("被抽样企业"))
    require_visible(actor, sample.task, _("抽检任务"))
    not_future(sample.sampled_on, "sampled_on")
    if sample.result == Result.NONCONFORMING and not sample.failing_items.strip():
        raise ValidationError({"failing_items": _("不合格样品须填写不合格项目。")})
    if sample.result == Result.PENDING and sample.notified_on:
        raise ValidationError({"notified_on": _("检验结论出具前不能告知结果。")})
    if sample.notified_on and sample.notified_on < sample.sampled_on:
        raise ValidationError({"notified_on": _("告知日期不能早于抽样日期。")})
    sample.final_result = Sample.standing_result(sample.result, sample.retest_result)


@transaction.atomic
def sample_record(*, unit, enterprise, category, product_name: str, batch_number: str, sampled_on: datetime.date, actor,
                  result: str = Result.PENDING, **fields: Any) -> Sample:
    """Record a sample; other model fields (quantity, testing_institution, report_number,
    failing_items, notified_on...) go in `fields`. A nonconforming result starts a disposal."""
    require(actor, Sample, "add")
    require_unit(actor, unit)
    unknown = set(fields) - SAMPLE_FIELDS
    if unknown:
        raise ValidationError(_("不能在此填写：%(f)s") % {"f": "、".join(sorted(unknown))})
    sample = Sample(unit=unit, enterprise=enterprise, category=category, product_name=product_name,
                    batch_number=batch_number, sampled_on=sampled_on, result=result, **fields)
    _check_sample(sample, actor)
    save_checked(sample)
    record_event("sample.record", sample, detail={"result": result})
    _ensure_disposal(sample, actor)
    ensure_in_scope(sample, actor)
    return sample


@transaction.atomic
def sample_update(*, sample: Sample, data: Mapping[str, Any], actor, expected_version: int | None = None) -> Sample:
    locked = lock(sample, actor, "change", expected_version)
    if "unit" in data and data["unit"] != locked.unit:
        require_unit(actor, data["unit"])
    before = locked.result
    for name, value in data.items():
        setattr(locked, name, value)
    if locked.objection_filed_on and locked.result != before:
        raise ValidationError({"result": _("已提出异议的样品不能修改初检结论，请登记复检结果。")})
    _check_sample(locked, actor)
    save_checked(locked)
    if locked.result != before:
        record_event("sample.result", locked, detail={"from": before, "to": locked.result})
    _ensure_disposal(locked, actor)
    ensure_in_scope(locked, actor)
    return locked


@transaction.atomic
def sample_object(*, sample: Sample, objection_filed_on: datetime.date, actor, notified_on: datetime.date | None = None) -> Sample:
    """The enterprise objects to a nonconforming result and asks for a retest (within 15 days of
    being notified; otherwise the result stands)."""
    locked = lock(sample, actor)
    if notified_on is not None:
        locked.notified_on = notified_on
    if locked.result != Result.NONCONFORMING:
        raise ValidationError(_("只有不合格结论可以提出异议。"))
    if locked.notified_on is None:
        raise ValidationError({"notified_on": _("请先登记结果告知日期。")})
    if locked.objection_filed_on is not None:
        raise ValidationError(_("该样品已提出过异议。"))
    days = (objection_filed_on - locked.notified_on).days
    if days < 0:
        raise ValidationError({"objection_filed_on": _("异议日期不能早于告知日期。")})
    if days > OBJECTION_DAYS:
        raise ValidationError({"objection_filed_on": _("异议须在收到检验结果之日起%(n)s日内提出（已逾%(d)s日），原结论成立。")
                               % {"n": OBJECTION_DAYS, "d": days}})
    not_future(objection_filed_on, "objection_filed_on")
    locked.objection_filed_on = objection_filed_on
    save_checked(locked)
    record_event("sample.objection", locked, detail={"filed_on": objection_filed_on.isoformat(), "days": days})
    return locked


@transaction.atomic
def sample_retest(*, sample: Sample, retest_result: str, retested_on: datetime.date, actor,
                  retest_report_number: str = "") -> Sample:
    """Record the retest; its result stands (and clears or starts the disposal)."""
    locked = lock(sample, actor)
    if locked.objection_filed_on is None:
        raise ValidationError(_("未提出异议的样品不能复检。"))
    if retest_result not in (Result.CONFORMING, Result.NONCONFORMING):
        raise ValidationError({"retest_result": _("复检结论须为合格或不合格。")})
    if retested_on < locked.objection_filed_on:
        raise ValidationError({"retested_on": _("复检日期不能早于异议日期。")})
    not_future(retested_on, "retested_on")
    locked.retest_result, locked.retested_on, locked.retest_report_number = retest_result, retested_on, retest_report_number
    locked.final_result = Sample.standing_result(locked.result, retest_result)
    save_checked(locked)
    record_event("sample.retest", locked, detail={"result": retest_result})
    _ensure_disposal(locked, actor)
    return locked


# --- disposal ------------------------------------------------------------------------------------
# step -> (date field, {value name: field}, required values)
DISPOSAL_STEPS: dict[str, tuple[str, dict[str, str], set[str]]] = {
    "cause_analysis": ("cause_analysis_on", {"text": "cause_analysis"}, {"text"}),
    "recall_ordered": ("recall_ordered_on", {"quantity": "quantity_to_recall"}, {"quantity"}),
    "recall_returned": ("recall_completed_on", {"quantity": "quantity_returned"}, {"quantity"}),
    "flow_traced": ("flow_traced_on", {"text": "flow_trace_notes"}, set()),
    "case_opened": ("case_opened_on", {"case_number": "case_number"}, {"case_number"}),
    "exposed": ("exposed_on", {"text": "exposure_notes"}, set()),
}


@transaction.atomic
def disposal_step(*, disposal: Disposal, step: str, on: datetime.date, actor, **values: Any) -> Disposal:
    """Record one dated step of the disposal (see DISPOSAL_STEPS for the values each takes)."""
    if step not in DISPOSAL_STEPS:
        raise ValidationError(_("未知的处置步骤：%(s)s") % {"s": step})
    date_field, names, required = DISPOSAL_STEPS[step]
    unknown = set(values) - set(names)
    missing = {n for n in required if values.get(n) in (None, "")}
    if unknown or missing:
        raise ValidationError(_("处置步骤“%(s)s”的参数有误：缺少 %(m)s，多余 %(u)s")
                              % {"s": step, "m": "、".join(sorted(missing)) or "—", "u": "、".join(sorted(unknown)) or "—"})
    locked = lock(disposal, actor)
    if on < locked.sample.sampled_on:
        raise ValidationError({date_field: _("处置日期不能早于抽样日期。")})
    not_future(on, date_field)
    if step == "recall_returned" and locked.quantity_to_recall is None:
        raise ValidationError(_("请先登记责令召回及应召回数量。"))
    setattr(locked, date_field, on)
    for name, value in values.items():
        setattr(locked, names[name], value)
    save_checked(locked)
    record_event(f"disposal.{step}", locked, detail={"on": on.isoformat(), **{k: str(v) for k, v in values.items()}})
    return locked


# --- export checks, recalls, ledgers -----------------------------------------------------------
@transaction.atomic
def export_check_record(*, unit, declaration_number: str, checked_on: datetime.date, exporter, category,
                        batches_checked: int, destination_country: str, actor, batches_nonconforming: int = 0,
                        producer=None, certification_body=None, certification_body_text: str = "",
                        action_taken: str = ExportCheck.Action.RELEASED, product_name: str = "", notes: str = "") -> ExportCheck:
    require(actor, ExportCheck, "add")
    require_unit(actor, unit)
    check = ExportCheck(unit=unit)
    _export_apply(check, actor, {
        "declaration_number": declaration_number.strip(), "checked_on": checked_on, "exporter": exporter, "producer": producer,
        "category": category, "batches_checked": batches_checked, "batches_nonconforming": batches_nonconforming,
        "destination_country": destination_country, "certification_body": certification_body,
        "certification_body_text": certification_body_text, "action_taken": action_taken, "product_name": product_name,
        "notes": notes,
    })
    record_event("export_check.record", check, detail={"nonconforming": batches_nonconforming})
    ensure_in_scope(check, actor)
    return check


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
def export_check_update(*, check: ExportCheck, data: Mapping[str, Any], actor, expected_version: int | None = None) -> ExportCheck:
    locked = lock(check, actor, "change", expected_version)
    if "unit" in data and data["unit"] != locked.unit:
        require_unit(actor, data["unit"])
    _export_apply(locked, actor, data)
    ensure_in_scope(locked, actor)
    return locked


@transaction.atomic
def ledger_import(*, unit, rows: Iterable[Mapping[str, Any]], actor) -> int:
    """Import purchase/sales ledger rows (already resolved: seller, buyer or buyer_name,
    product_name, category, batch_number, quantity, traded_on). All or nothing."""
    require(actor, LedgerEntry, "add")
    require_unit(actor, unit)
    entries, errors = [], []
    for number, row in enumerate(rows, start=2):  # row 1 is the header of the sheet
        entry = LedgerEntry(unit=unit, **row)
        try:
            require_visible(actor, entry.seller, _("销售方"))
            entry.fill_scope()
            entry.full_clean(exclude=["unit", "region", "county"])
        except ValidationError as exc:
            errors.append(_("第%(n)s行：%(e)s") % {"n": number, "e": "；".join(exc.messages)})
            continue
        entries.append(entry)
    if errors:
        raise ValidationError(errors[:50])
    LedgerEntry.objects.bulk_create(entries, batch_size=5000)
    record_event("ledger.import", None, detail={"unit": unit.code, "rows": len(entries)})
    return len(entries)


# --- covert visits, directory ----------------------------------------------------------------------
def require_provincial(actor, what: str) -> None:
    unit = getattr(actor, "unit", None)
    if unit is None or not unit.is_provincial or not (unit.is_office or unit.department.line == "market"):
        raise PermissionDenied(_("%(what)s由省专项办或省市场监管局维护。") % {"what": what})


@transaction.atomic
def covert_visit_update(*, visit: CovertVisit, data: Mapping[str, Any], actor, expected_version: int | None = None) -> CovertVisit:
    """Only the provincial group edits a visit; the city answers through covert_visit_respond."""
    require_provincial(actor, _("明察暗访记录"))
    locked = lock(visit, actor, "change", expected_version)
    for name, value in data.items():
        setattr(locked, name, value)
    save_checked(locked)
    ensure_in_scope(locked, actor)
    return locked


@transaction.atomic
def covert_visit_respond(*, visit: CovertVisit, response: str, responded_on: datetime.date, actor) -> CovertVisit:
    """The visited city's office (or the provincial office) records the city's rectification response."""
    unit = getattr(actor, "unit", None)
    locked = lock(visit, actor, "view")  # the visit is the province's; the city only answers it
    if unit is None or not unit.is_office or not (unit.is_provincial_office or locked.visited_city_id in unit.covered_city_ids()):
        raise PermissionDenied(_("只有被检查市的专项办可以反馈整改情况。"))
    if not response.strip():
        raise ValidationError({"response": _("请填写整改反馈。")})
    if responded_on < locked.start_date:
        raise ValidationError({"responded_on": _("反馈日期不能早于检查日期。")})
    not_future(responded_on, "responded_on")
    locked.response, locked.responded_on = response.strip(), responded_on
    save_checked(locked)
    record_event("covert_visit.respond", locked, detail={"on": responded_on.isoformat(), "late": bool(
        locked.response_due and responded_on > locked.response_due)})
    return locked


@transaction.atomic
def institution_save(*, data: Mapping[str, Any], actor, institution: TestingInstitution | None = None,
                     expected_version: int | None = None) -> TestingInstitution:
    require_provincial(actor, _("检验检测认证机构名录"))
    if institution is None:
        require(actor, TestingInstitution, "add")
        obj = TestingInstitution()
    else:
        obj = lock(institution, actor, "change", expected_version)
    for name, value in data.items():
        setattr(obj, name, value)
    if "unit" in data:
        require_unit(actor, obj.unit)
    save_checked(obj)
    ensure_in_scope(obj, actor)
    return obj
