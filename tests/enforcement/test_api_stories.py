"""The campaign's hand-offs through the API alone: every step is an action on its resource, with
the same rules, fields and answers as the pages (core/workflow/api.py)."""
from __future__ import annotations

from rectify.core.models import Notification
from rectify.enforcement.models import Case, Complaint, JointPunishment, JointPunishmentAction, Transfer
from rectify.testing import WorldTestCase

from .helpers import case_category, category, enterprise, unit

API = "/api/enforcement"


class ComplaintToPoliceTests(WorldTestCase):
    def step(self, who, model, pk, name, data=None, status=200):
        response = self.api(who).post(f"{API}/{model}/{pk}/{name}/", data or {}, format="json")
        self.assertEqual(response.status_code, status, response.content.decode())
        return response.json()

    def test_a_complaint_becomes_a_case_decided_and_sent_to_the_police_who_receive_it(self):
        seller = enterprise("210100", name="沈阳护佳口罩经营部")
        created = self.api("shenyang_samr").post(f"{API}/complaint/", {
            "unit": unit("210100-samr").pk, "number": "12315-API-1", "kind": "complaint", "channel": "hotline",
            "received_on": "2020-05-26", "enterprise": seller.pk, "product_category": category().pk,
            "content": "口罩每只30元，哄抬价格"}, format="json")
        self.assertEqual(created.status_code, 201, created.content.decode())
        complaint = created.json()["id"]

        steps = self.api("shenyang_samr").get(f"{API}/complaint/{complaint}/steps/").json()
        self.assertEqual(steps["state_label"], "待受理")
        allowed = {s["name"] for s in steps["steps"] if s["allowed"]}
        self.assertEqual(allowed, {"accept", "reject"})
        refused = {s["name"]: s["reason"] for s in steps["steps"] if not s["allowed"]}
        self.assertIn("举报", refused["verify"], "a complaint is accepted, a tip verified: the reason says so")

        # The city office sees it but the step is the bureau's: 403 with the reason.
        answer = self.step("shenyang_office", "complaint", complaint, "accept", status=403)
        self.assertIn("（承办单位）可以受理", answer["detail"])
        self.step("dalian_samr", "complaint", complaint, "accept", status=404)
        done = self.step("shenyang_samr", "complaint", complaint, "accept", {"decided_on": "2020-05-27"})
        self.assertEqual(done["state"], "accepted")
        again = self.step("shenyang_samr", "complaint", complaint, "accept", status=409)
        self.assertEqual((again["state"], again["state_label"]), ("accepted", "已受理"))
        missing = self.step("shenyang_samr", "complaint", complaint, "to_lead", {}, status=400)
        self.assertIn("description", missing)
        self.step("shenyang_samr", "complaint", complaint, "to_lead", {"description": "沈阳护佳哄抬口罩价格"})
        lead = Complaint.objects.get(pk=complaint).leads.get()

        filed = self.step("shenyang_samr", "lead", lead.pk, "case", {
            "number": "沈市监价立〔2020〕8号", "title": "哄抬口罩价格案", "case_category": case_category("price").pk,
            "source": "complaint", "filed_on": "2020-05-28"})
        self.assertTrue(filed["next"].startswith("/enforcement/case/"))
        case = Case.objects.get(source_lead=lead)
        self.assertEqual(case.status, "filed")
        decide_early = self.step("shenyang_samr", "case", case.pk, "decide", {
            "decision_number": "沈市监罚〔2020〕8号", "decided_on": "2020-06-01", "fine": "30000"}, status=409)
        self.assertIn("须为“调查终结”", decide_early["detail"])
        self.step("shenyang_samr", "case", case.pk, "investigated", {"units_investigated": 1, "staff_dispatched": 4})
        self.step("shenyang_samr", "case", case.pk, "decide", {
            "decision_number": "沈市监罚〔2020〕8号", "decided_on": "2020-06-01", "fine": "30000"})
        police = unit("210100-police")
        self.step("shenyang_samr", "case", case.pk, "transfer_police",
                  {"to_unit": police.pk, "reason": "涉嫌非法经营罪，达到追诉标准"})
        case.refresh_from_db()
        self.assertEqual((case.status, case.transferred_to_police), ("transferred", True))

        # The police: told, the hop on the work desk's list, and received through the API.
        hop = Transfer.objects.get(case=case)
        told = Notification.objects.filter(user=self.users["shenyang_police"])
        self.assertEqual([n.url for n in told], [hop.get_absolute_url()])
        self.assertTrue(self.api("shenyang_police").get(f"{API}/case/{case.pk}/").status_code == 200)
        self.step("shenyang_police", "transfer", hop.pk, "accept", {"accepted_on": "2020-06-03"})
        self.step("shenyang_police", "transfer", hop.pk, "police_decision", {"opened": "1"})
        hop.refresh_from_db()
        self.assertEqual((hop.status, hop.police_decision), ("accepted", "opened"))
        outcome = Notification.objects.filter(user=self.users["shenyang_samr"], title__contains="接收移送")
        self.assertTrue(outcome.exists(), "the sender is told the police received it")


class JointActionTests(WorldTestCase):
    def test_a_measure_assigned_to_another_city_is_seen_and_completed_there(self):
        from rectify.enforcement import services as s
        decision = s.joint_punishment_decide(unit=unit("210100-office"), enterprise=enterprise("210100"),
                                             basis="多次销售不合格口罩", actions=[(unit("210200-samr"), "spot_check")],
                                             actor=self.users["shenyang_office"])
        action = JointPunishmentAction.objects.get(punishment=decision)
        dalian = self.api("dalian_samr")
        self.assertEqual(dalian.get(f"{API}/jointpunishmentaction/{action.pk}/").status_code, 200)
        self.assertEqual(dalian.get(f"{API}/jointpunishment/{decision.pk}/").status_code, 200)
        self.assertTrue(Notification.objects.filter(user=self.users["dalian_samr"]).exists())
        refused = self.api("shenyang_samr").post(f"{API}/jointpunishmentaction/{action.pk}/done/",
                                                 {"text": "越权"}, format="json")
        self.assertEqual(refused.status_code, 403)
        done = dalian.post(f"{API}/jointpunishmentaction/{action.pk}/done/", {"text": "已对该企业开展抽查"},
                           format="json")
        self.assertEqual(done.status_code, 200, done.content.decode())
        self.assertEqual(done.json()["state_label"], "已落实")
        self.assertEqual(JointPunishment.objects.get(pk=decision.pk).status, "done")
        self.assertTrue(Notification.objects.filter(user=self.users["shenyang_office"],
                                                    title__contains="填报落实情况").exists())
