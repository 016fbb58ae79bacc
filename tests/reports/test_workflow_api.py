"""The weekly report's hand-offs through the API alone, and on the city office's work desk: the
province returns with a reason, the city is told, corrects and resubmits, the province accepts; a
reopened report goes back with its reason."""
from __future__ import annotations

import datetime

from rectify.core.models import Notification
from rectify.core.workflow.desk import desk_for
from rectify.reports.models import WeeklyReport
from rectify.reports.tasks import open_weekly_reports
from rectify.testing import WorldTestCase

from .fixtures import build
from .test_weekly_cycle import ON_TIME, at


class ReportStepsThroughTheApiTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.records = build(cls.users)

    def post(self, who, report, step, data=None, status=200):
        response = self.api(who).post(f"/api/reports/weeklyreport/{report.pk}/{step}/", data or {}, format="json")
        self.assertEqual(response.status_code, status, response.content.decode())
        return response.json()

    def test_submit_return_resubmit_accept_reopen(self):
        open_weekly_reports("2020-06-01")
        report = WeeklyReport.objects.get(unit__code="210100-office", cutoff=datetime.date(2020, 6, 4))
        self.assertIn("报送", [i.step.label for i in desk_for(self.users["shenyang_office"]).items])

        refused = self.post("province_office", report, "submit", {"filled_by": "省办"}, status=403)
        self.assertIn("（报告单位）可以报送", refused["detail"])
        self.assertIn("filled_by", self.post("shenyang_office", report, "submit", {}, status=400))
        with at(ON_TIME):
            done = self.post("shenyang_office", report, "submit", {
                "filled_by": "王芳", "phone": "024-12345678", "narrative": {"measures": "全面排查口罩生产企业"}})
        self.assertEqual(done["state_label"], "已报送")
        told = Notification.objects.filter(user=self.users["province_office"], title__contains="接收")
        self.assertTrue(told.exists(), "the province is told a report awaits it")

        self.assertIn("reason", self.post("province_office", report, "return", {}, status=400))
        self.post("shenyang_office", report, "return", {"reason": "自己退回"}, status=403)
        self.post("province_office", report, "return", {"reason": "召回数量与台账不符，请核实"})
        notice = Notification.objects.get(user=self.users["shenyang_office"], title__contains="报送")
        self.assertIn("召回数量与台账不符，请核实", notice.body)
        item = next(i for i in desk_for(self.users["shenyang_office"]).items if i.obj == report)
        self.assertEqual(item.note, "召回数量与台账不符，请核实", "the desk shows why it came back")

        self.assertIn("correction_reason",
                      self.post("shenyang_office", report, "submit", {"filled_by": "王芳"}, status=400))
        self.post("shenyang_office", report, "submit", {"filled_by": "王芳", "correction_reason": "已核实召回数量"})
        self.post("province_office", report, "accept")
        self.post("province_office", report, "accept", status=409)
        self.post("province_office", report, "reopen", {"reason": "发现罚没金额单位有误"})
        report.refresh_from_db()
        self.assertEqual((report.status, report.return_reason, report.versions.count()),
                         ("returned", "发现罚没金额单位有误", 2))
        steps = self.api("shenyang_office").get(f"/api/reports/weeklyreport/{report.pk}/steps/").json()
        self.assertEqual({s["name"] for s in steps["steps"] if s["allowed"]}, {"submit"})
