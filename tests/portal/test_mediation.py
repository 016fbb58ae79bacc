"""Complaint mediation and closure: the 45-working-day mediation clock from acceptance, its result and
the reply, recorded by the handling office and read by the complainant through the tracking code."""
from __future__ import annotations

from rectify.core import clock
from rectify.enforcement import demo
from rectify.enforcement.models import Complaint
from rectify.enforcement.workdays import add_working_days
from rectify.organisations.demo import DemoContext

from .test_portal import PortalTestCase


class MediationTests(PortalTestCase):
    def test_the_complainant_follows_the_mediation_clock_its_result_and_the_reply(self):
        response = self.file(kind="complaint", anonymous="", reporter_name="李女士", reporter_phone="13812341234")
        self.assertEqual(response.status_code, 200, response.content[:1000])
        code = response.context["tracking_code"]
        complaint = Complaint.objects.get()
        self.assertNotContains(self.track(code), "调解期限")

        accepted = self.api_step("shenyang_office", complaint, "accept", {})
        self.assertEqual(accepted.status_code, 200, accepted.content[:400])
        complaint.refresh_from_db()
        due = add_working_days(complaint.decided_on, 45)
        result = self.track(code)
        self.assertContains(result, "调解期限")
        self.assertContains(result, due.isoformat())
        self.assertNotContains(result, "调解结果")

        missing = self.api_step("shenyang_office", complaint, "close", {"reply": "经调解，商家同意退款。"})
        self.assertEqual(missing.status_code, 400, missing.content[:400])
        self.assertIn("mediation_result", missing.json())
        closed = self.api_step("shenyang_office", complaint, "close",
                               {"reply": "经调解，商家同意退还差价并致歉。", "mediation_result": "agreed"})
        self.assertEqual(closed.status_code, 200, closed.content[:400])
        complaint.refresh_from_db()
        self.assertEqual((complaint.status, complaint.mediation_result, complaint.closed_on),
                         ("closed", "agreed", clock.today()))
        result = self.track(code)
        self.assertContains(result, "已办结")
        self.assertContains(result, "调解成功，达成协议")
        self.assertContains(result, "经调解，商家同意退还差价并致歉。")
        self.assertNotContains(result, "李女士")

    def test_a_tip_is_not_mediated(self):
        response = self.file()  # a tip
        code = response.context["tracking_code"]
        tip = Complaint.objects.get()
        self.assertEqual(self.api_step("shenyang_office", tip, "verify", {"result": "属实，已立案"})
                         .status_code, 200)
        refused = self.api_step("shenyang_office", tip, "close", {"reply": "已立案查处", "mediation_result": "agreed"})
        self.assertEqual(refused.status_code, 400, refused.content[:400])
        self.assertIn("mediation_result", refused.json())
        self.assertEqual(self.api_step("shenyang_office", tip, "close", {"reply": "已立案查处"}).status_code, 200)
        result = self.track(code)
        self.assertContains(result, "已立案查处")
        self.assertNotContains(result, "调解")


class MediationDemoTests(PortalTestCase):
    def test_the_demo_closes_complaints_within_the_clock_with_a_result_and_a_reply(self):
        demo.seed(DemoContext())
        closed = Complaint.objects.filter(status="closed")
        self.assertTrue(closed.exists())
        for c in closed:
            c.full_clean()
            self.assertEqual(c.kind, "complaint")
            self.assertTrue(c.mediation_result and c.reply)
            self.assertLessEqual(c.closed_on, add_working_days(c.decided_on, 45))
            self.assertGreaterEqual(c.closed_on, c.decided_on)
