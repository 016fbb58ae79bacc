"""Fast-track evidence testing (快鉴快检): the handling side of a case sends its evidence to a testing
institution of the directory with a deadline, and records the result (the workflow's step), which
the case's page shows. Field work sits above enforcement in the layers, so the case is read here,
never the other way round."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from rectify.core.clock import today
from rectify.core.generic.services import lock_for_write, object_create, object_update
from rectify.core.workflow.engine import Outcome, perform
from rectify.enforcement.models import Case

from ..models import FastTest
from .common import not_future

CLOSED = (Case.Status.CLOSED, Case.Status.TRANSFERRED)


def _check_case(case: Case | None, actor) -> None:
    if case is None:
        return
    locked = lock_for_write(Case, case.pk, actor, "change")  # the case's handling side sends its evidence
    if locked.status in CLOSED:
        raise ValidationError({"case": _("案件“%(case)s”%(status)s，不能再送检。")
                               % {"case": locked, "status": locked.get_status_display()}})


@transaction.atomic
def fast_test_create(*, model: type[models.Model], data: Mapping[str, Any], actor) -> FastTest:
    """ModelConfig.create: a request of an open case the actor handles."""
    _check_case(data.get("case"), actor)
    return object_create(model=model, data=dict(data), actor=actor)


@transaction.atomic
def fast_test_update(*, obj: FastTest, data: Mapping[str, Any], actor,
                     expected_version: int | None = None) -> FastTest:
    """ModelConfig.update: moved to another case, that case must be open too."""
    locked = lock_for_write(FastTest, obj.pk, actor, "change")
    if "case" in data and data["case"] != locked.case and (expected_version is None
                                                           or locked.version == expected_version):
        _check_case(data["case"], actor)
    return object_update(obj=locked, data=dict(data), actor=actor, expected_version=expected_version)


def fast_test_result(*, test: FastTest, actor, result: str, findings: str, report_number: str = "",
                     result_on=None) -> FastTest:
    """Record the institution's result (the workflow's step)."""
    values = {"result": result, "findings": findings, "report_number": report_number,
              **({"result_on": result_on} if result_on else {})}
    perform(test, "result", actor=actor, values=values)
    return FastTest.objects.get(pk=test.pk)


def result_body(test: FastTest, actor, values: dict[str, Any]) -> Outcome:
    on = values.get("result_on") or today()
    not_future(on, "result_on")
    if on < test.requested_on:
        raise ValidationError({"result_on": _("出具结果日期不能早于送检日期（%(d)s）。") % {"d": test.requested_on}})
    test.result, test.result_on = values["result"], on
    test.report_number = (values.get("report_number") or "").strip()
    test.findings = values["findings"].strip()
    test.full_clean()
    return Outcome(detail={"result": test.result, "on": on.isoformat(), "late": str(on > test.deadline)})
