"""The configuration behind the weekly tables is validated (issue 17, point 8): an indicator, a table
layout or a column that cannot be computed is refused when saved — through the page, the API and
the service — with the reason naming the field; one that got into the database anyway (raw SQL, an
older version) leaves the tables page, the files, the dashboard and the report page working, and
they say which indicator is broken and why."""
from __future__ import annotations

import datetime
import io
from unittest import mock

import openpyxl
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.urls import reverse

from rectify.core.generic.services import object_create, object_update
from rectify.organisations.models import Campaign, Region
from rectify.reports import engine, official, services
from rectify.reports.models import Indicator, LayoutColumn, TableLayout, WeeklyReport
from rectify.testing import WorldTestCase

from .fixtures import build
from .test_tables import CUTOFF, independent_annex2

GOOD = {"code": "t_fines", "name": "测试罚没", "source": "enforcement.Case", "aggregate": "sum",
        "field": "fine+confiscation", "date_field": "decided_on", "category_field": "product_category",
        "filters": {"case_category__code": "price"}, "scale": "0.0001", "decimals": 2, "region_field": "region",
        "line_field": "line", "description": ""}

# (what is wrong, the changes to GOOD, the field the refusal is on, a word the reason must hold)
BAD = [
    ("a source that does not exist", {"source": "enforcement.Cas"}, "source", "enforcement.Cas"),
    ("a source that is no model label", {"source": "enforcement"}, "source", "enforcement"),
    ("a source that is not a scoped record", {"source": "contenttypes.ContentType"}, "source", "ContentType"),
    ("a summed field that does not exist", {"field": "fines"}, "field", "fines"),
    ("one of the added fields does not exist", {"field": "fine+confiscations"}, "field", "confiscations"),
    ("a sum over text", {"field": "title"}, "field", "title"),
    ("a sum over a foreign key", {"field": "enterprise"}, "field", "enterprise"),
    ("a sum without a field", {"field": ""}, "field", "求和"),
    ("a count with a field it would ignore", {"aggregate": "count", "field": "fine"}, "field", "fine"),
    ("a distinct count over two fields", {"aggregate": "count_distinct", "field": "enterprise+unit"}, "field",
     "enterprise+unit"),
    ("a distinct count over a missing field", {"aggregate": "count_distinct", "field": "firm"}, "field", "firm"),
    ("a date field that does not exist", {"date_field": "decided"}, "date_field", "decided"),
    ("a date field that is no date", {"date_field": "title"}, "date_field", "title"),
    ("a category field that does not exist", {"category_field": "category"}, "category_field", "category"),
    ("a category field that is no product category", {"category_field": "case_category"}, "category_field",
     "case_category"),
    ("no category field", {"category_field": ""}, "category_field", "产品类别"),
    ("a region field that is no region", {"region_field": "unit"}, "region_field", "unit"),
    ("a line field that does not exist", {"line_field": "lines"}, "line_field", "lines"),
    ("a filter on a missing field", {"filters": {"case_categry__code": "price"}}, "filters", "case_categry"),
    ("a filter on a missing field of a related row", {"filters": {"case_category__cod": "price"}}, "filters", "cod"),
    ("a lookup that does not exist", {"filters": {"fine__bigger": 1}}, "filters", "bigger"),
    ("a value outside the choices", {"filters": {"police_kind": "civil"}}, "filters", "civil"),
    ("a list lookup without a list", {"filters": {"police_kind__in": "criminal"}}, "filters", "police_kind__in"),
    ("a value of the wrong type", {"filters": {"units_investigated": "many"}}, "filters", "many"),
    ("a related code that does not exist", {"filters": {"case_category__code": "pricing"}}, "filters", "pricing"),
    ("a filter through a to-many relation", {"filters": {"violation_types__code": "x"}}, "filters",
     "violation_types"),
    ("filters that are no object", {"filters": ["case_category__code", "price"]}, "filters", "JSON"),
    ("too many decimals", {"decimals": 40}, "decimals", "6"),
    ("a ratio without parts", {"aggregate": "ratio"}, "numerator", "分子"),
]


def next_campaign() -> Campaign:
    return Campaign.objects.create(code="ln-2021", name="2021年专项行动", region=Region.objects.get(code="210000"),
                                   start=datetime.date(2021, 5, 1), end=datetime.date(2021, 6, 30),
                                   final_summary_due=datetime.date(2021, 6, 25), is_active=False)


class SavingTests(WorldTestCase):
    """A bad indicator, layout or column is refused on save, whichever way it comes in, and the
    reason names the field; nothing is written."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.campaign = Campaign.objects.get(code="ln-2020-epidemic-supplies")

    def data(self, **changes) -> dict:
        return {**GOOD, "campaign": self.campaign, **changes}

    def test_the_shipped_configuration_passes_the_checks(self):
        for model in (Indicator, TableLayout, LayoutColumn):
            rows = list(model.objects.all())
            self.assertTrue(rows, model)
            for row in rows:
                with self.subTest(row=str(row)):
                    row.full_clean()

    def test_a_good_indicator_is_saved(self):
        indicator = object_create(model=Indicator, data=self.data(), actor=self.users["sysadmin"])
        self.assertEqual(Indicator.objects.get(pk=indicator.pk).field, "fine+confiscation")

    def test_the_service_refuses_each_bad_indicator_naming_the_field(self):
        for what, changes, field, word in BAD:
            with self.subTest(what):
                with self.assertRaises(ValidationError) as caught:
                    object_create(model=Indicator, data=self.data(**changes), actor=self.users["sysadmin"])
                errors = caught.exception.message_dict
                self.assertIn(field, errors, errors)
                self.assertIn(word, " ".join(errors[field]))
                self.assertFalse(Indicator.objects.filter(code="t_fines").exists())

    def test_an_edit_that_breaks_an_indicator_is_refused_and_changes_nothing(self):
        indicator = Indicator.objects.get(code="a2_units")
        with self.assertRaises(ValidationError) as caught:
            object_update(obj=indicator, data={"field": "units_checked"}, actor=self.users["sysadmin"])
        self.assertIn("units_checked", " ".join(caught.exception.message_dict["field"]))
        self.assertEqual(Indicator.objects.get(pk=indicator.pk).field, "units_investigated")

    def test_the_page_refuses_a_sum_over_a_field_that_does_not_exist(self):
        self.login("sysadmin")
        form = {**GOOD, "campaign": self.campaign.pk, "field": "fines", "filters": '{"case_category__code": "price"}'}
        response = self.client.post(reverse("reports:indicator_add"), form)
        self.assertEqual(response.status_code, 400)
        self.assertIn("fines", " ".join(response.context["form"].errors["field"]))
        self.assertContains(response, "没有字段“fines”", status_code=400)
        self.assertFalse(Indicator.objects.filter(code="t_fines").exists())
        response = self.client.post(reverse("reports:indicator_add"), {**form, "field": "title"})
        self.assertContains(response, "不是数值字段，不能求和", status_code=400)
        self.client.post(reverse("reports:indicator_add"), {**form, "field": "fine+confiscation"})
        self.assertTrue(Indicator.objects.filter(code="t_fines").exists())

    def test_the_api_refuses_a_filter_on_a_field_that_does_not_exist(self):
        api = self.api("sysadmin")
        data = {**GOOD, "campaign": self.campaign.pk, "filters": {"case_categry__code": "price"}}
        response = api.post("/api/reports/indicator/", data, format="json")
        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn("case_categry", " ".join(response.json()["filters"]))
        self.assertFalse(Indicator.objects.filter(code="t_fines").exists())
        response = api.post("/api/reports/indicator/", {**data, "filters": GOOD["filters"]}, format="json")
        self.assertEqual(response.status_code, 201, response.content)

    def test_a_ratio_takes_two_counted_or_summed_parts_of_its_campaign(self):
        rate = Indicator.objects.get(code="a1_export_rate")
        batches = Indicator.objects.get(code="a1_export_batches")
        sysadmin = self.users["sysadmin"]
        with self.assertRaises(ValidationError) as caught:
            object_update(obj=rate, data={"numerator": rate}, actor=sysadmin)
        self.assertIn("numerator", caught.exception.message_dict)
        with self.assertRaises(ValidationError) as caught:
            object_create(model=Indicator, data={**self.data(code="t_rate", aggregate="ratio", field=""),
                                                 "numerator": rate, "denominator": batches}, actor=sysadmin)
        self.assertIn("本身是比率", " ".join(caught.exception.message_dict["numerator"]))
        # a part of a ratio does not become a ratio itself
        with self.assertRaises(ValidationError) as caught:
            object_update(obj=batches, data={"aggregate": "ratio", "numerator": rate, "denominator": rate},
                          actor=sysadmin)
        self.assertIn("aggregate", caught.exception.message_dict)

    def test_a_layout_with_rules_it_cannot_apply_or_a_label_no_sheet_can_bear_is_refused(self):
        sysadmin = self.users["sysadmin"]
        layout = TableLayout.objects.get(code="annex1")
        cases = [
            ({"rules": {"kind": "lte"}}, "rules", "列表"),
            ({"rules": ["a1_inspected"]}, "rules", "第1条"),
            ({"rules": [{"kind": "gte", "left": "a1_inspected", "right": "a1_recalled"}]}, "rules", "gte"),
            ({"rules": [{"kind": "lte", "left": "a1_inspectd", "right": "a1_recalled"}]}, "rules", "a1_inspectd"),
            ({"label": "附件1/2"}, "label", "/"),
            ({"label": "附件2"}, "label", "附件2"),
        ]
        for changes, field, word in cases:
            with self.subTest(changes=changes):
                with self.assertRaises(ValidationError) as caught:
                    object_update(obj=layout, data=changes, actor=sysadmin)
                self.assertIn(word, " ".join(caught.exception.message_dict[field]))
        layout.refresh_from_db()
        self.assertEqual(layout.label, "附件1")

    def test_the_history_words_a_layouts_rules_from_its_creation_on(self):
        """The creation (nothing before) and an edit both show the rules over the indicators' names."""
        sysadmin = self.users["sysadmin"]
        layout = object_create(model=TableLayout, data={
            "campaign": self.campaign, "code": "annex9", "label": "附件9", "title": "历史测试表", "order": 9,
            "rules": [{"kind": "lte", "left": "a1_failed_cert", "right": "a1_inspected"}]}, actor=sysadmin)
        object_update(obj=layout, data={"rules": [{"kind": "lte", "left": "a1_failed_other",
                                                     "right": "a1_inspected"}]}, actor=sysadmin)
        self.login("sysadmin")
        page = self.client.get(f"/reports/tablelayout/{layout.pk}/history/").content.decode()
        names = dict(Indicator.objects.filter(code__in=["a1_failed_cert", "a1_failed_other", "a1_inspected"])
                     .values_list("code", "name"))
        self.assertEqual(page.count(f"{names['a1_failed_cert']}不大于{names['a1_inspected']}"), 2, page)
        self.assertIn(f"{names['a1_failed_other']}不大于{names['a1_inspected']}", page)
        for code in names:
            self.assertNotIn(code, page)

    def test_a_column_shows_an_indicator_of_its_layouts_campaign(self):
        other = next_campaign()
        foreign = Indicator.objects.create(campaign=other, code="a1_inspected", name="排查企业数量（2021）",
                                           source="fieldwork.InspectionOutcome", aggregate="count",
                                           date_field="date", category_field="category")
        with self.assertRaises(ValidationError) as caught:
            object_create(model=LayoutColumn, data={"layout": TableLayout.objects.get(code="annex1"), "order": 50,
                                                    "header": "新列", "indicator": foreign},
                          actor=self.users["sysadmin"])
        self.assertIn("2021年专项行动", " ".join(caught.exception.message_dict["indicator"]))
        self.assertFalse(LayoutColumn.objects.filter(order=50).exists())

    def test_an_indicator_or_a_layout_shown_by_this_campaigns_tables_stays_in_it(self):
        """The rows that use them keep them: 附件1's columns show 排查企业数量, and 附件1 shows this
        campaign's indicators."""
        other, sysadmin = next_campaign(), self.users["sysadmin"]
        inspected = Indicator.objects.get(code="a1_inspected")
        with self.assertRaises(ValidationError) as caught:
            object_update(obj=inspected, data={"campaign": other}, actor=sysadmin)
        self.assertIn("附件1", " ".join(caught.exception.message_dict["campaign"]))
        layout = TableLayout.objects.get(code="annex1")
        with self.assertRaises(ValidationError) as caught:
            object_update(obj=layout, data={"campaign": other}, actor=sysadmin)
        self.assertIn("另一专项行动的指标", " ".join(caught.exception.message_dict["campaign"]))
        self.assertEqual(Indicator.objects.get(pk=inspected.pk).campaign_id, self.campaign.pk)
        self.assertEqual(TableLayout.objects.get(pk=layout.pk).campaign_id, self.campaign.pk)


class BrokenInDatabaseTests(WorldTestCase):
    """Configuration the checks would refuse, written behind their back: every page and file that
    evaluates the indicators answers, says which indicator is broken and why, and computes the rest."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.records = build(cls.users)
        cls.campaign = Campaign.objects.get(code="ln-2020-epidemic-supplies")

    def raw_update(self, code: str, column: str, value) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE reports_indicator SET {column} = %s WHERE code = %s", [value, code])

    def break_units(self) -> None:
        """附件2's 被查单位 sums a field that does not exist (renamed since, say)."""
        self.raw_update("a2_units", "field", "units_checked")

    def cells(self, table, code: str) -> list:
        position = [c.indicator.code for c in table.columns].index(code)
        return [cells[position] for _category, cells in table.rows]

    def test_the_tables_page_names_the_broken_indicator_and_computes_the_rest(self):
        self.break_units()
        self.login("province_office")
        response = self.client.get(reverse("reports:tables"), {"cutoff": CUTOFF.isoformat()})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "被查单位")
        self.assertContains(response, "units_checked")
        self.assertContains(response, "本表的配置有误")
        annex2 = next(t for t in response.context["tables"] if t.layout.code == "annex2")
        self.assertTrue(all(cell.problem and cell.value == "" for cell in self.cells(annex2, "a2_units")))
        expected = independent_annex2()
        computed = {(category.code, cell.indicator.code): cell.value for category, cells in annex2.rows
                    for cell in cells if cell.indicator.code != "a2_units"}
        self.assertEqual(len(computed), 8 * 19)
        self.assertEqual(computed, {key: expected[key] for key in computed})
        self.assertTrue(any(computed.values()))
        annex1 = next(t for t in response.context["tables"] if t.layout.code == "annex1")
        self.assertEqual(annex1.problems, [])

    def test_a_source_that_is_gone_breaks_its_columns_and_the_ratio_built_on_them(self):
        self.raw_update("a1_export_batches", "source", "fieldwork.ExportChek")
        self.login("province_office")
        response = self.client.get(reverse("reports:tables"), {"cutoff": CUTOFF.isoformat()})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "fieldwork.ExportChek")
        annex1 = next(t for t in response.context["tables"] if t.layout.code == "annex1")
        for code in ("a1_export_batches", "a1_export_rate"):
            self.assertTrue(all(cell.problem for cell in self.cells(annex1, code)), code)
        self.assertFalse(any(cell.problem for cell in self.cells(annex1, "a1_export_nonconforming")))
        self.assertEqual(len(annex1.problems), 2)

    def test_filters_that_are_no_object_and_decimals_no_number_can_hold(self):
        Indicator.objects.filter(code="a2_quality_filed").update(filters=["case_category__code", "quality"])
        self.raw_update("a2_total_fines", "decimals", 40)
        self.login("province_office")
        response = self.client.get(reverse("reports:tables"), {"cutoff": CUTOFF.isoformat()})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "筛选条件应为 JSON 对象")
        self.assertContains(response, "小数位应在 0 到 6 之间")

    def test_a_query_the_database_refuses_leaves_the_other_sources(self):
        real = engine._source_rows

        def refuse_cases(source, *args, **kwargs):
            if source == "enforcement.Case":
                raise DatabaseError("invalid input syntax")
            return real(source, *args, **kwargs)

        self.login("province_office")
        with mock.patch.object(engine, "_source_rows", side_effect=refuse_cases):
            response = self.client.get(reverse("reports:tables"), {"cutoff": CUTOFF.isoformat()})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "数据库无法执行该指标的统计查询")
        tables = {t.layout.code: t for t in response.context["tables"]}
        self.assertTrue(all(cell.problem for _c, cells in tables["annex2"].rows for cell in cells))
        self.assertFalse(tables["annex1"].problems)

    def test_the_files_say_which_columns_are_empty_and_why(self):
        self.break_units()
        self.raw_update("a1_recalled", "field", "amount")
        self.login("province_office")
        response = self.client.get(reverse("reports:tables"), {"cutoff": CUTOFF.isoformat(), "format": "xlsx"})
        self.assertEqual(response.status_code, 200)
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                                 if response.streaming else response.content))
        text = " ".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
        self.assertIn("units_checked", text)
        self.assertIn("amount", text)
        response = self.client.get(reverse("reports:province_workbook"), {"cutoff": CUTOFF.isoformat()})
        self.assertEqual(response.status_code, 200)
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        notes = [c for row in book["沈阳市-附件2"].iter_rows(values_only=True) for c in row if c]
        self.assertTrue(any("units_checked" in str(c) for c in notes))

    def test_labels_no_sheet_can_bear_still_give_a_workbook(self):
        # both layouts under one label, and with characters a worksheet name cannot hold
        TableLayout.objects.filter(code__in=["annex1", "annex2"]).update(label="附件[1]")
        self.login("province_office")
        response = self.client.get(reverse("reports:province_workbook"), {"cutoff": CUTOFF.isoformat()})
        self.assertEqual(response.status_code, 200)
        names = openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames
        self.assertEqual(len(names), len(set(names)))
        self.assertIn("全省-附件_1_", names)
        self.assertIn("全省-附件_1_(2)", names)
        self.assertEqual(official.sheet_name("x" * 40, {"x" * 31}), "x" * 28 + "(2)")

    def test_the_drill_down_of_a_broken_indicator_says_why(self):
        self.raw_update("a2_units", "source", "enforcement.Cas")
        indicator = Indicator.objects.get(code="a2_units")
        self.login("province_office")
        response = self.client.get(reverse("reports:drill", args=[indicator.pk]),
                                   {"category": self.records["e1"].categories.first().pk}, follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.redirect_chain[-1][0].split("?")[0], reverse("reports:tables"))
        self.assertContains(response, "无法列出明细")
        self.assertContains(response, "enforcement.Cas")

    def test_the_dashboard_leaves_out_a_broken_chart_and_says_why(self):
        self.raw_update("a2_total_fines", "field", "fines")
        self.login("province_office")
        response = self.client.get(reverse("reports:dashboard"), {"cutoff": "2020-06-11"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "配置有误，未能绘制")
        self.assertContains(response, "“fines”")
        titles = [c["title"] for c in response.context["charts"]]
        self.assertNotIn("罚没金额（万元，累计）", titles)
        self.assertIn("立案与处罚（累计）", titles)

    def test_a_report_is_not_submitted_with_a_column_that_could_not_be_computed(self):
        self.break_units()
        report = services.report_open(campaign=self.campaign, unit=self.users["shenyang_office"].unit,
                                      day=datetime.date(2020, 6, 1), actor=self.users["shenyang_office"])
        self.login("shenyang_office")
        page = self.client.get(reverse("reports:weeklyreport_detail", args=[report.pk]))
        self.assertEqual(page.status_code, 200)
        findings = page.context["findings"]
        self.assertEqual([f.rule for f in findings if f.column == "被查单位"], ["configuration"])
        self.assertIn("units_checked", findings[0].message)
        response = self.client.post(reverse("reports:report_action", args=[report.pk]),
                                    {"action": "submit", "filled_by": "王芳", "phone": "024-1"}, follow=True)
        self.assertContains(response, "指标配置有误，无法计算")
        report.refresh_from_db()
        self.assertEqual(report.status, WeeklyReport.Status.OPEN)
        self.assertFalse(report.versions.exists())
