"""Samples (抽检): recording and editing, then the steps of the sampling workflow — the result, its
notice to the enterprise, the enterprise's objection within 15 days and the retest. A nonconforming
final result starts a disposal (disposal.py takes it from there)."""
from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from rectify.core.audit.events import record_event
from rectify.core.clock import today
from rectify.core.generic.services import ensure_in_scope, lock_for_write, require_unit, require_visible
from rectify.core.workflow.engine import Outcome, perform
from rectify.core.workflow.notices import announce
from rectify.enterprises.signals import risk_inputs_changed

from ..models import Disposal, Sample
from ..models.sampling import OBJECTION_DAYS, Result
from ..signals import sample_reported
from .common import not_future, require, save_checked

SAMPLE_FIELDS = {"task", "quantity", "production_date", "stage", "testing_institution", "report_number",
                 "items_tested", "standard", "failing_items", "notified_on"}


def _ensure_disposal(sample: Sample, actor) -> Disposal | None:
    """A nonconforming final result starts a disposal; a retest that clears the batch removes a
    disposal on which nothing has been done yet (the retest result stands)."""
    existing = Disposal.objects.filter(sample=sample).first()
    if sample.final_result == Result.NONCONFORMING:
        if existing is None:
            existing = Disposal(sample=sample, unit=sample.unit, enterprise=sample.enterprise,
                                category=sample.category, batch_number=sample.batch_number)
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


def _announce(sample: Sample, actor, enterprise_ids: list[int | None]) -> None:
    """Tell the apps above what changed: the enterprises' risk inputs, and a test report to check
    once both its number and its institution are entered."""
    risk_inputs_changed.send(sender=Sample, enterprise_ids=enterprise_ids)
    if sample.report_number and sample.testing_institution_id:
        sample_reported.send(sender=Sample, sample=sample, actor=actor)


@transaction.atomic
def sample_record(*, unit, enterprise, category, product_name: str, batch_number: str, sampled_on: datetime.date,
                  actor, result: str = Result.PENDING, **fields: Any) -> Sample:
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
    _announce(sample, actor, [sample.enterprise_id])
    return sample


def sample_create(*, model: type[models.Model], data: Mapping[str, Any], actor) -> Sample:
    """ModelConfig.create: the generic add page and API record through sample_record."""
    data = dict(data)
    main = {k: data.pop(k) for k in ("unit", "enterprise", "category", "product_name", "batch_number", "sampled_on")}
    return sample_record(actor=actor, result=data.pop("result", Result.PENDING), **main, **data)


@transaction.atomic
def sample_update(*, obj: Sample, data: Mapping[str, Any], actor, expected_version: int | None = None) -> Sample:
    """Edit a sample (ModelConfig.update). Once the result is notified, the objection period runs
    from that date: neither the result nor the date changes by an edit any more (a result under
    objection is changed by the retest only)."""
    locked = lock_for_write(type(obj), obj.pk, actor, "change", expected_version)
    if "unit" in data and data["unit"] != locked.unit:
        require_unit(actor, data["unit"])
    before, enterprise_before, notified_before = locked.result, locked.enterprise_id, locked.notified_on
    for name, value in data.items():
        setattr(locked, name, value)
    if locked.objection_filed_on and locked.result != before:
        raise ValidationError({"result": _("已提出异议的样品不能修改初检结论，请登记复检结果。")})
    if notified_before is not None and locked.notified_on != notified_before:
        raise ValidationError({"notified_on": _("结果告知日期已登记，不能修改：异议期限自该日起算。")})
    if notified_before is not None and locked.result != before:
        raise ValidationError({"result": _("已告知企业的检验结论不能修改；企业有异议的，请登记异议和复检结果。")})
    _check_sample(locked, actor)
    save_checked(locked)
    if locked.result != before:
        record_event("sample.result", locked, detail={"from": before, "to": locked.result})
    _ensure_disposal(locked, actor)
    ensure_in_scope(locked, actor)
    _announce(locked, actor, [enterprise_before, locked.enterprise_id])
    return locked


# -- the workflow's steps (rectify/fieldwork/workflows.py): who may take them, from which state and until
# when is declared there; the bodies below do what each step does besides the state and its event.

def sample_result(*, sample: Sample, result: str, actor, failing_items: str = "", report_number: str = "") -> Sample:
    """The lab's conclusion on a pending sample (合格 / 不合格); a nonconforming one starts a disposal."""
    step = "nonconforming" if result == Result.NONCONFORMING else "conforming"
    values = {"failing_items": failing_items} if step == "nonconforming" else {}
    if report_number:
        values["report_number"] = report_number
    perform(sample, step, actor=actor, values=values)
    return Sample.objects.get(pk=sample.pk)


def result_body(result: str) -> Callable[[Sample, Any, dict[str, Any]], None]:
    """The body of the result step giving `result`."""
    def run(sample: Sample, actor, values: dict[str, Any]) -> None:
        sample.result = result
        sample.failing_items = values.get("failing_items", "").strip() if result == Result.NONCONFORMING else ""
        if values.get("report_number"):
            sample.report_number = values["report_number"].strip()
        _check_sample(sample, actor)
        sample.full_clean()
        disposal = _ensure_disposal(sample, actor)
        if disposal is not None:
            announce(disposal, actor)
        _announce(sample, actor, [sample.enterprise_id])
    return run


def sample_notify(*, sample: Sample, actor, notified_on: datetime.date | None = None) -> Sample:
    """The nonconforming result is notified to the enterprise: its objection period starts."""
    perform(sample, "notify", actor=actor, values={"notified_on": notified_on} if notified_on else {})
    return Sample.objects.get(pk=sample.pk)


def notify_body(sample: Sample, actor, values: dict[str, Any]) -> None:
    on = values.get("notified_on") or today()
    not_future(on, "notified_on")
    if on < sample.sampled_on:
        raise ValidationError({"notified_on": _("告知日期不能早于抽样日期。")})
    sample.notified_on = on


@transaction.atomic
def sample_object(*, sample: Sample, objection_filed_on: datetime.date, actor,
                  notified_on: datetime.date | None = None) -> Sample:
    """The enterprise objects to a nonconforming result and asks for a retest (within 15 days of
    being notified; otherwise the result stands). `notified_on` records the notice first when it
    is not recorded yet."""
    if notified_on is not None:
        current = Sample.objects.filter(pk=sample.pk).values_list("notified_on", flat=True).first()
        if current is None:
            sample_notify(sample=sample, notified_on=notified_on, actor=actor)
        elif current != notified_on:
            raise ValidationError({"notified_on": _("结果已于%(d)s告知，告知日期不能在登记异议时更改。")
                                   % {"d": current.isoformat()}})
    perform(sample, "object", actor=actor, values={"objection_filed_on": objection_filed_on})
    return Sample.objects.get(pk=sample.pk)


def objection_window_open(sample: Sample) -> bool:
    """Today is within the 15 days after the notice (the last day included)."""
    return sample.notified_on is not None and today() <= objection_due(sample)


def objection_due(sample: Sample) -> datetime.date | None:
    return sample.notified_on + datetime.timedelta(days=OBJECTION_DAYS) if sample.notified_on else None


def object_body(sample: Sample, actor, values: dict[str, Any]) -> Outcome:
    filed_on = values["objection_filed_on"]
    if filed_on < sample.notified_on:
        raise ValidationError({"objection_filed_on": _("异议日期不能早于告知日期。")})
    not_future(filed_on, "objection_filed_on")
    sample.objection_filed_on = filed_on
    return Outcome(detail={"filed_on": filed_on.isoformat(), "days": str((filed_on - sample.notified_on).days)})


def sample_retest(*, sample: Sample, retest_result: str, retested_on: datetime.date, actor,
                  retest_report_number: str = "") -> Sample:
    """Record the retest; its result stands (and clears or starts the disposal)."""
    values = {"retest_result": retest_result, "retested_on": retested_on}
    if retest_report_number:
        values["retest_report_number"] = retest_report_number
    perform(sample, "retest", actor=actor, values=values)
    return Sample.objects.get(pk=sample.pk)


def retest_body(sample: Sample, actor, values: dict[str, Any]) -> Outcome:
    retest_result, retested_on = values["retest_result"], values["retested_on"]
    if retest_result not in (Result.CONFORMING, Result.NONCONFORMING):
        raise ValidationError({"retest_result": _("复检结论须为合格或不合格。")})
    if retested_on < sample.objection_filed_on:
        raise ValidationError({"retested_on": _("复检日期不能早于异议日期。")})
    not_future(retested_on, "retested_on")
    sample.retest_result, sample.retested_on = retest_result, retested_on
    sample.retest_report_number = values.get("retest_report_number", "").strip()
    sample.final_result = Sample.standing_result(sample.result, retest_result)
    sample.full_clean()
    disposal = _ensure_disposal(sample, actor)
    if disposal is not None:
        announce(disposal, actor)
    risk_inputs_changed.send(sender=Sample, enterprise_ids=[sample.enterprise_id])
    return Outcome(detail={"result": retest_result})
