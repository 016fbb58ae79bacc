"""The province's two views of its figures — *as reported* (the sum of the versions it was sent,
each unit's status beside it) and *live* (from the records) — the province's own report upward,
frozen from the first, the narrative written from the records, and the tables through the API."""
from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
from django.core.exceptions import PermissionDenied, ValidationError

from rectify.accounts.models import Role, User
from rectify.core.audit.integrity import compute
from rectify.core.current import acting_as
from rectify.fieldwork import services as fw
from rectify.organisations.models import Campaign, Unit
from rectify.reports import services
from rectify.reports.engine import ReportScope
from rectify.reports.models import WeeklyReport
from rectify.reports.services.narrative import draft, figures
from rectify.testing import WorldTestCase

from .fixtures import build, cat, unit
from .test_weekly_cycle import ON_TIME, at

D = datetime.date.fromisoformat
CUTOFF = D("2020-06-04")


def cell(tables: dict, layout: str, category: str, indicator: str):
    table = tables[layout]
    row = next(r for r in table["rows"] if r["category"] == category)
    return row["values"][table["columns"].index(indicator)]


def column_total(tables: dict, indicator: str) -> Decimal:
    return sum((Decimal(str(v)) for t in tables.values() for r in t["rows"]
                for code, v in zip(t["columns"], r["values"], strict=True) if code == indicator and v != ""),
               Decimal(0))


class AsReportedTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.records = build(cls.users)
        cls.campaign = Campaign.objects.get(code="ln-2020-epidemic-supplies")
        cls.dandong = User.objects.create_user(username="t_dandong_office", unit=unit("210600-office"),
                                               full_name="丹东审核")
        cls.dandong.roles.set(Role.objects.filter(code__in=["reviewer", "clerk"]))
        services.reports_open_week(campaign=cls.campaign, day=D("2020-06-01"))

    def _report(self, code: str) -> WeeklyReport:
        return WeeklyReport.objects.get(unit__code=code, cutoff=CUTOFF, kind="weekly")

    def _submit(self, code: str, user: User, **values) -> WeeklyReport:
        report = self._report(code)
        explanations = {f.key: "核实无误" for f in services.report_check(
            report, self._tables_for(report)) if f.level == "warning"}
        with at(ON_TIME):
            services.report_submit(report=report, actor=user, narrative={}, filled_by="填报人", phone="",
                                   explanations=explanations, **values)
        return self._report(code)

    def _tables_for(self, report: WeeklyReport) -> dict:
        if report.unit.is_provincial:
            return services.as_reported(self.campaign, report.cutoff, report.unit, with_own=True).tables
        return services.snapshot_of(services.compute_tables(self.campaign, services.report_scope(report),
                                                            report.cutoff))

    def _week(self):
        """Shenyang submitted and accepted, Dalian submitted and returned, Dandong submitted."""
        province = self.users["province_office"]
        shenyang = self._submit("210100-office", self.users["shenyang_office"])
        services.report_accept(report=shenyang, actor=province)
        dalian = self._submit("210200-office", self.users["dalian_office"])
        services.report_return(report=dalian, actor=province, reason="附件2缺少说明")
        self._submit("210600-office", self.dandong)

    # --- as reported ---------------------------------------------------------------------------------
    def test_as_reported_is_the_sum_of_the_counted_versions_and_marks_the_others(self):
        self._week()
        summed = services.as_reported(self.campaign, CUTOFF, unit("210000-office"))
        states = {u.unit.code: u.state for u in summed.units}
        self.assertEqual(len(states), 14)
        self.assertEqual((states["210100-office"], states["210200-office"], states["210600-office"],
                          states["210300-office"]), ("counted", "returned", "counted", "open"))
        counted = [self._report(c).latest_version.tables for c in ("210100-office", "210600-office")]
        # Every non-ratio cell is the sum of the two counted versions' cells.
        for layout, table in summed.tables.items():
            for row in table["rows"]:
                for code, value in zip(table["columns"], row["values"], strict=True):
                    if code == "a1_export_rate":
                        continue
                    expected = sum(Decimal(str(cell(v, layout, row["category"], code))) for v in counted)
                    self.assertEqual(Decimal(str(value)), expected, (layout, row["category"], code))
        # Dalian's case (returned) is not counted; Shenyang's two are.
        self.assertEqual(cell(summed.tables, "annex2", "mask", "a2_total_filed"), 2)
        self.assertEqual(cell(summed.tables, "annex2", "mask", "a2_total_fines"), "2.50")
        # Dandong (Dalian Customs' checks): 2 of 15 batches, the rate from the sums.
        self.assertEqual(cell(summed.tables, "annex1", "thermometer", "a1_export_batches"), 15)
        self.assertEqual(cell(summed.tables, "annex1", "thermometer", "a1_export_rate"), "13.33")
        self.assertEqual([u.unit.code for u in summed.missing][:2], ["210200-office", "210300-office"])

    def test_as_reported_and_live_differ_by_what_was_not_reported(self):
        self._week()
        summed = services.as_reported(self.campaign, CUTOFF, unit("210000-office"))
        live = services.snapshot_of(services.compute_tables(
            self.campaign, ReportScope(viewer=self.users["province_office"]), CUTOFF))
        # Dalian's quality case is in the live figures only: its report was returned.
        self.assertEqual(cell(live, "annex2", "mask", "a2_total_filed"), 3)
        self.assertEqual(cell(summed.tables, "annex2", "mask", "a2_total_filed"), 2)

    def test_the_page_names_the_view_shows_statuses_and_the_workbook(self):
        self._week()
        self.login("province_office")
        page = self.client.get("/reports/reported/", {"cutoff": "2020-06-04"})
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        self.assertIn("汇总表（报送口径：按已报送的报告汇总）", html)
        self.assertIn('data-unit="210200-office" data-state="returned"', html)
        self.assertIn("已退回，未计入", html)
        self.assertIn('id="reported-missing"', html)
        self.assertIn('href="/reports/tables/?cutoff=2020-06-04"', html)
        book = openpyxl.load_workbook(io.BytesIO(self.client.get(
            "/reports/reported/", {"cutoff": "2020-06-04", "format": "xlsx"}).content))
        self.assertEqual(book.sheetnames[:2], ["汇总-附件1", "汇总-附件2"])
        self.assertIn("沈阳市-附件1", book.sheetnames)
        self.assertNotIn("大连市-附件1", book.sheetnames)  # returned: not counted
        # The live page links to this one.
        self.assertContains(self.client.get("/reports/tables/", {"cutoff": "2020-06-04"}), 'id="to-reported"')

    def test_a_city_has_no_as_reported_view_and_a_department_sees_its_line(self):
        self.login("shenyang_office")
        self.assertEqual(self.client.get("/reports/reported/").status_code, 403)
        samr = services.as_reported(self.campaign, CUTOFF, unit("210000-samr"))
        self.assertEqual({u.unit.code for u in samr.units}, {f"{c.region.code}-samr" for c in
                                                             Unit.objects.filter(is_office=True, region__level="city")})

    # --- the province's own report upward ------------------------------------------------------------
    def test_the_provinces_report_freezes_the_sum_is_sealed_and_is_corrected_by_resubmitting(self):
        self._week()
        # The units not counted make one warning to explain, naming them, not one per cell.
        uncounted = [f for f in services.report_check(self._report("210000-office"), self._tables_for(
            self._report("210000-office"))) if f.level == "warning"]
        self.assertEqual([f.rule for f in uncounted], ["uncounted"])
        self.assertIn("12个单位未计入本周汇总（大连市专项工作组办公室、鞍山市专项工作组办公室", uncounted[0].message)
        own = self._submit("210000-office", self.users["province_office"])
        v1 = own.latest_version
        self.assertEqual(own.status, "submitted")
        expected = services.as_reported(self.campaign, CUTOFF, unit("210000-office"), with_own=True).tables
        self.assertEqual(v1.tables, expected)
        self.assertEqual({b["unit"]: b["state"] for b in v1.basis}["大连市专项工作组办公室"], "returned")
        self.assertEqual(v1.integrity_code, compute(v1.integrity_fields()))
        # Nobody in the system receives it: accept and return are refused with the reason.
        with self.assertRaises(PermissionDenied) as refused:
            services.report_accept(report=own, actor=self.users["province_office"])
        self.assertIn("系统内没有接收单位", str(refused.exception))
        # Dalian corrects its report; the province submits again, with its reason only.
        self._submit("210200-office", self.users["dalian_office"], correction_reason="补充附件2说明")
        with self.assertRaises(ValidationError) as no_reason:
            self._submit("210000-office", self.users["province_office"])
        self.assertIn("更正原因", " ".join(no_reason.exception.messages))
        own = self._submit("210000-office", self.users["province_office"], correction_reason="大连市补报")
        v2 = own.latest_version
        self.assertEqual((v2.number, v2.correction_reason), (2, "大连市补报"))
        diffs = services.versions_compare(v1, v2)
        self.assertIn(("annex2", "mask", "a2_total_filed", 2, 3),
                      [(d["table"], d["category"], d["column"], d["old"], d["new"]) for d in diffs])
        self.assertEqual(v1.integrity_code, compute(v1.integrity_fields()))  # v1 stays as it was
        # A city's submitted report still waits for its receiver: no second submission.
        with self.assertRaises(ValidationError):
            self._submit("210600-office", self.dandong, correction_reason="再报一次")

    def test_the_province_report_page_shows_the_sum_and_the_cities(self):
        self._week()
        self.login("province_office")
        page = self.client.get(self._report("210000-office").get_absolute_url())
        self.assertContains(page, "报送口径汇总（预览，报送时冻结为新版本）")
        self.assertContains(page, 'id="reported-units"')
        self.assertContains(page, 'data-unit="210300-office" data-state="open"')

    # --- the narrative from the records --------------------------------------------------------------
    def test_the_narrative_figures_agree_with_the_tables(self):
        report = self._report("210100-office")
        found = figures(report)
        tables = self._tables_for(report)
        self.assertEqual(Decimal(found["filed"].total), column_total(tables, "a2_total_filed"))
        self.assertEqual(Decimal(found["fines"].total), column_total(tables, "a2_total_fines"))
        self.assertEqual(Decimal(found["inspected"].total), column_total(tables, "a1_inspected"))
        failed = sum(column_total(tables, c) for c in ("a1_failed_review", "a1_failed_cert", "a1_failed_other"))
        self.assertEqual(Decimal(found["failed"].total), failed)
        # The week: the cases decided from 05-29 to 06-04 (SY-P-1, 05-30), nothing filed.
        self.assertEqual((found["fines"].week, found["fines"].total), ("2.50", "2.50"))
        self.assertEqual((found["filed"].week, found["filed"].total), (0, 2))
        self.assertEqual((found["entities"].week, found["entities"].total), (0, 2))
        text = draft(report)
        self.assertIn("本周立案0件，累计立案2件", text["cases_and_fines"])
        self.assertIn("罚没2.50万元（本周2.50万元）", text["cases_and_fines"])

    def test_an_inspection_of_the_week_moves_the_week_and_the_total(self):
        report = self._report("210100-office")
        before = figures(report)
        clerk = self.users["shenyang_samr"]
        with acting_as(clerk):
            fw.inspection_record(unit=unit("210100-samr"), enterprise=self.records["e2"], date=D("2020-06-02"),
                                 inspectors=User.objects.filter(username__startswith="off_210100-samr_"), actor=clerk,
                                 staff_dispatched=3,
                                 outcomes={cat("mask"): "passed"})
        after = figures(report)
        self.assertEqual(after["entities"].week, before["entities"].week + 1)
        self.assertEqual(after["staff"].week, before["staff"].week + 3)
        self.assertEqual(after["staff"].total, before["staff"].total + 3)
        self.assertEqual(after["entities"].total, before["entities"].total)  # 沈阳乙 was inspected before

    def test_the_submit_form_starts_from_the_drafted_text(self):
        self.login("shenyang_office")
        page = self.client.get(self._report("210100-office").get_absolute_url())
        self.assertContains(page, 'id="drafted_cases_and_fines"')
        self.assertContains(page, "本周立案0件，累计立案2件")

    # --- the tables through the API ------------------------------------------------------------------
    def test_live_cells_carry_their_value_and_drill_down_whose_total_matches(self):
        body = self.api("province_office").get("/api/reports/tables/", {"cutoff": "2020-06-04"}).json()
        self.assertEqual(body["basis"], "live")
        annex2 = next(t for t in body["tables"] if t["code"] == "annex2")
        mask = next(r for r in annex2["rows"] if r["category"] == "mask")
        fines = next(c for c in mask["cells"] if c["indicator"] == "a2_total_fines")
        self.assertEqual(fines["value"], "2.50")
        self.assertIn("/reports/drill/", fines["drill"])
        self.login("province_office")
        drill = self.client.get(fines["drill"].split("testserver", 1)[1])
        self.assertEqual(drill.status_code, 200)
        self.assertEqual(str(drill.context["total"]), "2.50")
        self.assertContains(drill, 'id="drill-total"')
        zero = next(c for c in mask["cells"] if c["value"] == 0)
        self.assertIsNone(zero["drill"])

    def test_the_reported_basis_and_bad_parameters(self):
        self._week()
        api = self.api("province_office")
        body = api.get("/api/reports/tables/", {"cutoff": "2020-06-04", "basis": "reported"}).json()
        self.assertEqual({u["unit_code"]: u["state"] for u in body["units"]}["210200-office"], "returned")
        annex2 = next(t for t in body["tables"] if t["code"] == "annex2")
        mask = next(r for r in annex2["rows"] if r["category"] == "mask")
        self.assertEqual(next(c["value"] for c in mask["cells"] if c["indicator"] == "a2_total_filed"), 2)
        for params, field in (({"cutoff": "2020-13-01"}, "cutoff"), ({"cutoff": "2021-01-01"}, "cutoff"),
                              ({"basis": "nope"}, "basis"), ({"region": "999999"}, "region"),
                              ({"region": "abc"}, "region")):
            answer = api.get("/api/reports/tables/", params)
            self.assertEqual(answer.status_code, 400, params)
            self.assertIn(field, answer.json(), params)
        city = self.api("shenyang_office")
        self.assertEqual(city.get("/api/reports/tables/", {"basis": "reported"}).status_code, 403)
        dalian = Unit.objects.get(code="210200-office").region_id
        self.assertEqual(city.get("/api/reports/tables/", {"region": dalian}).status_code, 403)
        self.assertIn(self.api(None).get("/api/reports/tables/").status_code, (401, 403))

    def test_the_provinces_week_counts_the_units_counted_now_against_their_own_last_week(self):
        services.reports_open_week(campaign=self.campaign, day=D("2020-05-25"))
        province = self.users["province_office"]
        for code, user in (("210100-office", self.users["shenyang_office"]), ("210200-office",
                                                                              self.users["dalian_office"])):
            report = WeeklyReport.objects.get(unit__code=code, cutoff=D("2020-05-28"))
            with at(datetime.datetime(2020, 5, 28, 10, tzinfo=datetime.UTC)):
                services.report_submit(report=report, actor=user, narrative={}, filled_by="填报人", phone="")
            services.report_accept(report=report, actor=province)
        self._submit("210100-office", self.users["shenyang_office"])  # Dalian not yet this week
        found = figures(self._report("210000-office"))
        # Shenyang's two cases were filed before 05-28: nothing new this week. Dalian's case, counted
        # last week and not yet this week, does not make the week negative.
        self.assertEqual((found["filed"].week, found["filed"].total), (0, 2))
