"""The phases' deliverables: the catalogue rows and each city's progress on them.

A deliverable is opened for every active city office when it is created (one row per city, so the
province's grid and every city's work desk have it at once); its due date is copied to the rows and
moved with it. The city office reports its deliverable done with its evidence (报告完成), the
provincial office confirms it (确认完成) or returns it with a reason (退回); the steps are declared in
organisations/workflows.py and taken through `core.workflow.engine.perform`."""
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from rectify.core.clock import today
from rectify.core.generic.services import object_create, object_update
from rectify.core.workflow.engine import Outcome, perform
from rectify.core.workflow.notices import announce

from .evidence import figures_text
from .models import CityDeliverable, Deliverable, Unit


def city_offices() -> models.QuerySet:
    """The working-group offices of the cities, each keeping its city's deliverables."""
    return (Unit.objects.filter(is_office=True, region__level="city", is_active=True)
            .select_related("region", "department").order_by("region__code"))


def deliverable_open_for_cities(*, deliverable: Deliverable) -> list[CityDeliverable]:
    """Give every city office that has none its row of `deliverable`; returns the rows made."""
    held = set(deliverable.city_rows.values_list("region_id", flat=True))
    rows = [CityDeliverable(deliverable=deliverable, unit=office, due=deliverable.due)
            for office in city_offices() if office.region_id not in held]
    return CityDeliverable.objects.bulk_create(rows)


@transaction.atomic
def deliverable_create(*, model: type[models.Model], data: Mapping[str, Any], actor) -> Deliverable:
    """ModelConfig.create: the deliverable, and its row for every city office, each office told."""
    deliverable = object_create(model=model, data=dict(data), actor=actor)
    for row in deliverable_open_for_cities(deliverable=deliverable):
        announce(row, actor, deliverable.description)
    return deliverable


@transaction.atomic
def deliverable_update(*, obj: Deliverable, data: Mapping[str, Any], actor,
                       expected_version: int | None = None) -> Deliverable:
    """ModelConfig.update: a new due date moves the cities' rows with it."""
    deliverable = object_update(obj=obj, data=dict(data), actor=actor, expected_version=expected_version)
    deliverable.city_rows.exclude(due=deliverable.due).update(due=deliverable.due)
    return deliverable


# -- the steps --------------------------------------------------------------------------------------------


def _not_future(day: datetime.date, field: str) -> None:
    if day > today():
        raise ValidationError({field: _("日期不能晚于今天（%(d)s）。") % {"d": today()}})


def report_body(row: CityDeliverable, actor, values: dict[str, Any]) -> Outcome:
    """报告完成: the date it was done and what shows it; the figures as they stand go into the event."""
    done_on = values.get("completed_on") or today()
    _not_future(done_on, "completed_on")
    phase_start = row.deliverable.phase.start
    if done_on < phase_start:
        raise ValidationError({"completed_on": _("完成日期不能早于阶段开始日期（%(d)s）。") % {"d": phase_start}})
    note = str(values.get("evidence_note") or "").strip()
    if not note:
        raise ValidationError({"evidence_note": _("请填写完成情况说明。")})
    row.completed_on, row.evidence_note = done_on, note
    if values.get("evidence_link"):
        row.evidence_link = values["evidence_link"]
    if values.get("evidence_file") is not None:
        row.evidence_file = values["evidence_file"]
    row.reported_by = actor
    row.return_reason = ""
    row.status = CityDeliverable.Status.REPORTED  # full_clean checks the row as it will be saved
    row.full_clean()
    detail: dict[str, Any] = {"late": done_on > row.due}
    shown = figures_text(row)
    if shown:
        detail["figures"] = shown
    return Outcome(detail=detail)


def confirm_body(row: CityDeliverable, actor, values: dict[str, Any]) -> None:
    """确认完成 by the provincial office."""
    on = values.get("confirmed_on") or today()
    _not_future(on, "confirmed_on")
    if row.completed_on and on < row.completed_on:
        raise ValidationError({"confirmed_on": _("确认日期不能早于完成日期（%(d)s）。") % {"d": row.completed_on}})
    row.confirmed_on, row.confirmed_by = on, actor


def return_body(row: CityDeliverable, actor, values: dict[str, Any]) -> None:
    """退回: the city works on it again; its evidence stays for it to amend, the date goes."""
    row.return_reason = str(values["reason"]).strip()
    row.completed_on = None


def city_deliverable_start(*, row: CityDeliverable, actor) -> CityDeliverable:
    perform(row, "start", actor=actor)
    return CityDeliverable.objects.get(pk=row.pk)


def city_deliverable_report(*, row: CityDeliverable, actor, evidence_note: str, completed_on=None,
                            evidence_link: str = "", evidence_file=None) -> CityDeliverable:
    """The city office reports its deliverable done (报告完成)."""
    values: dict[str, Any] = {"evidence_note": evidence_note}
    if completed_on:
        values["completed_on"] = completed_on
    if evidence_link:
        values["evidence_link"] = evidence_link
    if evidence_file is not None:
        values["evidence_file"] = evidence_file
    perform(row, "report", actor=actor, values=values)
    return CityDeliverable.objects.get(pk=row.pk)


def city_deliverable_confirm(*, row: CityDeliverable, actor, confirmed_on=None) -> CityDeliverable:
    """The provincial office confirms the city's report (确认完成)."""
    perform(row, "confirm", actor=actor, values={"confirmed_on": confirmed_on} if confirmed_on else {})
    return CityDeliverable.objects.get(pk=row.pk)


def city_deliverable_return(*, row: CityDeliverable, actor, reason: str) -> CityDeliverable:
    """The provincial office sends the city's report back with its reason (退回)."""
    perform(row, "return", actor=actor, values={"reason": reason})
    return CityDeliverable.objects.get(pk=row.pk)
