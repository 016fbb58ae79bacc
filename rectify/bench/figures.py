"""Figures measured inside the bench process: the weekly tables (a), the flow trace (d) and the
provincial workbook (e). Each is timed against a baseline doing the least work that reads the
same rows, so the ratio shows what the project's layers add."""
from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import connections
from django.test.utils import CaptureQueriesContext

from rectify.fieldwork.models import LedgerEntry
from rectify.fieldwork.selectors import trace_batch
from rectify.organisations.models import Campaign, Region
from rectify.reports import services
from rectify.reports.engine import ReportScope
from rectify.reports.services import compute_tables, province_workbook

from .stats import Figure, ms, timed


def _campaign():
    return Campaign.objects.get(code="ln-2020-epidemic-supplies")


def cutoff_date() -> datetime.date:
    """A late cut-off inside the campaign: nearly all rows are in range, the heaviest week."""
    campaign = _campaign()
    return services.week_of(campaign, campaign.end - datetime.timedelta(days=7))[1]


def _tables(model: str) -> str:
    from django.apps import apps

    return apps.get_model(model)._meta.db_table


def raw_aggregate_sql() -> str:
    """One statement reading the rows both tables read (each source in its date range, grouped by
    product category) with plain counts and sums: the least the database must do."""
    outcome, export, recall, case = (_tables(m) for m in ("fieldwork.InspectionOutcome", "fieldwork.ExportCheck",
                                                          "fieldwork.Recall", "enforcement.Case"))
    return f"""
        SELECT 'outcome', category_id, COUNT(*), COUNT(DISTINCT enterprise_id) FROM {outcome}
         WHERE date BETWEEN %(start)s AND %(cutoff)s GROUP BY category_id
        UNION ALL
        SELECT 'export', category_id, COUNT(DISTINCT enterprise_id), SUM(batches_checked) FROM {export}
         WHERE checked_on BETWEEN %(start)s AND %(cutoff)s GROUP BY category_id
        UNION ALL
        SELECT 'recall', category_id, COUNT(*), SUM(quantity) FROM {recall}
         WHERE recalled_on BETWEEN %(start)s AND %(cutoff)s GROUP BY category_id
        UNION ALL
        SELECT 'case', product_category_id, COUNT(*), SUM(COALESCE(fine, 0) + COALESCE(confiscation, 0)) FROM {case}
         WHERE filed_on BETWEEN %(start)s AND %(cutoff)s GROUP BY product_category_id
    """


def _raw(cutoff: datetime.date, region_id: int | None = None) -> Callable[[], list]:
    from django.conf import settings

    sql = raw_aggregate_sql()
    params = {"start": _campaign().start, "cutoff": cutoff}
    if region_id is not None:  # the same statement narrowed to one city (for the workbook baseline)
        sql = sql.replace("GROUP BY", "AND region_id = %(region)s GROUP BY")
        params["region"] = region_id

    def run() -> list:
        with connections[settings.REPORTS_DB_ALIAS].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def report_tables(runs: int) -> tuple[Figure, list[str], int]:
    """(a) Both weekly tables for the province vs the raw aggregate; also the plans."""
    campaign, cutoff = _campaign(), cutoff_date()

    def tables() -> dict:
        return compute_tables(campaign, ReportScope(), cutoff)

    baseline, _rows = timed(_raw(cutoff), runs)
    sample, _result = timed(tables, runs)
    with CaptureQueriesContext(connections["default"]) as ctx:
        tables()
    plans = explain([q["sql"] for q in ctx.captured_queries if "GROUP BY" in q["sql"]])
    plans.append("-- baseline (raw aggregate):\n" + "\n".join(explain_one(raw_aggregate_sql(),
                                                                          {"start": campaign.start, "cutoff": cutoff})))
    ratio = sample.median / baseline.median
    figure = Figure("report_tables", f"(a) both weekly tables, province, cut-off {cutoff}", ms(sample.median),
                    f"{ms(sample.low)}–{ms(sample.high)}", "one raw SQL aggregate", ms(baseline.median), ratio,
                    f"{ratio:.2f}× the raw aggregate", "≤ 2× the raw aggregate", ratio <= 2,
                    f"{len(ctx.captured_queries)} queries")
    return figure, plans, len(ctx.captured_queries)


def explain(statements: list[str]) -> list[str]:
    out = []
    for sql in statements:
        out.append(f"-- {sql[:160]}…\n" + "\n".join(explain_one(sql)))
    return out


def explain_one(sql: str, params: dict | None = None) -> list[str]:
    with connections["default"].cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return [row[0] for row in cursor.fetchall()]


def trace(runs: int) -> Figure:
    """(d) A batch traced through the ledger to depth 5, vs one indexed read of the batch's first
    sales (what a single level costs)."""
    from django.db.models import Count

    # The biggest tree of a nonconforming batch: the worst case the disposal page meets.
    top = (LedgerEntry.objects.exclude(batch_number__startswith="LD").values("batch_number")
           .annotate(n=Count("pk")).order_by("-n").first())
    batch = top["batch_number"]
    root = (LedgerEntry.objects.filter(batch_number=batch).order_by("traded_on", "pk")
            .values_list("seller_id", flat=True).first())
    table = LedgerEntry._meta.db_table

    def level_one() -> list:
        with connections["default"].cursor() as cursor:
            cursor.execute(f"SELECT id, buyer_id, quantity FROM {table} WHERE seller_id = %s AND batch_number = %s",
                           [root, batch])
            return cursor.fetchall()

    baseline, _ = timed(level_one, runs)
    sample, result = timed(lambda: trace_batch(enterprise_id=root, batch_number=batch, max_depth=5), runs)
    ratio = sample.median / baseline.median
    return Figure("trace", f"(d) flow trace of batch {batch} to depth 5 ({len(result.entries)} entries, "
                  f"{len(result.holders)} holders)", ms(sample.median), f"{ms(sample.low)}–{ms(sample.high)}",
                  "one indexed read of the first level", ms(baseline.median), ratio, f"{ratio:.1f}× one level",
                  "< 200 ms", sample.median < 0.2)


def workbook(runs: int) -> Figure:
    """(e) The provincial workbook (province + 14 cities, two tables each), vs the raw aggregate
    for the province and each city (the reads alone)."""
    campaign, cutoff = _campaign(), cutoff_date()
    cities = list(Region.objects.filter(level="city", parent=campaign.region).values_list("pk", flat=True))
    raws = [_raw(cutoff)] + [_raw(cutoff, pk) for pk in cities]
    baseline, _ = timed(lambda: [r() for r in raws], runs)
    size: list[int] = []
    sample, content = timed(lambda: province_workbook(campaign, cutoff), runs)
    size.append(len(content))
    ratio = sample.median / baseline.median
    return Figure("workbook", f"(e) provincial workbook export ({1 + len(cities)} scopes × 2 tables, "
                  f"{size[0] / 1024:.0f} KB xlsx)", ms(sample.median), f"{ms(sample.low)}–{ms(sample.high)}",
                  f"the raw aggregate × {1 + len(cities)} scopes", ms(baseline.median), ratio,
                  f"{ratio:.2f}× the raw reads", "none set (reported)", None)

