"""The calendar of the weekly cycle: the week a day falls in and its deadline, opening the week's
reports, and who has submitted."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core import clock
from rectify.core.access.scope import area_allows
from rectify.core.audit.events import record_event
from rectify.core.clock import beijing_at, beijing_date
from rectify.core.generic.services import ensure_in_scope
from rectify.core.notifications import notify
from rectify.core.workflow import notices
from rectify.core.workflow.declare import workflow_of
from rectify.organisations.models import Campaign, Region, Unit

from ..models import WeeklyReport
from .receiving import member_reporting_units, receiver_may_review, reporting_units


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


# --- the scheduler's days: run daily, each campaign decides from its own deadline ---------------
CATCH_UP_AFTER = 3  # days after the opening day, for a week whose opening run was missed


def opens_week_on(campaign: Campaign, day: datetime.date) -> bool:
    """Whether the scheduler opens `campaign`'s week on `day`: within the campaign, on its first day
    and on the day after the deadline's weekday, with a catch-up three days later (Friday and Monday
    for a Thursday deadline; opening is idempotent, so the catch-up opens only what was missed)."""
    if not campaign.start <= day <= campaign.end:
        return False
    after = (campaign.weekly_deadline_weekday + 1) % 7
    return day == campaign.start or day.weekday() in (after, (after + CATCH_UP_AFTER) % 7)


def reminds_on(campaign: Campaign, day: datetime.date, now: datetime.datetime | None = None) -> bool:
    """Whether those who have not submitted are reminded on `day`: the day before the deadline and
    the deadline's day — on that day only while the deadline is still ahead at `now` (when given)."""
    deadline = deadline_for(campaign, day)
    if (beijing_date(deadline) - day).days not in (0, 1):
        return False
    return now is None or now < deadline


def weekly_reporters(campaign: Campaign) -> list[Unit]:
    """Every unit that has a weekly report to send: the city offices, the city member units that
    report to a provincial department, and the provincial office (its report goes upward)."""
    province_office = Unit.objects.filter(is_office=True, is_active=True, region=campaign.region)
    return [*reporting_units(campaign), *member_reporting_units(campaign), *province_office.select_related("region")]


@transaction.atomic
def reports_open_week(*, campaign: Campaign, day: datetime.date) -> list[WeeklyReport]:
    """Open the week's report of every unit that reports weekly (idempotent: run by the scheduler)."""
    start, cutoff, deadline = week_of(campaign, day)
    units = weekly_reporters(campaign)
    have = set(WeeklyReport.objects.filter(campaign=campaign, kind=WeeklyReport.Kind.WEEKLY, cutoff=cutoff,
                                           unit__in=units).values_list("unit_id", flat=True))
    opened = [WeeklyReport(campaign=campaign, unit=unit, kind=WeeklyReport.Kind.WEEKLY, cutoff=cutoff,
                           week_start=start, deadline=deadline) for unit in units if unit.pk not in have]
    for report in opened:
        report.save()  # one by one: the scoped record derives its region and line on save
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


def campaign_weeks(campaign: Campaign) -> list[datetime.date]:
    """The cut-off dates of the campaign's weeks, first to last (the week chooser's choices)."""
    weeks = []
    day = campaign.start
    while day <= campaign.end:
        weeks.append(week_of(campaign, day)[1])
        day += datetime.timedelta(days=7)
    return weeks


def _state(report: WeeklyReport | None) -> str:
    if report is None or report.submitted_at is None:
        return "missing"
    return "late" if report.is_late else "on_time"


def completeness(campaign: Campaign, cutoff: datetime.date) -> list[dict[str, Any]]:
    """For the week ending at `cutoff`: every city office, then every city member unit that reports
    to a provincial department (whether its report was opened or not) and any other unit that
    opened a report for the week, each on time, late, or not submitted. Timeliness is that of the
    first submission. The province's own report upward is not among them."""
    reports = {r.unit_id: r for r in WeeklyReport.objects.filter(
        campaign=campaign, cutoff=cutoff, kind=WeeklyReport.Kind.WEEKLY,
    ).exclude(unit__region__level="province").select_related("unit__region", "unit__department", "region")}
    rows = []
    offices = list(reporting_units(campaign).order_by("region__code"))
    for unit in offices:
        report = reports.pop(unit.pk, None)
        rows.append({"unit": unit, "report": report, "state": _state(report), "member": False,
                     "line": "", "city_id": unit.region_id})
    members = [(unit, reports.pop(unit.pk, None)) for unit in member_reporting_units(campaign)]
    members += [(r.unit, r) for r in reports.values() if not r.unit.is_office]
    members.sort(key=lambda m: (m[0].city.code, m[0].department.order, m[0].code))
    for unit, report in members:
        rows.append({"unit": unit, "report": report, "state": _state(report), "member": True,
                     "line": unit.department.get_line_display(), "city_id": unit.city.pk})
    return rows


def completeness_totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    """How many of `rows` are on time, late and missing."""
    totals = {"on_time": 0, "late": 0, "missing": 0}
    for row in rows:
        totals[row["state"]] += 1
    return totals


def timeliness(campaign: Campaign, now: datetime.datetime | None = None,
               units: list[Unit] | None = None) -> list[dict[str, Any]]:
    """Each city office (or each of `units`) over the whole campaign so far: how many weeks it
    reported on time, late, or not at all. A week still before its deadline and not yet submitted
    is not counted: it is not missing yet."""
    now = now or timezone.now()
    weeks = [(cutoff, week_of(campaign, cutoff)[2]) for cutoff in campaign_weeks(campaign)]
    offices = units if units is not None else list(reporting_units(campaign).order_by("region__code"))
    submitted = {(unit_id, cutoff): is_late for unit_id, cutoff, is_late in WeeklyReport.objects.filter(
        campaign=campaign, kind=WeeklyReport.Kind.WEEKLY, unit__in=offices, submitted_at__isnull=False,
    ).values_list("unit_id", "cutoff", "is_late")}
    rows = []
    for unit in offices:
        counts = {"unit": unit, "on_time": 0, "late": 0, "missing": 0}
        for cutoff, deadline in weeks:
            if (unit.pk, cutoff) in submitted:
                counts["late" if submitted[unit.pk, cutoff] else "on_time"] += 1
            elif deadline <= now:
                counts["missing"] += 1
        rows.append(counts)
    return rows


# --- 催报: the receiver urges the units that have not submitted ------------------------------------
@dataclass
class Urged:
    """One report urged: the users told (those who may take its `submit` step) and how many of
    them got a notice now (a second urge the same day tells nobody again)."""

    report: WeeklyReport
    users: list[Any] = field(default_factory=list)
    sent: int = 0


def may_urge(actor, unit: Unit) -> bool:
    """Whether `actor` receives `unit`'s weekly report (the workflow's receiver rule), asked before
    the report exists too: the rule looks only at the reporting unit."""
    return receiver_may_review(actor, WeeklyReport(unit=unit))


def _receives_any(actor) -> bool:
    unit = getattr(actor, "unit", None)
    if unit is None or not unit.is_provincial:
        return False
    # The rule looks at the reporting unit's kind and line: a city office, or a member unit of the actor's line.
    city = Region(level=Region.Level.CITY)
    probes = [Unit(is_office=True, department=unit.department, region=city),
              Unit(is_office=False, department=unit.department, region=city)]
    return any(may_urge(actor, probe) for probe in probes)


def _awaiting(row: dict[str, Any]) -> bool:
    """Not submitted, or returned and not yet submitted again: the submit step is open."""
    report = row["report"]
    return report is None or report.status in (WeeklyReport.Status.OPEN, WeeklyReport.Status.RETURNED)


def _opened(campaign: Campaign, unit: Unit, cutoff: datetime.date) -> WeeklyReport:
    start, cutoff, deadline = week_of(campaign, cutoff)
    report, _created = WeeklyReport.objects.get_or_create(
        campaign=campaign, unit=unit, kind=WeeklyReport.Kind.WEEKLY, cutoff=cutoff,
        defaults={"week_start": start, "deadline": deadline})
    return report


@transaction.atomic
def reports_urge(*, cutoff: datetime.date, actor, unit_ids: list[int] | None = None,
                 campaign: Campaign | None = None) -> list[Urged]:
    """催报: tell the users who must submit the week's report of each unit that has not (all those
    the actor receives, or `unit_ids`), once a day per report, and log who urged which report. The
    receiver rule of the report's workflow decides who may urge: the provincial office urges city
    offices, a provincial department the member units of its line. A city office the scheduler
    did not open a report for gets it opened, so that the notice leads to a report to submit."""
    if not _receives_any(actor):
        raise PermissionDenied(_("只有省专项工作组办公室（对各市）或省级主管部门（对本条线成员单位）可以催报。"))
    campaign = campaign or Campaign.current()
    if campaign is None:
        raise ValidationError(_("当前没有进行中的专项行动。"))
    cutoff = week_of(campaign, cutoff)[1]
    rows = [r for r in completeness(campaign, cutoff) if _awaiting(r)]
    if unit_ids is not None:
        wanted = {int(pk) for pk in unit_ids}
        rows = [r for r in rows if r["unit"].pk in wanted]
        if len(rows) != len(wanted):
            raise ValidationError(_("所选单位中有本周已报送或不报送周报的单位。"))
        refused = [r["unit"].name for r in rows if not may_urge(actor, r["unit"])]
        if refused:
            raise PermissionDenied(_("您的单位不是%(units)s周报的接收单位，不能催报。") % {"units": "、".join(refused)})
    rows = [r for r in rows if may_urge(actor, r["unit"])]
    step = workflow_of(WeeklyReport).step("submit")
    today = clock.today()
    who = f"{actor.unit}·{actor}"
    urged = []
    for row in rows:
        report = row["report"] or _opened(campaign, row["unit"], cutoff)
        users = notices.recipients(step.assignee, report, step, None)
        if report.deadline < timezone.now():
            body = _("%(who)s催报：报送期限%(due)s已过，请尽快报送。")
        else:
            body = _("%(who)s催报：请于%(due)s前报送。")
        body %= {"who": who, "due": clock.format_due(report.deadline)}
        title = (_("催报：%(report)s") % {"report": report})[:200]
        sent = sum(notify(user=user, title=title, body=body, url=report.get_absolute_url(),
                          key=f"report.urge:{report.pk}:{today.isoformat()}") for user in users)
        record_event("report.urge", report, user=actor, detail={
            "by": str(actor.unit), "cutoff": cutoff.isoformat(), "unit": report.unit.name,
            "notified": [u.username for u in users], "sent": sent})
        urged.append(Urged(report, users, sent))
    return urged
