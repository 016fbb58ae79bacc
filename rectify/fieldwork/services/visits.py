"""Covert visits (明察暗访): the provincial group records them, the visited city answers."""
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from rectify.core.audit.events import record_event
from rectify.core.generic.services import ensure_in_scope, object_create

from ..models import CovertVisit
from .common import lock, not_future, require_provincial, save_checked


def covert_visit_create(*, model: type[models.Model], data: Mapping[str, Any], actor) -> CovertVisit:
    """ModelConfig.create: only the provincial group records a visit."""
    require_provincial(actor, _("明察暗访记录"))
    visit = object_create(model=model, data=data, actor=actor)
    record_event("covert_visit.record", visit, detail={"city": visit.visited_city.code})
    return visit


@transaction.atomic
def covert_visit_update(*, obj: CovertVisit, data: Mapping[str, Any], actor,
                        expected_version: int | None = None) -> CovertVisit:
    """Only the provincial group edits a visit; the city answers through covert_visit_respond."""
    require_provincial(actor, _("明察暗访记录"))
    locked = lock(obj, actor, "change", expected_version)
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
    answering = unit is not None and unit.is_office and (
        unit.is_provincial_office or locked.visited_city_id in unit.covered_city_ids())
    if not answering:
        raise PermissionDenied(_("只有被检查市的专项办可以反馈整改情况。"))
    if not response.strip():
        raise ValidationError({"response": _("请填写整改反馈。")})
    if responded_on < locked.start_date:
        raise ValidationError({"responded_on": _("反馈日期不能早于检查日期。")})
    not_future(responded_on, "responded_on")
    locked.response, locked.responded_on = response.strip(), responded_on
    save_checked(locked)
    late = bool(locked.response_due and responded_on > locked.response_due)
    record_event("covert_visit.respond", locked, detail={"on": responded_on.isoformat(), "late": late})
    return locked
