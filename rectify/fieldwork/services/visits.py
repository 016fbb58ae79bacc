"""Covert visits (明察暗访): the provincial group records them, the visited city's office answers
(反馈整改情况), the provincial office verifies the answer (核查销号) or returns it. Who may take
each step and when is declared in rectify/fieldwork/workflows.py."""
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from rectify.core.audit.events import record_event
from rectify.core.clock import today
from rectify.core.generic.services import ensure_in_scope, lock_for_write, object_create
from rectify.core.workflow.engine import Outcome, perform

from ..models import CovertVisit
from .common import not_future, require_provincial_office_or_market_bureau, save_checked


def covert_visit_create(*, model: type[models.Model], data: Mapping[str, Any], actor) -> CovertVisit:
    """ModelConfig.create: only the provincial group records a visit."""
    require_provincial_office_or_market_bureau(actor, _("明察暗访记录"))
    visit = object_create(model=model, data=data, actor=actor)
    record_event("covert_visit.record", visit, detail={"city": visit.visited_city.code})
    return visit


@transaction.atomic
def covert_visit_update(*, obj: CovertVisit, data: Mapping[str, Any], actor,
                        expected_version: int | None = None) -> CovertVisit:
    """Only the provincial group edits a visit; the city answers through covert_visit_respond."""
    require_provincial_office_or_market_bureau(actor, _("明察暗访记录"))
    locked = lock_for_write(type(obj), obj.pk, actor, "change", expected_version)
    for name, value in data.items():
        setattr(locked, name, value)
    save_checked(locked)
    ensure_in_scope(locked, actor)
    return locked


def covert_visit_respond(*, visit: CovertVisit, response: str, actor,
                         responded_on: datetime.date | None = None) -> CovertVisit:
    """The visited city's office records the city's rectification response (the workflow's step)."""
    values = {"response": response, **({"responded_on": responded_on} if responded_on else {})}
    perform(visit, "respond", actor=actor, values=values)
    return CovertVisit.objects.get(pk=visit.pk)


def respond_body(visit: CovertVisit, actor, values: dict[str, Any]) -> Outcome:
    responded_on = values.get("responded_on") or today()
    if responded_on < visit.start_date:
        raise ValidationError({"responded_on": _("反馈日期不能早于检查日期。")})
    not_future(responded_on, "responded_on")
    visit.response, visit.responded_on = values["response"].strip(), responded_on
    visit.full_clean()
    late = bool(visit.response_due and responded_on > visit.response_due)
    return Outcome(detail={"on": responded_on.isoformat(), "late": str(late)})


def covert_visit_verify(*, visit: CovertVisit, actor, note: str = "",
                        verified_on: datetime.date | None = None) -> CovertVisit:
    """The provincial office verifies the city's rectification (核查销号)."""
    values = {"note": note, **({"verified_on": verified_on} if verified_on else {})}
    perform(visit, "verify", actor=actor, values={k: v for k, v in values.items() if v})
    return CovertVisit.objects.get(pk=visit.pk)


def _follow(visit: CovertVisit, line: str) -> None:
    visit.follow_up = f"{visit.follow_up}\n{line}".strip()


def verify_body(visit: CovertVisit, actor, values: dict[str, Any]) -> None:
    on = values.get("verified_on") or today()
    if on < visit.responded_on:
        raise ValidationError({"verified_on": _("核查日期不能早于反馈日期。")})
    not_future(on, "verified_on")
    visit.verified_on = on
    if values.get("note", "").strip():
        _follow(visit, _("%(d)s 核查：%(t)s") % {"d": on.isoformat(), "t": values["note"].strip()})
    visit.full_clean()


def covert_visit_return(*, visit: CovertVisit, reason: str, actor) -> CovertVisit:
    """The provincial office finds the response wanting and returns it: the city answers again."""
    perform(visit, "return", actor=actor, values={"reason": reason})
    return CovertVisit.objects.get(pk=visit.pk)


def return_body(visit: CovertVisit, actor, values: dict[str, Any]) -> None:
    # The response stays on the record (and in the event of the step that gave it) until the city
    # answers again; only its date goes, which reopens the city's step.
    visit.responded_on = None
    _follow(visit, _("%(d)s 退回重新整改：%(t)s") % {"d": today().isoformat(), "t": values["reason"].strip()})
    visit.full_clean()
