"""The weekly tables computed from records: figures recomputed independently, province = Σ cities,
every non-zero cell drills down to its records, and the scope of who may ask."""
import datetime
from decimal import Decimal
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rectify.core.current import acting_as
from rectify.enforcement.models import Case
from rectify.fieldwork import services as fw
from rectify.fieldwork.models import ExportCheck, InspectionOutcome, Recall
from rectify.organisations.models import Campaign, ProductCategory, Region
from rectify.reports import engine
from rectify.reports.engine import ReportScope, compute_table
from rectify.reports.models import Indicator, TableLayout
from rectify.reports.services import compute_tables
from rectify.testing import WorldTestCase

from .fixtures import build, cat, officers, unit

CUTOFF = datetime.date(2020, 6, 4)
START = datetime.date(2020, 5, 15)


def independent_annex1(region_id=None) -> dict[tuple[str, str], object]:
    """附件1 recomputed the plain way, row by row in Python, without the engine."""
    out = {}
    def here(row) -> bool:
        return region_id is None or row.region_id == region_id

    outcomes = [o for o in InspectionOutcome.objects.all() if START <= o.date <= CUTOFF and here(o)]
    checks = [c for c in ExportCheck.objects.all() if START <= c.checked_on <= CUTOFF and here(c)]
    recalls = [r for r in Recall.objects.all() if START <= r.recalled_on <= CUTOFF and here(r)]
    for c in ProductCategory.objects.all():
        mine = [o for o in outcomes if o.category_id == c.pk]
        md = [o for o in mine if o.line in ("market", "drug")]
        out[(c.code, "a1_inspected")] = len({o.enterprise_id for o in md})
        out[(c.code, "a1_failed_review")] = len({o.enterprise_id for o in md if o.outcome == "failed_review"})
        out[(c.code, "a1_failed_cert")] = len({o.enterprise_id for o in md if o.outcome == "failed_certification"})
        out[(c.code, "a1_failed_other")] = len({o.enterprise_id for o in md if o.outcome == "failed_other"})
        ex = [x for x in checks if x.category_id == c.pk]
        out[(c.code, "a1_export_enterprises")] = len({x.enterprise_id for x in ex})
        batches, bad = sum(x.batches_checked for x in ex), sum(x.batches_nonconforming for x in ex)
        out[(c.code, "a1_export_batches")] = batches
        out[(c.code, "a1_export_nonconforming")] = bad
        out[(c.code, "a1_export_rate")] = ((Decimal(bad) / Decimal(batches) * 100).quantize(Decimal("0.01"))
                                           if batches else "")
        out[(c.code, "a1_recalled")] = sum(r.quantity for r in recalls if r.category_id == c.pk)
        out[(c.code, "a1_no_standard")] = len({o.enterprise_id for o in mine if o.outcome == "no_standard"})
    return out


def independent_annex2(region_id=None) -> dict[tuple[str, str], object]:
    out = {}
    cases = [k for k in Case.objects.select_related("case_category", "product_category")
             if region_id is None or k.region_id == region_id]

    def filed(k):
        return k.filed_on is not None and START <= k.filed_on <= CUTOFF

    def decided(k):
        return k.decided_on is not None and START <= k.decided_on <= CUTOFF

    def fines(ks) -> Decimal:
        return (sum((k.fine + k.confiscation for k in ks if decided(k)), Decimal(0)) / 10000).quantize(Decimal("0.01"))

    for c in ProductCategory.objects.all():
        mine = [k for k in cases if k.product_category_id == c.pk]
        for group in ("quality", "certification", "drug_device", "price", "other"):
            g = [k for k in mine if k.case_category.code == group]
            out[(c.code, f"a2_{group}_filed")] = sum(filed(k) for k in g)
            out[(c.code, f"a2_{group}_penalised")] = sum(decided(k) for k in g)
            out[(c.code, f"a2_{group}_fines")] = fines(g)
        ps = [k for k in mine if k.case_category.code == "public_security" and filed(k)]
        out[(c.code, "a2_ps_admin")] = sum(k.police_kind == "administrative" for k in ps)
        out[(c.code, "a2_ps_criminal")] = sum(k.police_kind == "criminal" for k in ps)
        out[(c.code, "a2_total_filed")] = sum(filed(k) for k in mine)
        out[(c.code, "a2_total_penalised")] = sum(decided(k) for k in mine)
        out[(c.code, "a2_total_fines")] = fines(mine)
        out[(c.code, "a2_transferred")] = sum(1 for k in mine
                                              if k.transferred_to_police_on and k.transferred_to_police_on <= CUTOFF)
        out[(c.code, "a2_units")] = sum(k.units_investigated for k in mine if filed(k))
        out[(c.code, "a2_staff")] = sum(k.staff_dispatched for k in mine if filed(k))
    return out


def engine_values(code: str, scope: ReportScope) -> dict[tuple[str, str], object]:
    table = compute_table(TableLayout.objects.get(code=code), scope=scope, cutoff=CUTOFF)
    return {(category.code, cell.indicator.code): cell.value for category, cells in table.rows for cell in cells}


class TableFigureTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.records = build(cls.users)

    def test_annex1_matches_an_independent_count(self):
        values = engine_values("annex1", ReportScope())
        expected = independent_annex1()
        for key, value in values.items():
            self.assertEqual(str(value), str(expected[key]), key)
        self.assertEqual(values[("mask", "a1_inspected")], 3)       # e1 (twice), e2, e3 — e1 once
        self.assertEqual(values[("mask", "a1_failed_cert")], 0)     # 06-10 is after the cut-off
        self.assertEqual(values[("thermometer", "a1_export_batches")], 15)
        self.assertEqual(str(values[("thermometer", "a1_export_rate")]), "13.33")  # 2 / 15, from sums
        self.assertEqual(values[("protective_suit", "a1_inspected")], 1)  # one enterprise, counted per category

    def test_annex2_matches_an_independent_count(self):
        values = engine_values("annex2", ReportScope())
        expected = independent_annex2()
        for key, value in values.items():
            self.assertEqual(str(value), str(expected[key]), key)
        self.assertEqual(str(values[("mask", "a2_total_fines")]), "2.50")  # 25,000 元 = 2.50 万元

    def test_province_equals_the_sum_of_its_cities(self):
        for code in ("annex1", "annex2"):
            province = engine_values(code, ReportScope())
            totals: dict = {}
            for city in Region.objects.filter(level="city"):
                for key, value in engine_values(code, ReportScope(region_id=city.pk)).items():
                    if Indicator.objects.get(code=key[1]).aggregate == "ratio":
                        continue
                    totals[key] = totals.get(key, 0) + Decimal(str(value))
            for key, total in totals.items():
                self.assertEqual(Decimal(str(province[key])), total, key)

    def test_city_tables_hold_only_the_city(self):
        shenyang = Region.objects.get(code="210100")
        values = engine_values("annex1", ReportScope(region_id=shenyang.pk))
        self.assertEqual(values, {k: v for k, v in values.items()})
        self.assertEqual(values[("mask", "a1_inspected")], 2)
        self.assertEqual(values[("mask", "a1_no_standard")], 0)  # that was Dalian
        self.assertEqual(values[("thermometer", "a1_export_batches")], 0)  # Dandong's exports are not Shenyang's

    def test_table_costs_one_query_per_source(self):
        layout = TableLayout.objects.get(code="annex2")
        with CaptureQueriesContext(connection) as ctx:
            compute_table(layout, scope=ReportScope(), cutoff=CUTOFF)
        aggregate_queries = [q for q in ctx.captured_queries if "GROUP BY" in q["sql"]]
        self.assertEqual(len(aggregate_queries), 1)  # filed_on, decided_on and transferred_to_police_on in one scan
        with CaptureQueriesContext(connection) as ctx:
            compute_tables(Campaign.objects.get(code="ln-2020-epidemic-supplies"), ReportScope(), CUTOFF)
        # both tables: inspection outcomes, export checks, recalls, cases
        self.assertEqual(len([q for q in ctx.captured_queries if "GROUP BY" in q["sql"]]), 4)

    def test_grouping_by_filter_columns_gives_the_figures_of_one_aggregate_per_indicator(self):
        """附件2's indicators are summed from rows grouped by the columns they filter on; the plain
        way (one FILTER aggregate per indicator) must give the same figures for one cut-off, for
        the dashboard's several cut-offs and per city."""
        campaign = Campaign.objects.get(code="ln-2020-epidemic-supplies")
        _columns, indicators = engine.layout_indicators(TableLayout.objects.get(code="annex2"))
        members = list(indicators.values())
        self.assertIsNotNone(engine._filter_plan(Case, [m for m in members if m.aggregate != "ratio"]))
        weeks = [datetime.date(2020, 5, 21), CUTOFF, datetime.date(2020, 6, 18)]
        for kwargs in ({"cutoff": CUTOFF}, {"cutoffs": weeks}, {"cutoff": CUTOFF, "by_region": True}):
            grouped = engine.compute_raw(members, scope=ReportScope(), campaign=campaign, **kwargs)
            with mock.patch.object(engine, "_filter_plan", return_value=None):
                plain = engine.compute_raw(members, scope=ReportScope(), campaign=campaign, **kwargs)
            self.assertTrue(any(plain.values()), kwargs)
            self.assertEqual({k: v for k, v in grouped.items() if v}, {k: v for k, v in plain.items() if v}, kwargs)

    def test_filters_the_grouping_cannot_evaluate_fall_back_to_one_aggregate_each(self):
        def plan(filters):
            return engine._filter_plan(Case, [Indicator(pk=1, aggregate="count", filters=filters)])

        quality = Case._meta.get_field("case_category").related_model.objects.filter(code="quality")
        self.assertEqual(plan({"case_category__code": "quality"}),
                         {1: {"case_category_id": frozenset(quality.values_list("pk", flat=True))}})
        self.assertEqual(plan({"police_kind__in": ["criminal"], "police_kind__exact": "criminal"}),
                         {1: {"police_kind": frozenset({"criminal"})}})
        for unsupported in ({"decided_on__isnull": True}, {"case_category__isnull": False}, {"fine__gte": 1},
                            {"enterprise__region__code": "210100"}, {"violation_types__code": "x"},
                            {"no_such_field": 1}):
            self.assertIsNone(plan(unsupported), unsupported)
        self.assertIsNone(engine._filter_plan(Case, [Indicator(pk=2, aggregate="count_distinct", field="enterprise")]))

    def test_every_nonzero_cell_drills_down_to_its_records(self):
        self.login("province_office")
        page = self.client.get("/reports/tables/", {"cutoff": CUTOFF.isoformat()})
        self.assertEqual(page.status_code, 200)
        table = page.context["tables"]
        links = 0
        for t in table:
            for category, cells in t.rows:
                for cell in cells:
                    if cell.drillable:
                        links += 1
                        response = self.client.get(f"/reports/drill/{cell.indicator.pk}/",
                                                   {"category": category.pk, "cutoff": CUTOFF.isoformat()})
                        self.assertEqual(response.status_code, 200)
                        self.assertGreater(response.context["count"], 0, (category.code, cell.indicator.code))
                        self.assertIsNotNone(response.context["table"])
                        self.assertGreater(len(response.context["table"].rows), 0)
        self.assertGreater(links, 10)

    def test_a_city_cannot_ask_for_another_city(self):
        self.login("dalian_office")
        shenyang = Region.objects.get(code="210100")
        self.assertEqual(self.client.get("/reports/tables/", {"region": shenyang.pk}).status_code, 403)
        response = self.client.get("/reports/tables/")
        self.assertEqual(response.context["scope"].region_id, Region.objects.get(code="210200").pk)
        ind = Indicator.objects.get(code="a1_inspected")
        mask = ProductCategory.objects.get(code="mask")
        response = self.client.get(f"/reports/drill/{ind.pk}/", {"category": mask.pk, "region": shenyang.pk})
        self.assertEqual(response.status_code, 403)


class DashboardTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.records = build(cls.users)

    def test_dashboard_charts_have_their_numbers_as_tables_and_local_assets(self):
        self.login("province_office")
        response = self.client.get("/reports/dashboard/", {"cutoff": "2020-06-11"})
        self.assertEqual(response.status_code, 200)
        charts = response.context["charts"]
        self.assertGreaterEqual(len(charts), 3)
        inspected = next(c for c in charts if c["title"].startswith("排查企业"))
        # cumulative at 06-11: e1, e2, e3 masks + e1 suit = 4 category-enterprises
        self.assertEqual(inspected["rows"][-1][1][0], 4.0)
        self.assertContains(response, "/static/vendor/echarts/echarts.min.js")
        self.assertNotContains(response, "http://")
        self.assertNotContains(response, "https://")
        self.assertContains(response, 'type="application/json"')

    def test_city_dashboard_is_its_own(self):
        self.login("dalian_office")
        response = self.client.get("/reports/dashboard/", {"cutoff": "2020-06-11"})
        inspected = next(c for c in response.context["charts"] if c["title"].startswith("排查企业"))
        self.assertEqual(inspected["rows"][-1][1][0], 1.0)

    def test_dashboard_figures_are_reused_until_a_record_changes(self):
        self.login("province_office")
        params = {"cutoff": "2020-06-11"}
        first = self.client.get("/reports/dashboard/", params)

        def inspected(response) -> float:
            return next(c for c in response.context["charts"] if c["title"].startswith("排查企业"))["rows"][-1][1][0]

        with CaptureQueriesContext(connection) as ctx:
            again = self.client.get("/reports/dashboard/", params)
        self.assertEqual(inspected(again), inspected(first))
        self.assertFalse([q for q in ctx.captured_queries if "GROUP BY" in q["sql"]],
                         "unchanged records: no aggregate rerun")
        # Dandong's thermometer maker inspected for the first time: the next view counts it at once
        clerk = self.users["province_office"]
        with acting_as(clerk):
            fw.inspection_record(unit=unit("210600-samr"), enterprise=self.records["e4"],
                                 date=datetime.date(2020, 6, 1), inspectors=officers("210600-samr"), actor=clerk,
                                 outcomes={cat("thermometer"): "passed"})
        with CaptureQueriesContext(connection) as ctx:
            after = self.client.get("/reports/dashboard/", params)
        self.assertTrue([q for q in ctx.captured_queries if "GROUP BY" in q["sql"]])
        self.assertEqual(inspected(after), inspected(first) + 1)
