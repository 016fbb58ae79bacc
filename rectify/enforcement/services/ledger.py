"""The problem ledger (问题清单台账). `problem_record` is the entry point other apps call (the
field-work inspection service records what its inspections find)."""
from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from rectify.core.generic.services import ensure_in_scope, require_unit
from rectify.core.workflow.engine import perform

from ..models import Problem
from .common import event, today

P = Problem.Status


@transaction.atomic
def problem_record(*, unit, source: str, description: str, requirement: str, deadline: datetime.date,
                   enterprise=None, actor, source_object: models.Model | None = None) -> Problem:
    """Put a problem on the owner unit's ledger. `source` is a Problem.Source value
    (inspection/visit/complaint/sample/other); `source_object` the record it was found in."""
    require_unit(actor, unit)
    problem = Problem(unit=unit, source=source, description=description, requirement=requirement,
                      deadline=deadline, enterprise=enterprise)
    if source_object is not None:
        problem.source_type = ContentType.objects.get_for_model(source_object)
        problem.source_id = str(source_object.pk)
    problem.full_clean()
    problem.save()
    ensure_in_scope(problem, actor)
    event(actor, "problem.record", problem, detail={"source": source})
    return problem


def problem_create(*, model, data: dict, actor) -> Problem:
    data = {k: v for k, v in data.items() if k in {"unit", "source", "description", "requirement", "deadline",
                                                  "enterprise"}}
    return problem_record(actor=actor, **data)


STEP_TO = {P.RECTIFYING: "rectifying", P.DONE: "done", P.VERIFIED: "verify"}


def problem_set_status(*, problem: Problem, status: str, actor, rectification: str = "",
                       evidence=None) -> Problem:
    """open → rectifying → done (with evidence or a description of the rectification) → verified
    (销号, by an office); done may go back to rectifying when verification fails."""
    if status not in STEP_TO:
        raise ValidationError(_("问题不能变更为“%(to)s”。") % {"to": status})
    values = {"rectification": rectification, "evidence": evidence}
    perform(problem, STEP_TO[status], actor=actor, values={k: v for k, v in values.items() if v not in (None, "")})
    return Problem.objects.get(pk=problem.pk)


def rectify_body(problem: Problem, actor, values: dict) -> None:
    if values.get("rectification"):
        problem.rectification = values["rectification"]
    if values.get("evidence") is not None:
        problem.evidence = values["evidence"]


def done_body(problem: Problem, actor, values: dict) -> None:
    rectify_body(problem, actor, values)
    if not (problem.rectification or problem.evidence):
        raise ValidationError({"rectification": _("整改完成须填写整改情况或上传佐证材料。")})
    problem.full_clean()


def verify_body(problem: Problem, actor, values: dict) -> None:
    problem.closed_on = today()
