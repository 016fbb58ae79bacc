"""The calendar of the weekly cycle: the week a day falls in and its deadline, opening the week's
reports, and who has submitted."""
from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from rectify.core.access.scope import area_allows
from rectify.core.clock import beijing_at, beijing_date
from rectify.core.generic.services import ensure_in_scope
from rectify.organisations.models import Campaign, Unit

from ..models import WeeklyReport


def deadline_for(campaign: Campaign, day: datetime.date) -> datetime.datetime:
    """The first weekly deadline (e.g. Thursday 14:00 Asia/Shanghai) on or after `day`."""
    offset = (campaign.weekly_deadline_weekday - day.weekday()) % 7
    date = day + datetime.timedelta(days=offset)
    return beijing_at(date, campaign.weekly_deadline_time)


def week_of(campaign: Campaign, day: datetime.date) -> tuple[datetime.date, datetime.date, datetime.datetime]:
    """(week start, cut-off date, deadline) of the reporting week containing `day`."""
    deadline = deadline_for(campaign, day)
    cutoff = beijing_date(deadline)
    return cutoff - datetime.timedelta(days=6), cutoff, deadline


def reporting_units(campaign: Campaign):
    """Units that report weekly to the province: each city's working-group office."""
    return (Unit.objects.filter(is_office=True, is_active=True, region__parent=campaign.region)
            .select_related("region", "department"))


@transaction.atomic
def reports_open_week(*, campaign: Campaign, day: datetime.date) -> list[WeeklyReport]:
    """Open the week's report for every city office (idempotent: run by the scheduler)."""
    start, cutoff, deadline = week_of(campaign, day)
    opened = []
    for unit in reporting_units(campaign):
        report, created = WeeklyReport.objects.get_or_create(
            campaign=campaign, unit=unit, kind=WeeklyReport.Kind.WEEKLY, cutoff=cutoff,
            defaults={"week_start": start, "deadline": deadline},
        )
        if created:
            opened.append(report)
    return opened


@transaction.atomic
def report_open(*, campaign: Campaign, unit: Unit, day: datetime.date, actor,
                kind: str = WeeklyReport.Kind.WEEKLY) -> WeeklyReport:
    """A member unit (or a late city) opens its own report for a week, or the final summary."""
    if not area_allows(actor, "records", "review"):
        raise PermissionDenied(_("只有审核员或办公室管理员可以建立报告。"))
    if kind == WeeklyReport.Kind.FINAL:
        start, cutoff = campaign.start, campaign.final_summary_due
        deadline = beijing_at(campaign.final_summary_due, datetime.time(23, 59))
    else:
        start, cutoff, deadline = week_of(campaign, day)
    report, _created = WeeklyReport.objects.get_or_create(
        campaign=campaign, unit=unit, kind=kind, cutoff=cutoff, defaults={"week_start": start, "deadline": deadline})
    ensure_in_scope(report, actor)
    return report


def completeness(campaign: Campaign, cutoff: datetime.date) -> list[dict[str, Any]]:
    """Per city office: on time, late, or not submitted, for the week ending at `cutoff`."""
    reports = {r.unit_id: r for r in WeeklyReport.objects.filter(campaign=campaign, cutoff=cutoff,
                                                                 kind=WeeklyReport.Kind.WEEKLY)}
    rows = []
    for unit in reporting_units(campaign).order_by("region__code"):
        r = reports.get(unit.pk)
        if r is None or r.submitted_at is None:
            state = "missing"
        elif r.is_late:
            state = "late"
        else:
            state = "on_time"
        rows.append({"unit": unit, "report": r, "state": state})
    return rows
