"""The weekly narrative's figures, from the records: 检查市场主体数, 出动检查人员数, 发现的问题,
立案 and 罚没, for the week and since the campaign began, written as the draft of the text the unit
checks and completes. The figures the tables also hold (排查, 不合格, 立案, 处罚, 罚没) are taken from
the tables themselves — the sums of their columns at this cut-off and at last week's — so the text
and the tables cannot disagree; the others (market entities inspected, staff dispatched, the problem
ledger) are counted over the same unit's records."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from rectify.core.clock import beijing_at
from rectify.enforcement.models import Problem
from rectify.fieldwork.models import Inspection

from ..engine import ReportScope, in_scope
from ..models import WeeklyReport
from .figures import compute_tables, report_scope, snapshot_of
from .reported import as_reported

# (key in the narrative, indicator codes whose column totals make the figure)
TABLE_FIGURES = {
    "inspected": ("a1_inspected",),
    "failed": ("a1_failed_review", "a1_failed_cert", "a1_failed_other"),
    "no_standard": ("a1_no_standard",),
    "export_nonconforming": ("a1_export_nonconforming",),
    "filed": ("a2_total_filed",),
    "penalised": ("a2_total_penalised",),
    "fines": ("a2_total_fines",),
    "transferred": ("a2_transferred",),
}


@dataclass
class Pair:
    """A figure for the week and since the campaign began."""

    week: Any
    total: Any

    def __str__(self) -> str:
        return _("本周%(week)s，累计%(total)s") % {"week": self.week, "total": self.total}


def _column_totals(snapshot: dict[str, dict]) -> dict[str, Decimal]:
    """Each indicator's column added up over the categories, as the tables show it."""
    totals: dict[str, Decimal] = {}
    for table in snapshot.values():
        for row in table.get("rows", []):
            for code, value in zip(table.get("columns", []), row.get("values", []), strict=False):
                if value not in ("", None):
                    totals[code] = totals.get(code, Decimal(0)) + Decimal(str(value))
    return totals


def _tables_at(report: WeeklyReport, cutoff: datetime.date, only: set[int] | None = None) -> dict[str, dict]:
    """The tables the report's text must agree with: a provincial unit's are the sum of what it
    was sent (of the units in `only`, when given), any other unit's are computed from its records."""
    if report.unit.is_provincial:
        return as_reported(report.campaign, cutoff, report.unit, with_own=True, kind=report.kind, only=only).tables
    return snapshot_of(compute_tables(report.campaign, report_scope(report), cutoff))


def _counted_now(report: WeeklyReport) -> set[int] | None:
    """A provincial unit's week is what the units counted now added since their last week's
    versions: a unit not counted yet would otherwise make the week's figures negative."""
    if not report.unit.is_provincial:
        return None
    summed = as_reported(report.campaign, report.cutoff, report.unit, kind=report.kind)
    return {u.unit.pk for u in summed.units if u.counted}


def _records(model: type, scope: ReportScope, start: datetime.date, cutoff: datetime.date, *,
             date_field: str = "", moment_field: str = "", **aggregates: Any) -> dict[str, Any]:
    """Aggregates over a model's rows of `scope` from `start` to `cutoff` by a date field, or by a
    moment field read as Beijing days."""
    spec = model.scope
    qs = in_scope(model._default_manager.all(), scope, spec.region, spec.line or "line")
    if moment_field:
        qs = qs.filter(**{f"{moment_field}__gte": beijing_at(start, datetime.time(0)),
                          f"{moment_field}__lt": beijing_at(cutoff + datetime.timedelta(days=1), datetime.time(0))})
    else:
        qs = qs.filter(**{f"{date_field}__gte": start, f"{date_field}__lte": cutoff})
    return qs.aggregate(**aggregates)


def figures(report: WeeklyReport) -> dict[str, Pair]:
    """The narrative's figures of `report`'s unit: the week (its start to its cut-off) and the
    campaign so far (the campaign's start to the cut-off)."""
    campaign, scope, cutoff = report.campaign, report_scope(report), report.cutoff
    before = report.week_start - datetime.timedelta(days=1)
    now = _column_totals(_tables_at(report, cutoff))
    # the week of a weekly report; the final summary's "week" is the campaign so far
    weekly = report.kind == WeeklyReport.Kind.WEEKLY and before >= campaign.start
    then = _column_totals(_tables_at(report, before, _counted_now(report))) if weekly else {}
    out: dict[str, Pair] = {}
    for key, codes in TABLE_FIGURES.items():
        total = sum((now.get(code, Decimal(0)) for code in codes), Decimal(0))
        earlier = sum((then.get(code, Decimal(0)) for code in codes), Decimal(0))
        if key == "fines":  # 万元, to the fen as the tables print it
            out[key] = Pair(f"{total - earlier:.2f}", f"{total:.2f}")
        else:
            out[key] = Pair(_plain(total - earlier), _plain(total))
    counted = {
        # market entities inspected: each enterprise once, whatever it makes
        "entities": (Inspection, {"date_field": "date"}, Count("enterprise", distinct=True)),
        "staff": (Inspection, {"date_field": "date"}, Sum("staff_dispatched")),
        # the problem ledger's entries, by the day they were recorded
        "problems": (Problem, {"moment_field": "created_at"}, Count("pk")),
    }
    for key, (model, by, aggregate) in counted.items():
        week = _records(model, scope, report.week_start, cutoff, **by, v=aggregate)["v"] or 0
        total = _records(model, scope, campaign.start, cutoff, **by, v=aggregate)["v"] or 0
        out[key] = Pair(week, total)
    return out


def _plain(value: Decimal) -> Any:
    return int(value) if value == value.to_integral_value() else value.normalize()


def draft(report: WeeklyReport) -> dict[str, str]:
    """The draft text of the narrative's counted items, in the words of the weekly report."""
    f = figures(report)
    return {
        "entities_inspected": _("本周检查市场主体%(week)s家，累计%(total)s家；按产品类别分别计数，累计排查生产企业"
                                "%(table)s家次（附件1“排查企业数量”合计）。") % {
            "week": f["entities"].week, "total": f["entities"].total, "table": f["inspected"].total},
        "staff_dispatched": _("本周出动检查人员%(week)s人次，累计%(total)s人次。") % {
            "week": f["staff"].week, "total": f["staff"].total},
        "problems": _("累计发现审评审批、认证等不合格及其他不合格企业%(failed)s家次（本周%(failed_week)s家次），"
                      "无质量标准企业%(no_standard)s家次；出口查验不合格产品%(export)s批次（本周%(export_week)s批次）；"
                      "问题清单本周新增%(problems_week)s项，累计%(problems)s项。") % {
            "failed": f["failed"].total, "failed_week": f["failed"].week, "no_standard": f["no_standard"].total,
            "export": f["export_nonconforming"].total, "export_week": f["export_nonconforming"].week,
            "problems_week": f["problems"].week, "problems": f["problems"].total},
        "cases_and_fines": _("本周立案%(filed_week)s件，累计立案%(filed)s件；累计作出处罚决定%(penalised)s件"
                             "（本周%(penalised_week)s件），罚没%(fines)s万元（本周%(fines_week)s万元）；"
                             "累计移送公安%(transferred)s件。") % {
            "filed_week": f["filed"].week, "filed": f["filed"].total, "penalised": f["penalised"].total,
            "penalised_week": f["penalised"].week, "fines": f["fines"].total, "fines_week": f["fines"].week,
            "transferred": f["transferred"].total},
    }
