"""Corrections never block the weekly cycle: Shenyang's report of the week to 2020-06-04 is accepted,
an inspection it counted is then deleted, the next week is submitted with an explanation of the
lower figures, the province reopens the accepted week with a reason and the city corrects it as a
second sealed version. A figure below last week's is a warning in every mode (computed, typed into
the grid, uploaded), and what the unit wrote for a warning is offered again for the next version."""
from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.urls import reverse

from rectify.core.audit.integrity import compute
from rectify.core.generic.services import object_delete
from rectify.core.models import Notification
from rectify.core.registry import registry
from rectify.fieldwork.models import Inspection
from rectify.organisations.models import Campaign
from rectify.reports import services
from rectify.reports.models import WeeklyReport
from rectify.testing import WorldTestCase

from .fixtures import build
from .test_weekly_cycle import ON_TIME, at

D = datetime.date.fromisoformat
ANNEX1 = "防疫物资生产企业排查、督促、产品质量监督抽查以及出口物资查验情况表"
REVIEW_FAILED = "市场监管、药监部门生产企业排查情况·审评审批不合格企业数量"


class CorrectionStoryTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.records = build(cls.users)
        cls.campaign = Campaign.objects.get(code="ln-2020-epidemic-supplies")

    def _week(self, day: str, city: str = "210100") -> WeeklyReport:
        services.reports_open_week(campaign=self.campaign, day=D(day))
        return WeeklyReport.objects.get(unit__code=f"{city}-office",
                                        cutoff=services.week_of(self.campaign, D(day))[1])

    def _submit(self, report: WeeklyReport, **values):
        return services.report_submit(report=report, actor=self.users["shenyang_office"],
                                      narrative=values.pop("narrative", {}), filled_by="王芳", phone="024-12345678",
                                      **values)

    def _live(self, report: WeeklyReport) -> dict:
        return services.snapshot_of(services.compute_tables(self.campaign, services.report_scope(report),
                                                            report.cutoff))

    def _accepted_then_deleted(self) -> tuple[WeeklyReport, WeeklyReport]:
        """Week N accepted; the inspection of 2020-05-20 it counted (沈阳甲: 审评审批不合格) deleted."""
        week_n = self._week("2020-06-01")
        with at(ON_TIME):
            self._submit(week_n, narrative={"measures": "全面排查口罩生产企业"})
        services.report_accept(report=week_n, actor=self.users["province_office"])
        counted = Inspection.objects.get(enterprise=self.records["e1"], date=D("2020-05-20"))
        object_delete(obj=counted, actor=self.users["shenyang_office"], reason="误将其他企业的排查记入")
        return WeeklyReport.objects.get(pk=week_n.pk), self._week("2020-06-08")

    def test_the_correction_story_through_the_services(self):
        week_n, week_next = self._accepted_then_deleted()
        findings = services.report_check(week_next, self._live(week_next))
        self.assertEqual([f for f in findings if f.level == "error"], [], "a lower figure never blocks")
        drop = next(f for f in findings if f.rule == "cumulative" and f.column == "审评审批不合格企业数量")
        self.assertEqual((drop.level, drop.category), ("warning", "口罩"))
        self.assertIn("累计数低于上周（上周 1，本周 0）", drop.message)
        warnings = [f.key for f in findings if f.level == "warning"]

        with self.assertRaises(ValidationError) as refused:
            self._submit(week_next)
        self.assertIn("口罩·审评审批不合格企业数量：累计数低于上周", " ".join(refused.exception.messages))
        self._submit(week_next, explanations={key: "删除了误记的沈阳甲排查记录" for key in warnings})
        self.assertEqual(WeeklyReport.objects.get(pk=week_next.pk).status, "submitted")

        with self.assertRaises(ValidationError):  # reopening needs its reason
            services.report_reopen(report=week_n, actor=self.users["province_office"], reason=" ")
        week_n = services.report_reopen(report=week_n, actor=self.users["province_office"],
                                        reason="沈阳甲的排查记录已删除，请更正本周数字")
        self.assertEqual((week_n.status, week_n.return_reason), ("returned", "沈阳甲的排查记录已删除，请更正本周数字"))

        with self.assertRaises(ValidationError) as refused:  # a correction needs its reason
            self._submit(week_n)
        self.assertIn("更正原因", " ".join(refused.exception.messages))
        v2 = self._submit(week_n, correction_reason="删除误记的排查记录后更正")
        services.report_accept(report=week_n, actor=self.users["province_office"])

        week_n.refresh_from_db()
        self.assertEqual(week_n.status, "accepted")
        v1 = week_n.versions.get(number=1)
        self.assertEqual((v2.number, v2.correction_reason), (2, "删除误记的排查记录后更正"))
        for version in (v1, v2):  # both frozen and sealed, each verifiable
            version.refresh_from_db()
            self.assertTrue(version.integrity_code)
            self.assertEqual(version.integrity_code, compute(version.integrity_fields()))
        mask_v1 = next(r for r in v1.tables["annex1"]["rows"] if r["category"] == "mask")
        mask_v2 = next(r for r in v2.tables["annex1"]["rows"] if r["category"] == "mask")
        self.assertEqual((mask_v1["values"][1], mask_v2["values"][1]), (1, 0))
        diffs = services.named_differences(self.campaign, services.versions_compare(v1, v2))
        self.assertIn({"table": "annex1", "category": "mask", "column": v1.tables["annex1"]["columns"][1],
                       "old": 1, "new": 0, "table_name": f"附件1 {ANNEX1}", "category_name": "口罩",
                       "column_name": REVIEW_FAILED}, diffs)

    def test_the_correction_story_through_the_api(self):
        week_n, week_next = self._accepted_then_deleted()

        def post(who, report, step, data=None, status=200):
            response = self.api(who).post(f"/api/reports/weeklyreport/{report.pk}/{step}/", data or {},
                                          format="json")
            self.assertEqual(response.status_code, status, response.content.decode())
            return response.json()

        refused = post("shenyang_office", week_next, "submit", {"filled_by": "王芳"}, status=400)
        self.assertIn("累计数低于上周", str(refused))
        self.assertIn("须填写说明后报送", str(refused))
        keys = [f.key for f in services.report_check(week_next, self._live(week_next)) if f.level == "warning"]
        post("shenyang_office", week_next, "submit",
             {"filled_by": "王芳", "explanations": {key: "删除了误记的排查记录" for key in keys}})

        # The city asks, the province decides: the request leaves the report accepted and tells the province.
        self.assertIn("reason", post("shenyang_office", week_n, "request_reopen", {}, status=400))
        post("province_office", week_n, "request_reopen", {"reason": "代为申请"}, status=403)
        post("shenyang_office", week_n, "request_reopen", {"reason": "本周数字含一条误记的排查记录"})
        self.assertEqual(WeeklyReport.objects.get(pk=week_n.pk).status, "accepted")
        notice = Notification.objects.filter(user=self.users["province_office"], title__contains="重新打开").get()
        self.assertIn("本周数字含一条误记的排查记录", notice.body)

        self.assertIn("reason", post("province_office", week_n, "reopen", {}, status=400))
        post("province_office", week_n, "reopen", {"reason": "同意更正"})
        self.assertIn("correction_reason", post("shenyang_office", week_n, "submit", {"filled_by": "王芳"},
                                                status=400))
        post("shenyang_office", week_n, "submit", {"filled_by": "王芳", "correction_reason": "删除误记记录后更正"})
        week_n.refresh_from_db()
        self.assertEqual((week_n.status, week_n.versions.count()), ("submitted", 2))
        read = {}
        for version in week_n.versions.all():  # both versions stay readable through the API
            response = self.api("province_office").get(reverse("api-reports-reportversion-detail", args=[version.pk]))
            self.assertEqual(response.status_code, 200)
            read[response.json()["number"]] = response.json()
        self.assertEqual(sorted(read), [1, 2])
        self.assertEqual(read[2]["correction_reason"], "删除误记记录后更正")
        mask = {n: next(r for r in read[n]["tables"]["annex1"]["rows"] if r["category"] == "mask")["values"][1]
                for n in read}
        self.assertEqual(mask, {1: 1, 2: 0})

    def test_a_lower_figure_typed_by_hand_is_explained_on_the_grid(self):
        week_n = self._week("2020-06-01")
        self._submit(week_n)
        services.report_accept(report=week_n, actor=self.users["province_office"])
        week_next = self._week("2020-06-08")
        self.login("shenyang_office")
        page = self.client.get(f"/reports/weeklyreport/{week_next.pk}/")
        data = {"action": "manual", "filled_by": "王芳", "phone": "1"}
        for t in page.context["live"]:
            for category, cells in t.rows:
                for cell in cells:
                    if cell.indicator.aggregate != "ratio":
                        data[f"cell-{t.layout.code}-{category.code}-{cell.indicator.code}"] = str(cell.value)
        data["cell-annex1-mask-a1_inspected"] = "1"  # last week 2: a paper unit's own correction
        response = self.client.post(f"/reports/weeklyreport/{week_next.pk}/action/", data, follow=True)
        text = " ".join(str(m) for m in response.context["messages"])
        self.assertIn("口罩·排查企业数量：累计数低于上周（上周 2，本周 1），请说明更正的原因", text)
        self.assertEqual(WeeklyReport.objects.get(pk=week_next.pk).status, "open")

        # Sent back, the page asks for the explanation of the figure as typed (the live figures do not
        # fall) in each form, and keeps the grid as typed.
        page = response.content.decode()
        key = "附件1:口罩:排查企业数量:cumulative"
        self.assertEqual(page.count(f'name="explain_{key}"'), 3)
        self.assertIn("附件1·口罩·排查企业数量：累计数低于上周（上周 2，本周 1），请说明更正的原因", page)
        self.assertIn('name="cell-annex1-mask-a1_inspected" value="1"', page)
        page = self.client.get(f"/reports/weeklyreport/{week_next.pk}/").content.decode()
        self.assertIn('name="cell-annex1-mask-a1_inspected" value="2"', page, "shown once, then the live figures")
        self.assertNotIn(f'name="explain_{key}"', page)

        data[f"explain_{key}"] = "上周误将一家企业计入"
        self.client.post(f"/reports/weeklyreport/{week_next.pk}/action/", data)
        week_next.refresh_from_db()
        self.assertEqual(week_next.status, "submitted")
        version = week_next.latest_version
        self.assertEqual(version.mode, "manual")
        self.assertEqual(version.explanations, {"附件1:口罩:排查企业数量:cumulative": "上周误将一家企业计入"})
        self.assertEqual([w["rule"] for w in version.warnings], ["cumulative"])

    def test_every_form_asks_for_the_explanations_and_offers_the_last_ones(self):
        week_n, week_next = self._accepted_then_deleted()
        keys = [f.key for f in services.report_check(week_next, self._live(week_next)) if f.level == "warning"]
        self.login("shenyang_office")
        page = self.client.get(f"/reports/weeklyreport/{week_next.pk}/").content.decode()
        for key in keys:  # the computed form, the upload and the grid each carry every explanation
            self.assertEqual(page.count(f'name="explain_{key}"'), 3, key)
        self.assertIn("口罩·审评审批不合格企业数量：累计数低于上周", page)

        self._submit(week_next, explanations={key: f"说明{i}" for i, key in enumerate(keys)})
        services.report_return(report=week_next, actor=self.users["province_office"], reason="说明不够具体")
        page = self.client.get(f"/reports/weeklyreport/{week_next.pk}/").content.decode()
        # The deletion is explained once and for all in the returned version; the figures' warnings stand.
        self.assertNotIn("counted_change:", page)
        for i, key in enumerate(keys):
            if key.startswith("counted_change:"):
                continue
            found = re.findall(rf'name="explain_{re.escape(key)}" id="[\w-]*">([^<]*)</textarea>', page)
            self.assertEqual(found, [f"说明{i}"] * 3, key)


class ReviewerPageTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.records = build(cls.users)
        cls.campaign = Campaign.objects.get(code="ln-2020-epidemic-supplies")

    def test_the_province_reads_narrative_explanations_checks_and_differences(self):
        city, province = self.users["shenyang_office"], self.users["province_office"]
        services.reports_open_week(campaign=self.campaign, day=D("2020-06-01"))
        week_n = WeeklyReport.objects.get(unit__code="210100-office", cutoff=D("2020-06-04"))
        services.report_submit(report=week_n, actor=city, narrative={"measures": "全面排查"}, filled_by="王芳",
                               phone="")
        services.report_accept(report=week_n, actor=province)
        object_delete(obj=Inspection.objects.get(enterprise=self.records["e1"], date=D("2020-05-20")), actor=city,
                      reason="误将其他企业的排查记入")
        services.reports_open_week(campaign=self.campaign, day=D("2020-06-08"))
        week_next = WeeklyReport.objects.get(unit__code="210100-office", cutoff=D("2020-06-11"))
        tables = services.snapshot_of(services.compute_tables(self.campaign, services.report_scope(week_next),
                                                              week_next.cutoff))
        keys = [f.key for f in services.report_check(week_next, tables) if f.level == "warning"]
        services.report_submit(report=week_next, actor=city, filled_by="王芳", phone="",
                               narrative={"measures": "复查口罩经营户", "next_week": "继续抽检熔喷布"},
                               explanations={key: "删除了误记的沈阳甲排查记录" for key in keys})

        self.login("province_office")
        page = self.client.get(f"/reports/weeklyreport/{week_next.pk}/")
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        review = html[html.index('id="review"'):html.index("</section>", html.index('id="review"'))]
        for label in ("具体措施", "检查市场主体数", "下一步工作安排"):
            self.assertIn(label, review)
        self.assertIn("复查口罩经营户", review)
        self.assertIn("继续抽检熔喷布", review)
        self.assertIn("删除了误记的沈阳甲排查记录", review)
        self.assertIn("附件1·口罩·审评审批不合格企业数量", review)  # the check's cell, in Chinese
        self.assertIn("累计数低于上周（上周 1，本周 0）", review)
        self.assertIn("误将其他企业的排查记入", review)  # the deletion behind the report, with its reason
        last_week = review[review.index('id="review-last-week"'):]
        self.assertIn(f"附件1 {ANNEX1}", last_week)
        self.assertIn(REVIEW_FAILED, last_week)
        self.assertNotIn("annex1", review)
        self.assertNotIn("a1_", review)
        self.assertNotIn(">mask<", review)
        self.assertContains(page, 'id="workflow-panel"')  # accept and return with a reason, from the workflow
        actions = page.context["workflow"]["allowed"]
        self.assertEqual({str(b.label) for b in actions}, {"接收", "退回"})

        # The previous version against the latest, named the same way, once the accepted week is corrected.
        services.report_reopen(report=week_n, actor=province, reason="请更正")
        services.report_submit(report=week_n, actor=city, narrative={}, filled_by="王芳", phone="",
                               correction_reason="删除误记记录后更正")
        page = self.client.get(f"/reports/weeklyreport/{week_n.pk}/").content.decode()
        diff = page[page.index('id="version-diff"'):]
        diff = diff[:diff.index("</table>")]
        self.assertIn(REVIEW_FAILED, diff)
        self.assertIn("口罩", diff)
        self.assertNotIn("annex1", diff)
        self.assertIn("删除误记记录后更正", page)

    def test_the_list_opens_the_report(self):
        services.reports_open_week(campaign=self.campaign, day=D("2020-06-01"))
        report = WeeklyReport.objects.get(unit__code="210100-office", cutoff=D("2020-06-04"))
        self.login("province_office")
        page = self.client.get("/reports/weeklyreport/", {"q": "沈阳"}).content.decode()
        self.assertIn(f'href="/reports/weeklyreport/{report.pk}/"', page)
        self.assertNotIn(f'href="{registry.url_for(report.unit, "detail")}"', page)
