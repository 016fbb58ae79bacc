"""The disposal of a nonconforming sample (不合格产品核查处置), one dated step after another: the
workflow's steps (rectify/fieldwork/workflows.py) and the edit page keep the same rules. Recording
the flow trace tells the cities the batch reached (tracing.py)."""
from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rectify.core.audit.events import record_event
from rectify.core.clock import today
from rectify.core.generic.services import ensure_in_scope, lock_for_write
from rectify.core.workflow.engine import Outcome, perform

from ..models import Disposal
from .common import not_future, save_checked
from .tracing import tell_downstream

# step -> (date field, {value name: field}, required values)
DISPOSAL_STEPS: dict[str, tuple[str, dict[str, str], set[str]]] = {
    "cause_analysis": ("cause_analysis_on", {"text": "cause_analysis"}, {"text"}),
    "recall_ordered": ("recall_ordered_on", {"quantity": "quantity_to_recall"}, {"quantity"}),
    "recall_returned": ("recall_completed_on", {"quantity": "quantity_returned"}, {"quantity"}),
    "flow_traced": ("flow_traced_on", {"text": "flow_trace_notes"}, set()),
    "case_opened": ("case_opened_on", {"case_number": "case_number"}, {"case_number"}),
    "exposed": ("exposed_on", {"text": "exposure_notes"}, set()),
}


def _check_steps(disposal: Disposal, dated: set[str]) -> None:
    """The rules of the steps, whichever way they are recorded: a step dated now (its date field
    in `dated`) is not before sampling nor in the future, and carries its required values; the
    returns of a recall are recorded only once the recall is ordered with its quantity, and not
    before that order."""
    sampled_on = disposal.sample.sampled_on
    errors: dict[str, list[str]] = {}
    for date_field, names, required in DISPOSAL_STEPS.values():
        on = getattr(disposal, date_field)
        if on is None or date_field not in dated:
            continue
        not_future(on, date_field)
        if on < sampled_on:
            errors.setdefault(date_field, []).append(_("处置日期不能早于抽样日期。"))
        for name in sorted(required):
            field = Disposal._meta.get_field(names[name])
            if getattr(disposal, field.name) in (None, ""):
                errors.setdefault(field.name, []).append(
                    _("登记了“%(date)s”，须同时填写“%(value)s”。")
                    % {"date": Disposal._meta.get_field(date_field).verbose_name, "value": field.verbose_name})
    if errors:
        raise ValidationError(errors)
    returns = disposal.recall_completed_on is not None or disposal.quantity_returned is not None
    if returns and (disposal.recall_ordered_on is None or disposal.quantity_to_recall is None):
        raise ValidationError(_("请先登记责令召回及应召回数量。"))
    if (disposal.recall_completed_on and disposal.recall_ordered_on
            and disposal.recall_completed_on < disposal.recall_ordered_on):
        raise ValidationError({"recall_completed_on": _("召回完成日期不能早于责令召回日期。")})


def disposal_step(*, disposal: Disposal, step: str, on: datetime.date | None = None, actor,
                  **values: Any) -> Disposal:
    """Record one dated step of the disposal (see DISPOSAL_STEPS for the values each takes), as the
    workflow's step of that name."""
    if step not in DISPOSAL_STEPS:
        raise ValidationError(_("未知的处置步骤：%(s)s") % {"s": step})
    perform(disposal, step, actor=actor, values={**values, **({"on": on} if on else {})})
    return Disposal.objects.get(pk=disposal.pk)


def step_body(step: str) -> Callable[[Disposal, Any, dict[str, Any]], Outcome | None]:
    """The body of a dated step: its date (today unless given) and values, under the steps' rules."""
    date_field, names, _required = DISPOSAL_STEPS[step]

    def run(disposal: Disposal, actor, values: dict[str, Any]) -> Outcome | None:
        setattr(disposal, date_field, values.get("on") or today())
        for name, field in names.items():
            if name in values:
                setattr(disposal, field, values[name].strip() if isinstance(values[name], str) else values[name])
        _check_steps(disposal, {date_field})
        disposal.full_clean()
        if step == "flow_traced":
            return tell_downstream_body(disposal, actor, values)
        return None
    return run


def tell_downstream_body(disposal: Disposal, actor, values: dict[str, Any]) -> Outcome:
    """Trace the batch down the ledgers and tell the cities it reached (通报下游地市)."""
    told = tell_downstream(disposal=disposal, actor=actor)
    return Outcome(detail={"told_cities": "、".join(sorted({str(u.region) for u in told}))})


@transaction.atomic
def disposal_update(*, obj: Disposal, data: Mapping[str, Any], actor,
                    expected_version: int | None = None) -> Disposal:
    """Edit the disposal page (ModelConfig.update) under the rules of the steps; each newly dated
    step is recorded as its workflow event, as disposal_step records it, and a flow trace dated
    here tells the downstream cities as the step does."""
    locked = lock_for_write(type(obj), obj.pk, actor, "change", expected_version)
    started = {step: getattr(locked, spec[0]) for step, spec in DISPOSAL_STEPS.items()}
    for name, value in data.items():
        setattr(locked, name, value)
    dated = {date_field for step, (date_field, _names, _required) in DISPOSAL_STEPS.items()
             if getattr(locked, date_field) != started[step]}
    _check_steps(locked, dated)
    save_checked(locked)
    for step, (date_field, _names, _required) in DISPOSAL_STEPS.items():
        if started[step] is None and getattr(locked, date_field) is not None:
            record_event(f"disposal.{step}", locked, detail={"on": getattr(locked, date_field).isoformat()})
            if step == "flow_traced":
                tell_downstream(disposal=locked, actor=actor)
    ensure_in_scope(locked, actor)
    return locked
