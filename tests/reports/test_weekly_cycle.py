"""The weekly cycle: a city reviews and submits, the province returns with a reason, the city
corrects and resubmits, the province accepts and downloads the provincial workbook; the files are
in the seed's layout and the figures match the records."""
import datetime
import io
import tempfile
import zipfile
from pathlib import Path
from unittest import mock

import openpyxl
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from rectify.accounts.models import Role
from rectify.core.audit.models import Event
from rectify.core.models import Notification
from rectify.fieldwork.models import Recall
from rectify.organisations.models import Campaign, ProductCategory, Unit
from rectify.reports import services
from rectify.reports.models import WeeklyReport
from rectify.reports.tasks import open_weekly_reports, remind_unsubmitted
from rectify.testing import WorldTestCase

from .fixtures import build

DAY = datetime.date(2020, 6, 1)  # a Monday; the week's deadline is Thursday 2020-06-04 14:00
ON_TIME = timezone.make_aware(datetime.datetime(2020, 6, 4, 10, 0))
LATE = timezone.make_aware(datetime.datetime(2020, 6, 4, 15, 30))
SEED_ORDER = ["口罩", "呼吸机", "防护服", "红外体温计（额温枪）", "新型冠状病毒检测试剂", "熔喷布", "无纺布",
              "红外传感器"]


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


class WeeklyCycleTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.records = build(cls.users)
        cls.campaign = Campaign.objects.get(code="ln-2020-epidemic-supplies")

    def _report(self, city="210100"):
        return WeeklyReport.objects.get(unit__code=f"{city}-office", cutoff=datetime.date(2020, 6, 4))

    def test_week_opens_by_itself_for_every_city(self):
        # 14 city offices, the 6 member units of each city that report to a provincial department
        # (a customs district has none), and the provincial office's own report upward.
        self.assertEqual(open_weekly_reports(DAY.isoformat()), 14 + 14 * 6 + 1)
        self.assertEqual(open_weekly_reports(DAY.isoformat()), 0)  # idempotent
        self.assertTrue(WeeklyReport.objects.filter(unit__code="210100-police", cutoff=datetime.date(2020, 6, 4))
                        .exists())
        self.assertFalse(WeeklyReport.objects.filter(unit__code="210100-customs_sy").exists())
        self.assertTrue(WeeklyReport.objects.filter(unit__code="210000-office", cutoff=datetime.date(2020, 6, 4))
                        .exists())
        report = self._report()
        self.assertEqual(timezone.localtime(report.deadline), timezone.make_aware(datetime.datetime(2020, 6, 4, 14, 0)))
        self.assertEqual(report.week_start, datetime.date(2020, 5, 29))

    def test_submit_return_correct_accept_and_download(self):
        open_weekly_reports(DAY.isoformat())
        report = self._report()
        city, province = self.users["shenyang_office"], self.users["province_office"]
        self.login("shenyang_office")
        page = self.client.get(f"/reports/weeklyreport/{report.pk}/")
        self.assertContains(page, "submit-report")
        with at(ON_TIME):
            response = self.client.post(f"/reports/weeklyreport/{report.pk}/action/", {
                "action": "submit", "filled_by": "王芳", "phone": "024-12345678",
                "narrative_measures": "全面排查口罩生产企业", "narrative_next_week": "继续抽检"})
        self.assertEqual(response.status_code, 302)
        report.refresh_from_db()
        self.assertEqual(report.status, "submitted")
        self.assertFalse(report.is_late)
        v1 = report.latest_version
        self.assertEqual(v1.number, 1)
        mask = next(r for r in v1.tables["annex1"]["rows"] if r["category"] == "mask")
        self.assertEqual(mask["values"][0], 2)  # Shenyang: two enterprises inspected for masks

        # The province cannot return without a reason.
        with self.assertRaises(ValidationError):
            services.report_return(report=report, actor=province, reason="  ")
        self.login("province_office")
        self.client.post(f"/reports/weeklyreport/{report.pk}/action/",
                         {"action": "return", "reason": "召回数量与台账不符，请核实"})
        report.refresh_from_db()
        self.assertEqual((report.status, report.return_reason), ("returned", "召回数量与台账不符，请核实"))

        # A new record arrives; the city corrects and resubmits: a second, different version.
        Recall.objects.create(unit=Unit.objects.get(code="210100-commerce"), enterprise=self.records["e2"],
                              category=ProductCategory.objects.get(code="mask"), product_name="口罩", quantity=500,
                              recalled_on=datetime.date(2020, 6, 3), reason="补录")
        with self.assertRaises(ValidationError):  # a correction needs its reason
            services.report_submit(report=report, actor=city, narrative={}, filled_by="王芳", phone="")
        with at(LATE):
            services.report_submit(report=report, actor=city, narrative={"measures": "已核实"}, filled_by="王芳",
                                   phone="", correction_reason="补录6月3日召回")
        report.refresh_from_db()
        self.assertEqual(report.versions.count(), 2)
        self.assertFalse(report.is_late, "timeliness is that of the first submission")
        v2 = report.latest_version
        kept = WeeklyReport.objects.get(pk=report.pk).versions.get(number=1)
        self.assertEqual(v1.tables["annex1"]["rows"], kept.tables["annex1"]["rows"])
        diffs = services.versions_compare(v1, v2)
        self.assertEqual(diffs, [{"table": "annex1", "category": "mask", "column": "a1_recalled", "old": 1000,
                                  "new": 1500}])
        page = self.client.get(f"/reports/weeklyreport/{report.pk}/")
        self.assertContains(page, "version-diff")

        services.report_accept(report=report, actor=province)
        report.refresh_from_db()
        self.assertEqual(report.status, "accepted")
        self.assertEqual(
            list(Event.objects.filter(object_id=str(report.pk), event__startswith="report.").order_by("id")
                 .values_list("event", flat=True)),
            ["report.submit", "report.return", "report.submit", "report.accept"])

        # The provincial workbook: province sheets and a sheet per city, in the seed's layout.
        response = self.client.get("/reports/province.xlsx", {"cutoff": "2020-06-04"})
        self.assertEqual(response.status_code, 200)
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        self.assertIn("全省-附件1", book.sheetnames)
        self.assertIn("沈阳市-附件2", book.sheetnames)
        self.assertEqual(len(book.sheetnames), 2 + 14 * 2)
        self.assert_official_annex1(book["全省-附件1"])
        self.assert_official_annex2(book["全省-附件2"])
        sheet = book["沈阳市-附件1"]
        self.assertEqual(sheet.cell(6, 2).value, 2)       # Shenyang, masks, enterprises inspected
        self.assertEqual(sheet.cell(6, 10).value, 1500)   # masks recalled

    def assert_official_annex1(self, ws):
        self.assertEqual(ws["A2"].value, "防疫物资生产企业排查、督促、产品质量监督抽查以及出口物资查验情况表")
        self.assertTrue(ws["A3"].value.startswith("填报单位："))
        merged = {str(r) for r in ws.merged_cells.ranges}
        self.assertIn("B4:E4", merged)   # 市场监管、药监部门生产企业排查情况 over four columns
        self.assertIn("F4:I4", merged)   # 海关部门出口物资查验情况
        self.assertIn("J4:K4", merged)   # 商务部门督促企业落实主体责任情况
        self.assertEqual(ws["B4"].value, "市场监管、药监部门生产企业排查情况")
        self.assertEqual([ws.cell(5, c).value for c in range(2, 12)], [
            "排查企业数量", "审评审批不合格企业数量", "认证等不合格企业数量", "其他不合格企业数量",
            "开展质量抽查企业数量", "抽查产品批次", "不合格产品批次", "监督抽查批次不合格发现率", "召回产品数量",
            "无质量标准企业数量"])
        self.assertEqual([ws.cell(r, 1).value for r in range(6, 14)], SEED_ORDER)
        footer = [ws.cell(r, 1).value for r in range(15, 18)]
        self.assertTrue(footer[0].startswith("填报人") and footer[1].startswith("电")
                        and footer[2].startswith("数据截至时间"))
        self.assertEqual(ws.cell(9, 7).value, 15)  # thermometers, batches sampled

    def assert_official_annex2(self, ws):
        self.assertEqual(ws["A2"].value, "防疫物资违法案件查处情况表")
        merged = {str(r) for r in ws.merged_cells.ranges}
        for rng in ("B4:C4", "D4:E4", "F4:H4", "I4:J4", "K4:L4", "M4:O4", "P4:U4"):
            self.assertIn(rng, merged)
        self.assertEqual([ws.cell(4, c).value for c in (2, 4, 6, 9, 11, 13, 16)],
                         ["质量违法类", "认证检验类", "药械资质类", "价格违法类", "治安违法犯罪类", "其他", "合计"])
        self.assertEqual(ws.cell(5, 21).value, "出动执法人员(人次)")
        self.assertEqual(ws.max_column, 21)  # 20 figure columns + the category column
        self.assertEqual([ws.cell(r, 1).value for r in range(6, 14)], SEED_ORDER)

    def test_late_submission_is_marked(self):
        open_weekly_reports(DAY.isoformat())
        report = self._report("210200")
        with at(LATE):
            services.report_submit(report=report, actor=self.users["dalian_office"], narrative={}, filled_by="李强",
                                   phone="")
        report.refresh_from_db()
        self.assertTrue(report.is_late)
        rows = {r["unit"].code: r["state"]
                for r in services.completeness(self.campaign, datetime.date(2020, 6, 4))}
        self.assertEqual(rows["210200-office"], "late")
        self.assertEqual(rows["210100-office"], "missing")

    def test_a_city_cannot_submit_another_citys_report(self):
        open_weekly_reports(DAY.isoformat())
        with self.assertRaises(PermissionDenied):
            services.report_submit(report=self._report("210100"), actor=self.users["dalian_office"], narrative={},
                                   filled_by="x", phone="")
        self.login("dalian_office")
        self.assertEqual(self.client.get(f"/reports/weeklyreport/{self._report('210100').pk}/").status_code, 404)

    def test_checks_name_the_cell_and_the_rule(self):
        open_weekly_reports(DAY.isoformat())
        report = self._report()
        tables = services.snapshot_of(services.compute_tables(self.campaign, services.report_scope(report),
                                                              report.cutoff))
        rows = tables["annex1"]["rows"]
        thermo = next(r for r in rows if r["category"] == "thermometer")
        thermo["values"][5], thermo["values"][6] = 3, 5  # nonconforming > sampled
        mask = next(r for r in rows if r["category"] == "mask")
        mask["values"][0] = -1
        with self.assertRaises(ValidationError) as ctx:
            services.report_submit(report=report, actor=self.users["shenyang_office"], narrative={}, filled_by="王芳",
                                   phone="", manual_tables=tables)
        text = " ".join(ctx.exception.messages)
        self.assertIn("红外体温计（额温枪）·不合格产品批次", text)
        self.assertIn("不能大于抽查产品批次", text)
        self.assertIn("口罩·排查企业数量：不能为负数", text)
        self.assertEqual(WeeklyReport.objects.get(pk=report.pk).versions.count(), 0)

    def test_manual_figures_are_marked_as_entered(self):
        open_weekly_reports(DAY.isoformat())
        report = self._report()
        tables = services.snapshot_of(services.compute_tables(self.campaign, services.report_scope(report),
                                                              report.cutoff))
        version = services.report_submit(report=report, actor=self.users["shenyang_office"], narrative={},
                                         filled_by="王芳", phone="", manual_tables=tables)
        self.assertEqual(version.mode, "manual")

    def test_reminders_reach_those_not_yet_submitted_once(self):
        open_weekly_reports(DAY.isoformat())
        sent = remind_unsubmitted("2020-06-03")
        self.assertGreater(sent, 0)
        self.assertEqual(remind_unsubmitted("2020-06-03"), 0)  # a re-run reminds nobody twice
        notice = Notification.objects.filter(user=self.users["shenyang_office"]).get()
        # the deadline is Thursday 14:00 on Beijing's clock, written as every moment people read
        self.assertEqual(notice.title, "周报提醒：请于2020-06-04 14:00前报送")
        self.assertEqual(notice.body, "沈阳市专项工作组办公室截至2020-06-04的“辽宁省防疫物资产品质量和市场秩序"
                                      "专项整治行动”周报尚未报送（每周四 14:00 前报送）。")

    def test_command_line_writes_the_official_workbook(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "sy.xlsx"
            call_command("weekly_report", region="210100", as_of="2020-06-04", out=str(out))
            book = openpyxl.load_workbook(out)
            self.assertEqual(book.sheetnames, ["附件1", "附件2"])
            self.assertEqual(book["附件1"].cell(6, 2).value, 2)
            province = Path(tmp) / "ln.xlsx"
            call_command("weekly_report", region="210000", as_of="2020-06-04", out=str(province))
            self.assertEqual(len(openpyxl.load_workbook(province).sheetnames), 30)


class MemberUnitAndFinalTests(WorldTestCase):
    """Member units send their own line's figures to their provincial department; the final summary
    and the package the province sends upward."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build(cls.users)
        cls.users["shenyang_samr"].roles.add(Role.objects.get(code="reviewer"))

    def test_member_unit_reports_to_its_provincial_department(self):
        self.login("shenyang_samr")
        response = self.client.post("/reports/weeklyreport/open/", {"kind": "weekly", "day": "2020-06-01"})
        report = WeeklyReport.objects.get(unit__code="210100-samr")
        self.assertRedirects(response, f"/reports/weeklyreport/{report.pk}/", fetch_redirect_response=False)
        version = services.report_submit(report=report, actor=self.users["shenyang_samr"], narrative={},
                                         filled_by="张三", phone="")
        # Market-regulation line only: the police case is not in it, the price case is.
        annex2 = {r["category"]: r["values"] for r in version.tables["annex2"]["rows"]}
        self.assertEqual(annex2["mask"][14], 1)  # 合计立案: SY-P-1 only (SY-G-1 is the police's)
        with self.assertRaises(PermissionDenied):  # the provincial office receives city offices' reports, not this
            services.report_accept(report=report, actor=self.users["province_police"])
        services.report_return(report=report, actor=self.users["province_samr"], reason="请补充说明")
        self.assertEqual(WeeklyReport.objects.get(pk=report.pk).status, "returned")

    def test_final_summary_and_package(self):
        self.login("shenyang_office")
        self.client.post("/reports/weeklyreport/open/", {"kind": "final", "day": "2020-06-25"})
        final = WeeklyReport.objects.get(unit__code="210100-office", kind="final")
        self.assertEqual(final.cutoff, datetime.date(2020, 6, 25))
        self.client.post(f"/reports/weeklyreport/{final.pk}/action/", {
            "action": "submit", "filled_by": "王芳", "phone": "1", "narrative_results": "全面完成排查",
            "narrative_difficulties": "人手不足", "narrative_causes": "任务集中",
            "narrative_proposals": "建立长效机制"})
        final.refresh_from_db()
        self.assertEqual(final.status, "submitted")
        self.assertEqual(final.latest_version.narrative["proposals"], "建立长效机制")
        self.login("province_office")
        # The province's own final summary: the sum of the cities' final versions, with its assessment
        # and proposals, beside the cities' in the package.
        self.client.post("/reports/weeklyreport/open/", {"kind": "final", "day": "2020-06-25"})
        own = WeeklyReport.objects.get(unit__code="210000-office", kind="final")
        self.assertEqual(own.cutoff, Campaign.objects.get(code="ln-2020-epidemic-supplies").final_summary_due)
        answer = self.client.post(f"/reports/weeklyreport/{own.pk}/action/", {
            "action": "submit", "filled_by": "修建辉", "phone": "2", "narrative_results": "全省排查全覆盖",
            "narrative_difficulties": "出口查验任务重", "narrative_causes": "企业转产多",
            "narrative_proposals": "建立防疫物资质量追溯机制",
            # the cities whose summaries are not in yet are one warning to explain
            "explain_汇总:全部类别:未计入的单位:uncounted": "其余各市总结尚未报送，先行报送沈阳市部分"})
        self.assertEqual(answer.status_code, 302)
        version = own.latest_version
        self.assertEqual(version.narrative["proposals"], "建立防疫物资质量追溯机制")
        self.assertEqual(version.tables, services.add_snapshots(final.campaign, [final.latest_version.tables]))
        self.assertEqual([b["state"] for b in version.basis if b["unit"] == "沈阳市专项工作组办公室"], ["counted"])
        response = self.client.get("/reports/final-package.zip")
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        self.assertIn("辽宁省专项工作组办公室_工作总结_截至2020-06-25.docx", names)
        self.assertIn("辽宁省专项工作组办公室_最终统计报表_截至2020-06-25.xlsx", names)
        self.assertIn("沈阳市专项工作组办公室_工作总结_截至2020-06-25.docx", names)
        self.assertIn("沈阳市专项工作组办公室_最终统计报表_截至2020-06-25.xlsx", names)
        self.assertIn("辽宁省专项工作组办公室_全省汇总_截至2020-06-25.xlsx", names)
        self.login("shenyang_office")
        self.assertEqual(self.client.get("/reports/final-package.zip").status_code, 403)


class ManualModeTests(WorldTestCase):
    """A unit on paper uploads the filled official workbook or types the figures; same checks,
    marked as entered."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build(cls.users)
        cls.campaign = Campaign.objects.get(code="ln-2020-epidemic-supplies")

    def setUp(self):
        services.reports_open_week(campaign=self.campaign, day=DAY)
        self.report = WeeklyReport.objects.get(unit__code="210100-office", cutoff=datetime.date(2020, 6, 4))
        self.login("shenyang_office")

    def _official_file(self, edit=None) -> bytes:
        response = self.client.get(f"/reports/weeklyreport/{self.report.pk}/file.xlsx")
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        if edit:
            edit(book)
        buf = io.BytesIO()
        book.save(buf)
        return buf.getvalue()

    def _upload(self, content: bytes):
        return self.client.post(f"/reports/weeklyreport/{self.report.pk}/action/", {
            "action": "upload", "filled_by": "王芳", "phone": "1",
            "file": SimpleUploadedFile("附件.xlsx", content, content_type="application/octet-stream")}, follow=True)

    def test_upload_of_the_filled_official_workbook(self):
        def fill(book):
            book["附件1"].cell(6, 2).value = 7  # 口罩 · 排查企业数量 entered on paper

        response = self._upload(self._official_file(fill))
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, "submitted", [str(m) for m in response.context["messages"]])
        version = self.report.latest_version
        self.assertEqual(version.mode, "manual")
        mask = next(r for r in version.tables["annex1"]["rows"] if r["category"] == "mask")
        self.assertEqual(mask["values"][0], 7)

    def test_bad_upload_names_the_cell_and_changes_nothing(self):
        def spoil(book):
            book["附件1"].cell(9, 7).value = "十五"       # not a number
            book["附件1"].cell(9, 8).value = 99          # nonconforming > sampled (15)

        response = self._upload(self._official_file(spoil))
        text = " ".join(str(m) for m in response.context["messages"])
        self.assertIn("红外体温计（额温枪）", text)
        self.assertIn("“十五”不是数字", text)
        self.assertEqual(WeeklyReport.objects.get(pk=self.report.pk).status, "open")
        response = self._upload(b"PK\x03\x04 not really a workbook")
        self.assertEqual(WeeklyReport.objects.get(pk=self.report.pk).versions.count(), 0)

    def test_in_english_the_answers_of_the_report_page_are_english(self):
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})

        def not_a_number(book):
            book["附件1"].cell(9, 7).value = "十五"

        def too_many_nonconforming(book):
            book["附件1"].cell(9, 8).value = 99  # nonconforming > sampled (15)

        response = self._upload(self._official_file(not_a_number))
        text = " ".join(str(m) for m in response.context["messages"])
        self.assertIn('row 9 "红外体温计（额温枪）" · "抽查产品批次": "十五" is not a number', text)
        self.assertNotIn("不是数字", text)
        response = self._upload(self._official_file(too_many_nonconforming))
        text = " ".join(str(m) for m in response.context["messages"])
        self.assertIn("(99) cannot be greater than", text)
        self.assertNotIn("不能大于", text)

        response = self.client.post(f"/reports/weeklyreport/{self.report.pk}/action/", {"action": "shred"},
                                    follow=True)
        self.assertEqual([str(m) for m in response.context["messages"]], ["Unknown action"])

        response = self.client.post(f"/reports/weeklyreport/{self.report.pk}/action/",
                                    {"action": "upload", "filled_by": "王芳", "phone": "1"}, follow=True)
        self.assertEqual([str(m) for m in response.context["messages"]],
                         ["Please choose the official report .xlsx file to upload."])
        self.assertEqual(WeeklyReport.objects.get(pk=self.report.pk).versions.count(), 0)

        response = self._upload(self._official_file())
        self.assertEqual(WeeklyReport.objects.get(pk=self.report.pk).status, "submitted")
        self.assertEqual([str(m) for m in response.context["messages"]],
                         ['Submitted as a manual entry (marked "manual entry").'])

    def test_figures_typed_into_the_grid(self):
        data = {"action": "manual", "filled_by": "王芳", "phone": "1"}
        page = self.client.get(f"/reports/weeklyreport/{self.report.pk}/")
        self.assertContains(page, "manual-mode")
        for t in page.context["live"]:
            for category, cells in t.rows:
                for cell in cells:
                    if cell.indicator.aggregate != "ratio":
                        data[f"cell-{t.layout.code}-{category.code}-{cell.indicator.code}"] = str(cell.value)
        data["cell-annex2-mask-a2_price_filed"] = "3"
        self.client.post(f"/reports/weeklyreport/{self.report.pk}/action/", data)
        version = WeeklyReport.objects.get(pk=self.report.pk).latest_version
        self.assertEqual(version.mode, "manual")
        mask = next(r for r in version.tables["annex2"]["rows"] if r["category"] == "mask")
        self.assertEqual(mask["values"][7], 3)
