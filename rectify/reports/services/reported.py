"""The tables *as reported*: what a receiver (the provincial office for the cities, a provincial
department for the member units of its line) gets by adding up the versions it was sent, beside
each reporting unit's status — as opposed to the *live* tables, computed from the records.

A unit counts with the latest submitted version of its week's report while that report stands
submitted or accepted; a report returned (or reopened) and not yet submitted again, an open one and
one never opened are marked and not counted. The sums are taken cell by cell over the frozen
snapshots; a ratio column is recomputed from the sums of its parts, never averaged."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from rectify.organisations.models import Campaign, Unit

from ..engine import ReportScope, compute_tables_by_region
from ..models import Indicator, LayoutColumn, ReportVersion, WeeklyReport
from .figures import layouts_of, snapshot_of
from .receiving import received_units

COUNTED = (WeeklyReport.Status.SUBMITTED, WeeklyReport.Status.ACCEPTED)
STATE_LABELS = {
    "counted": _("已计入"), "returned": _("已退回，未计入"), "open": _("未报送"), "missing": _("未建立报告"),
}


@dataclass
class ReportedUnit:
    """One reporting unit's place in the sum."""

    unit: Unit
    report: WeeklyReport | None
    version: ReportVersion | None

    @property
    def state(self) -> str:
        if self.report is None:
            return "missing"
        if self.version is not None and self.report.status in COUNTED:
            return "counted"
        if self.report.status == WeeklyReport.Status.RETURNED:
            return "returned"
        return "open"

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def counted(self) -> bool:
        return self.state == "counted"


@dataclass
class AsReported:
    """The sum of the counted versions (snapshots keyed like a version's `tables`), the units, and
    the figures no unit reports (a provincial unit's own records), added live when asked for."""

    cutoff: datetime.date
    tables: dict[str, dict]
    units: list[ReportedUnit] = field(default_factory=list)
    own: dict[str, dict] | None = None

    @property
    def missing(self) -> list[ReportedUnit]:
        return [u for u in self.units if not u.counted]

    def basis(self) -> list[dict[str, Any]]:
        """What a version built from this sum records of its sources (frozen with it)."""
        return [{"unit": u.unit.name, "unit_id": u.unit.pk, "report": u.report.pk if u.report else None,
                 "version": u.version.number if u.counted else None, "state": u.state,
                 "submitted_at": u.version.submitted_at.isoformat() if u.counted else None}
                for u in self.units] + ([{"unit": "省本级", "state": "live"}] if self.own else [])


def _latest_versions(report_ids: list[int]) -> dict[int, ReportVersion]:
    latest: dict[int, ReportVersion] = {}
    for version in (ReportVersion.objects.filter(report_id__in=report_ids).exclude(submitted_at=None)
                    .order_by("report_id", "-number")):
        latest.setdefault(version.report_id, version)
    return latest


def _number(value: Any) -> Decimal:
    if value in (None, ""):
        return Decimal(0)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)


def _plain(value: Decimal, decimals: int) -> int | str:
    """As a snapshot keeps it: a count as an int, an amount as its string with its decimals."""
    if decimals == 0:
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return str(value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def add_snapshots(campaign: Campaign, snapshots: list[dict[str, dict]], *, collapse: bool = False) -> dict[str, dict]:
    """Cell-by-cell sums of snapshots, laid out as the campaign's tables; a ratio column from the
    sums of its numerator and denominator columns (empty when either is not a column of the table
    or the denominator is nought). `collapse`: one row, every category added up (the column totals)."""
    categories = ["*"] if collapse else list(campaign.categories.order_by("order").values_list("code", flat=True))
    out = {}
    for layout in layouts_of(campaign):
        columns = list(LayoutColumn.objects.filter(layout=layout).select_related(
            "indicator__numerator", "indicator__denominator").order_by("order"))
        codes = [c.indicator.code for c in columns]
        sums = {cat: [Decimal(0)] * len(codes) for cat in categories}
        for snapshot in snapshots:
            table = snapshot.get(layout.code) or {}
            position = {code: i for i, code in enumerate(table.get("columns") or [])}
            for row in table.get("rows") or []:
                target = sums.get("*" if collapse else row.get("category"))
                if target is None:
                    continue
                values = row.get("values") or []
                for i, code in enumerate(codes):
                    j = position.get(code)
                    if j is not None and j < len(values):
                        target[i] += _number(values[j])
        rows = []
        for cat in categories:
            values: list[Any] = []
            for i, column in enumerate(columns):
                ind = column.indicator
                if ind.aggregate == Indicator.Aggregate.RATIO:
                    values.append(_ratio(ind, codes, sums[cat]))
                else:
                    values.append(_plain(sums[cat][i], ind.decimals))
            rows.append({"category": cat, "values": values})
        out[layout.code] = {"layout": layout.code, "columns": codes, "rows": rows}
    return out


def _ratio(ind: Indicator, codes: list[str], sums: list[Decimal]) -> Any:
    num, den = ind.numerator, ind.denominator
    if num is None or den is None or num.code not in codes or den.code not in codes:
        return ""
    # Each part is kept scaled in the snapshot; the ratio is of the unscaled amounts.
    top = sums[codes.index(num.code)] / (num.scale or 1)
    bottom = sums[codes.index(den.code)] / (den.scale or 1)
    if not bottom:
        return ""
    return _plain(top / bottom * ind.scale, ind.decimals)


def as_reported(campaign: Campaign, cutoff: datetime.date, receiver: Unit, *, with_own: bool = False,
                kind: str = WeeklyReport.Kind.WEEKLY, only: set[int] | None = None) -> AsReported:
    """The week ending at `cutoff` (or the final summaries, `kind`) as `receiver` was sent it.
    `with_own` adds the province's own records (a provincial unit's case without an enterprise
    belongs to no city, so no city reports it), computed live: the provincial office's report
    upward carries them. `only`: the ids of the units to count (the others are not counted)."""
    units = received_units(receiver, campaign)
    reports = {r.unit_id: r for r in WeeklyReport.objects.filter(
        campaign=campaign, cutoff=cutoff, kind=kind, unit__in=units)}
    versions = _latest_versions([r.pk for r in reports.values()])
    rows = []
    for unit in units:
        report = reports.get(unit.pk)
        rows.append(ReportedUnit(unit, report, versions.get(report.pk) if report else None))
    snapshots = [u.version.tables for u in rows if u.counted and (only is None or u.unit.pk in only)]
    own = None
    if with_own and receiver.is_provincial_office:
        layouts = layouts_of(campaign)
        region = campaign.region_id
        computed = compute_tables_by_region(layouts, region_ids=[region], cutoff=cutoff, scope=ReportScope())
        own = snapshot_of(computed[region]) if computed else None
        if own is not None and _all_nought(own):
            own = None
        if own is not None:
            snapshots.append(own)
    return AsReported(cutoff=cutoff, tables=add_snapshots(campaign, snapshots), units=rows, own=own)


def _all_nought(snapshot: dict[str, dict]) -> bool:
    return not any(_number(v) for table in snapshot.values() for row in table.get("rows", []) for v in row["values"])


def unit_totals(campaign: Campaign, reported: AsReported) -> list[dict[str, Any]]:
    """Each unit's figures beside its status: per table, every column added up over the categories
    (a ratio from the totals of its parts), so the receiver sees who reported what."""
    out = []
    for unit in reported.units:
        totals = None
        if unit.counted:
            totals = {code: table["rows"][0]["values"]
                      for code, table in add_snapshots(campaign, [unit.version.tables], collapse=True).items()}
        out.append({"unit": unit, "totals": totals})
    return out
