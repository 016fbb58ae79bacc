"""The figures: the tables of a campaign for a scope, the snapshot a version keeps, the differences
between two versions, and the province's workbook."""
from __future__ import annotations

import datetime
from typing import Any

from rectify.organisations.models import Campaign, Region

from .. import official
from ..engine import ReportScope, compute_tables_by_region, compute_tables_for
from ..models import LayoutColumn, ReportVersion, TableLayout, WeeklyReport


def layouts_of(campaign: Campaign) -> list[TableLayout]:
    return list(TableLayout.objects.filter(campaign=campaign).order_by("order"))


def report_scope(report: WeeklyReport) -> ReportScope:
    return ReportScope.for_unit(report.unit)


def compute_tables(campaign: Campaign, scope: ReportScope, cutoff: datetime.date) -> dict[str, Any]:
    return compute_tables_for(layouts_of(campaign), scope=scope, cutoff=cutoff)


def snapshot_of(tables: dict[str, Any]) -> dict[str, dict]:
    return {code: table.as_json() for code, table in tables.items()}


def versions_compare(a: ReportVersion, b: ReportVersion) -> list[dict[str, Any]]:
    """Cells that differ between two versions: table, category, column, old, new."""
    diffs = []
    for code in sorted(set(a.tables) | set(b.tables)):
        ta, tb = a.tables.get(code, {}), b.tables.get(code, {})
        cols = tb.get("columns") or ta.get("columns") or []
        rows_a = {r["category"]: r["values"] for r in ta.get("rows", [])}
        rows_b = {r["category"]: r["values"] for r in tb.get("rows", [])}
        for cat in list(rows_b) + [c for c in rows_a if c not in rows_b]:
            va, vb = rows_a.get(cat, [None] * len(cols)), rows_b.get(cat, [None] * len(cols))
            for i, col in enumerate(cols):
                old = va[i] if i < len(va) else None
                new = vb[i] if i < len(vb) else None
                if str(old) != str(new):
                    diffs.append({"table": code, "category": cat, "column": col, "old": old, "new": new})
    return diffs


def named_differences(campaign: Campaign, diffs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """versions_compare's cells named as the official tables name them — the table's number and
    title, the category's name, the column's group and header — for a reader who does not know the
    codes; a code the campaign no longer has is shown as it is."""
    layouts = {layout.code: layout for layout in layouts_of(campaign)}
    headers = {(c.layout.code, c.indicator.code): f"{c.group}·{c.header}" if c.group else c.header
               for c in LayoutColumn.objects.filter(layout__campaign=campaign).select_related("layout", "indicator")}
    categories = dict(campaign.categories.values_list("code", "name"))
    named = []
    for d in diffs:
        layout = layouts.get(d["table"])
        named.append({**d, "table_name": f"{layout.label} {layout.title}" if layout else d["table"],
                      "category_name": categories.get(d["category"], d["category"]),
                      "column_name": headers.get((d["table"], d["column"]), d["column"])})
    return named


def province_workbook(campaign: Campaign, cutoff: datetime.date, viewer=None) -> bytes:
    """The province's tables, then every city's — the cities from one grouped pass per source;
    within `viewer`'s rows when given (None: the system's own, e.g. the command line). A provincial
    unit's record about an enterprise lies in the enterprise's city; the few records that belong to
    no city (a provincial unit's case without an enterprise) get 省本级 sheets, so that the
    province's figures are always the sum of the sheets below them."""
    layouts = layouts_of(campaign)
    scope = ReportScope(viewer=viewer)
    unit = getattr(viewer, "unit", None)
    line = "" if unit is None or unit.is_office else f"（{unit.department.short_name}条线）"
    province_name = unit.name if unit is not None and not unit.is_office else "辽宁省专项工作组办公室"
    sheets = []
    for table in compute_tables(campaign, scope, cutoff).values():
        sheets.append((f"全省-{table.layout.label}", official.table_spec(table),
                       {"unit_name": province_name, "filled_by": "", "phone": "", "cutoff": cutoff}))
    cities = list(Region.objects.filter(level="city", parent=campaign.region).order_by("code"))
    by_region = compute_tables_by_region(layouts, region_ids=[c.pk for c in cities] + [campaign.region_id],
                                         cutoff=cutoff, scope=scope)
    for city in cities:
        name = f"{city.name}{line}" if line else f"{city.name}专项工作组办公室"
        for table in by_region[city.pk].values():
            sheets.append((f"{city.name}-{table.layout.label}", official.table_spec(table),
                           {"unit_name": name, "filled_by": "", "phone": "", "cutoff": cutoff}))
    own = by_region[campaign.region_id].values()
    if any(cell.raw for table in own for _category, cells in table.rows for cell in cells):
        for table in own:
            sheets.append((f"省本级-{table.layout.label}", official.table_spec(table),
                           {"unit_name": f"{province_name}（省本级）", "filled_by": "", "phone": "", "cutoff": cutoff}))
    return official.workbook(sheets, campaign=campaign)
