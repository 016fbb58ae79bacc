"""Changes behind a submitted report: a record a submitted (or accepted) report counted is deleted,
or its sealed content corrected (更正), afterwards. Both are allowed — with a reason — but the
unit whose report counted the record sees its figures change without a new report saying so. So
the change is kept as a CountedChange of that unit's latest such report, and the unit's next
report (the one it submits next, whatever its week) carries it as a warning of the check step
that needs a written explanation, like a figure that jumps.

The rule, simple on purpose: a row of a model some indicator reads (Indicator.source) was counted
by a submitted report when its earliest date among those indicators' date fields lies between the
campaign's start and the report's cut-off, and the report's unit covers the row's city, county
and line of work as the engine does (ReportScope.for_unit). The indicator's filters are not
applied: a row that may have been counted is flagged rather than one that was missed. A 更正 that
leaves every field the indicators read unchanged (a misspelt decision number) is not flagged."""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core.audit.events import record_event
from rectify.core.clock import beijing_date, format_moment
from rectify.core.generic.services import changed_with_reason

from .checks import Finding
from .engine import ReportScope
from .models import CountedChange, Indicator, ReportVersion, WeeklyReport

STANDING = (WeeklyReport.Status.SUBMITTED, WeeklyReport.Status.ACCEPTED)


def _value(obj: models.Model, name: str) -> Any:
    """A field of the row itself (the column for a foreign key); None for a path or a non-field."""
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return getattr(obj, getattr(field, "attname", name), None)


def _as_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return beijing_date(value) if timezone.is_aware(value) else value.date()
    return value if isinstance(value, datetime.date) else None


def _read_fields(indicator: Indicator) -> set[str]:
    """The fields of its source an indicator reads (the filters' by their first part)."""
    names = {indicator.date_field, indicator.category_field, indicator.region_field, indicator.line_field}
    names |= {part.strip() for part in (indicator.field or "").split("+")}
    filters = indicator.filters if isinstance(indicator.filters, dict) else {}  # a broken one reads nothing more
    names |= {str(key).split("__")[0] for key in filters}
    return {n for n in names if n}


def _covers(report: WeeklyReport, region_id: Any, line: Any, county_id: Any) -> bool:
    scope = ReportScope.for_unit(report.unit)
    return ((scope.region_id is None or scope.region_id == region_id) and (scope.line is None or scope.line == line)
            and (scope.county_id is None or scope.county_id == county_id))


def _changed(was: models.Model, current: models.Model, fields: set[str]) -> bool:
    return any(_value(was, name) != _value(current, name) for name in fields)


@receiver(changed_with_reason)
def flag_changes_behind_reports(sender, *, kind: str, obj: models.Model, objects: list[models.Model],
                                current: models.Model | None, actor, reason: str, **kwargs: Any) -> list[CountedChange]:
    """core.generic.services.changed_with_reason: one CountedChange (and a `report.counted_change` event)
    per unit whose latest standing report counted one of the rows."""
    sources: dict[str, list[Indicator]] = defaultdict(list)
    labels = {row._meta.label for row in objects}
    for indicator in Indicator.objects.filter(source__in=labels).exclude(date_field="").select_related("campaign"):
        sources[indicator.source].append(indicator)
    if not sources:
        return []
    standing: dict[int, list[WeeklyReport]] = {}
    latest: dict[int, WeeklyReport] = {}  # unit -> its latest standing report that counted a row
    dates: dict[int, datetime.date] = {}  # unit -> the earliest date among the rows it counted
    for row in objects:
        by_campaign: dict[int, list[Indicator]] = defaultdict(list)
        for indicator in sources.get(row._meta.label, []):
            by_campaign[indicator.campaign_id].append(indicator)
        for campaign_id, indicators in by_campaign.items():
            campaign = indicators[0].campaign
            if current is not None and not _changed(row, current, set().union(*map(_read_fields, indicators))):
                continue
            first = min((d for d in (_as_date(_value(row, i.date_field)) for i in indicators) if d is not None),
                        default=None)
            if first is None or first < campaign.start:
                continue
            spec = getattr(type(row), "scope", None)
            county_id = _value(row, spec.county) if spec is not None and spec.county else None
            region_id, line = _value(row, indicators[0].region_field), _value(row, indicators[0].line_field)
            if campaign_id not in standing:
                standing[campaign_id] = list(
                    WeeklyReport.objects.filter(campaign_id=campaign_id, status__in=STANDING)
                    .select_related("unit__region__parent", "unit__department").order_by("-cutoff", "-id"))
            for report in standing[campaign_id]:
                if report.cutoff < first or not _covers(report, region_id, line, county_id):
                    continue
                if report.unit_id not in latest or report.cutoff > latest[report.unit_id].cutoff:
                    latest[report.unit_id] = report
                dates[report.unit_id] = min(dates.get(report.unit_id, first), first)
    flagged = []
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    for unit_id, report in latest.items():
        first = dates[unit_id]
        change = CountedChange.objects.create(
            kind=kind, report=report, content_type=content_type, object_id=str(obj.pk), object_repr=str(obj)[:200],
            record_date=first, reason=reason, changed_by=actor if getattr(actor, "pk", None) else None)
        record_event("report.counted_change", report, user=actor, detail={
            "kind": kind, "model": obj._meta.label, "object_id": str(obj.pk), "object": str(obj)[:200],
            "date": first.isoformat(), "reason": reason})
        flagged.append(change)
    return flagged


def pending_for(report: WeeklyReport):
    """The changes the report's unit has yet to explain, behind this report or an earlier one."""
    return (CountedChange.objects.filter(report__unit_id=report.unit_id, report__campaign_id=report.campaign_id,
                                         report__cutoff__lte=report.cutoff, explained_in=None)
            .select_related("report", "content_type", "changed_by").order_by("changed_at", "id"))


@dataclass
class ChangeFinding(Finding):
    """A change behind a submitted report, as a warning of the check step. Keyed by the change, so
    the explanation finds it whatever the language of the page."""

    change_id: int = 0

    @property
    def key(self) -> str:
        return f"counted_change:{self.change_id}"


def findings_for(report: WeeklyReport) -> list[Finding]:
    found: list[Finding] = []
    messages = {
        CountedChange.Kind.DELETED: _("%(who)s于 %(when)s 删除了该记录，原因：%(reason)s。"
                                      "本单位已报送的数字因此变动，请说明。"),
        CountedChange.Kind.CORRECTED: _("%(who)s于 %(when)s 更正了该记录，原因：%(reason)s。"
                                        "本单位已报送的数字因此变动，请说明。"),
    }
    for change in pending_for(report):
        model = change.content_type.model_class()
        what = model._meta.verbose_name if model is not None else change.content_type.model
        who = ((change.changed_by.get_full_name() or change.changed_by.get_username()) if change.changed_by
               else _("系统"))
        found.append(ChangeFinding(
            "warning", table=_("已报送数据的变动"), category=f"{what}“{change.object_repr}”",
            column=_("%(date)s，已计入截至 %(cutoff)s 的报告") % {"date": change.record_date.isoformat(),
                                                         "cutoff": change.report.cutoff.isoformat()},
            rule=f"counted_{change.kind}",
            message=messages[change.kind] % {
                "who": who, "when": format_moment(change.changed_at),
                "reason": change.reason},
            change_id=change.pk))
    return found


def mark_explained(report: WeeklyReport, version: ReportVersion, explanations: dict[str, str]) -> int:
    """The version submitted with an explanation for each pending change (report_submit refuses
    it otherwise): they are explained there."""
    done = 0
    for change in pending_for(report):
        text = explanations.get(f"counted_change:{change.pk}", "")
        if text:
            change.explained_in = version
            change.explanation = text
            change.version += 1
            change.save(update_fields=["explained_in", "explanation", "version", "updated_at"])
            done += 1
    return done
