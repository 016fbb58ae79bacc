"""Transfers, the case state machine, frozen decisions, credit, exposure, criminal check, ledger."""
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

from rectify.core.audit.events import events_for
from rectify.core.generic.services import object_update
from rectify.enforcement import services as s
from rectify.enforcement.models import Case, CreditRecord, Exposure, Lead, Problem, Transfer
from rectify.testing import WorldTestCase

from .helpers import case, case_category, category, d, enterprise, unit


class TransferTests(WorldTestCase):
    def setUp(self):
        self.lead = Lead.objects.create(unit=unit("210100-samr"), source="complaint", description="大连某店高价售口罩",
                                        enterprise=enterprise("210200"))

    def visible(self, key, obj):
        return type(obj).objects.restrict(self.users[key]).filter(pk=obj.pk).exists()

    def test_accept_moves_the_lead_and_keeps_hops(self):
        hop = s.lead_transfer(lead=self.lead, to_unit=unit("210200-samr"), reason="属地管辖",
                              actor=self.users["shenyang_samr"])
        self.assertTrue(self.visible("dalian_samr", self.lead), "receiver sees it from the transfer on")
        self.assertTrue(self.visible("shenyang_samr", self.lead))
        with self.assertRaises(ValidationError):
            s.lead_transfer(lead=self.lead, to_unit=unit("210300-samr"), reason="x", actor=self.users["shenyang_samr"])
        with self.assertRaises(PermissionDenied):
            s.transfer_accept(transfer=hop, actor=self.users["shenyang_samr"])
        s.transfer_accept(transfer=hop, actor=self.users["dalian_samr"])
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.unit.code, "210200-samr")
        self.assertEqual(self.lead.region.code, "210200")
        self.assertTrue(self.visible("shenyang_samr", self.lead), "the sender keeps reading what it sent")
        self.assertFalse(Lead.objects.restrict(self.users["shenyang_samr"], "change").filter(pk=self.lead.pk).exists(),
                         "but the lead is the receiver's to work on")
        self.assertTrue(self.visible("shenyang_samr", hop), "the sender keeps its hop")
        self.assertTrue(self.visible("dalian_samr", hop))
        self.assertEqual(Transfer.objects.get(pk=hop.pk).status, "accepted")

    def test_return_keeps_the_lead_with_sender(self):
        hop = s.lead_transfer(lead=self.lead, to_unit=unit("210200-samr"), reason="属地管辖",
                              actor=self.users["shenyang_samr"])
        with self.assertRaises(ValidationError):
            s.transfer_return(transfer=hop, reason=" ", actor=self.users["dalian_samr"])
        s.transfer_return(transfer=hop, reason="不属于本辖区", actor=self.users["dalian_samr"])
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.unit.code, "210100-samr")
        self.assertFalse(self.visible("dalian_samr", self.lead))
        hop2 = s.lead_transfer(lead=self.lead, to_unit=unit("210300-samr"), reason="再移送",
                               actor=self.users["shenyang_samr"])
        self.assertEqual(self.lead.transfers.count(), 2)
        self.assertEqual(Transfer.objects.get(pk=hop.pk).return_reason, "不属于本辖区")
        self.assertEqual(hop2.status, "pending")

    def test_case_to_police_with_decision(self):
        c = case(unit("210100-samr"), ent=enterprise("210100"))
        s.case_transition(case=c, to="filed", actor=self.users["shenyang_samr"], filed_on=d("2020-05-20"))
        c = s.case_transition(case=c, to="transferred", actor=self.users["shenyang_samr"],
                              to_unit=unit("210100-police"), reason="涉嫌生产销售伪劣产品罪")
        self.assertTrue(c.transferred_to_police)
        hop = c.transfers.get()
        self.assertTrue(self.visible("shenyang_police", c))
        s.transfer_accept(transfer=hop, actor=self.users["shenyang_police"])
        s.transfer_police_decision(transfer=hop, opened=True, decided_on=d("2020-06-01"),
                                   actor=self.users["shenyang_police"])
        hop.refresh_from_db()
        self.assertEqual((hop.police_decision, hop.police_decided_on), ("opened", d("2020-06-01")))
        self.assertEqual(Case.objects.get(pk=c.pk).unit.code, "210100-samr")  # counted by the transferring unit

    def test_the_police_decide_once(self):
        sender, police = self.users["shenyang_samr"], self.users["shenyang_police"]
        hop = s.lead_transfer(lead=self.lead, to_unit=unit("210100-police"), reason="涉嫌犯罪", actor=sender)
        s.transfer_accept(transfer=hop, actor=police)
        s.transfer_police_decision(transfer=hop, opened=True, decided_on=d("2020-06-01"), actor=police)
        with self.assertRaisesMessage(ValidationError, "公安立案决定已录入（立案）"):
            s.transfer_police_decision(transfer=hop, opened=False, decided_on=d("2020-06-05"), actor=police)
        hop.refresh_from_db()
        self.assertEqual((hop.police_decision, hop.police_decided_on), ("opened", d("2020-06-01")))

    def test_a_lead_filed_as_a_case_is_neither_filed_again_nor_moved(self):
        clerk = self.users["shenyang_samr"]
        s.case_from_lead(lead=self.lead, number="沈市监立〔2020〕9号", title="哄抬口罩价格",
                         case_category=case_category(), product_category=category(), filed_on=d("2020-05-20"),
                         actor=clerk)
        with self.assertRaisesMessage(ValidationError, "线索当前为“已立案”，不能再立案"):
            s.case_from_lead(lead=self.lead, number="沈市监立〔2020〕10号", title="哄抬口罩价格",
                             case_category=case_category(), product_category=category(), actor=clerk)
        with self.assertRaisesMessage(ValidationError, "线索当前为“已立案”，不能再移送其他单位"):
            s.lead_transfer(lead=self.lead, to_unit=unit("210200-samr"), reason="属地管辖", actor=clerk)
        self.assertEqual(Case.objects.filter(source_lead=self.lead).count(), 1)
        self.assertFalse(self.lead.transfers.exists())


class CaseTests(WorldTestCase):
    def setUp(self):
        self.ent = enterprise("210100")
        self.case = case(unit("210100-samr"), ent=self.ent)
        self.clerk = self.users["shenyang_samr"]

    def test_state_machine_refuses_with_reason(self):
        with self.assertRaisesMessage(ValidationError, "须为“调查终结”才能作出处罚决定"):
            s.case_transition(case=self.case, to="decided", actor=self.clerk, decision_number="x", fine=1)
        s.case_transition(case=self.case, to="filed", actor=self.clerk, filed_on=d("2020-05-20"))
        with self.assertRaises(ValidationError):
            s.case_transition(case=self.case, to="investigated", actor=self.clerk, fine=Decimal("5"))
        s.case_transition(case=self.case, to="investigated", actor=self.clerk, staff_dispatched=6, units_investigated=2)
        with self.assertRaisesMessage(ValidationError, "处罚决定须至少包含"):
            s.case_transition(case=self.case, to="decided", actor=self.clerk, decision_number="沈市监罚〔2020〕1号",
                              decided_on=d("2020-06-01"))
        c = s.case_transition(case=self.case, to="decided", actor=self.clerk, decision_number="沈市监罚〔2020〕1号",
                              decided_on=d("2020-06-01"), fine=Decimal("30000"), confiscation=Decimal("2000"))
        self.assertEqual(s.penalty_in_10k(c.penalty_total), Decimal("3.2000"))
        s.case_transition(case=c, to="closed", actor=self.clerk, closed_on=d("2020-06-10"))
        with self.assertRaisesMessage(ValidationError, "案件当前为“已结案”，不能再立案"):
            s.case_transition(case=c, to="filed", actor=self.clerk, filed_on=d("2020-06-11"))
        self.assertEqual([e.event for e in events_for(c)][:4],
                         ["case.closed", "case.decided", "case.investigated", "case.filed"])

    def test_decision_fields_are_frozen_and_credit_recorded(self):
        for to, kw in (("filed", {"filed_on": d("2020-05-20")}), ("investigated", {}),
                       ("decided", {"decision_number": "沈市监罚〔2020〕2号", "decided_on": d("2020-06-01"),
                                    "fine": Decimal("8000")})):
            s.case_transition(case=self.case, to=to, actor=self.clerk, **kw)
        c = Case.objects.get(pk=self.case.pk)
        with self.assertRaisesMessage(ValidationError, "已印发并签章"):
            object_update(obj=c, data={"goods_value": Decimal("99")}, actor=self.clerk)
        object_update(obj=c, data={"facts": "补充事实"}, actor=self.clerk)  # other fields stay editable
        record = CreditRecord.objects.get(case=c)
        self.assertEqual((record.enterprise, record.amount), (self.ent, Decimal("8000")))
        self.login("shenyang_police")  # credit records are shared with every department of the city
        self.assertEqual(s.credit_record_for_decision(case=c), record)  # once per case: the same record again
        self.assertEqual(list(CreditRecord.objects.restrict(self.users["shenyang_police"])), [record])

    def test_criminal_transfer_list(self):
        big = case(unit("210200-samr"), ent=enterprise("210200"), goods_value=Decimal("200000"))
        small = case(unit("210200-samr"), ent=enterprise("210200"), goods_value=Decimal("100"))
        for c in (big, small):
            s.case_transition(case=c, to="filed", actor=self.users["dalian_samr"], filed_on=d("2020-05-21"))
        self.login("province_office")
        rows = list(self.client.get("/enforcement/cases/criminal-check/").context["rows"])
        self.assertEqual(rows, [big])
        s.case_transition(case=big, to="transferred", actor=self.users["dalian_samr"], to_unit=unit("210200-police"),
                          reason="货值超15万元")
        self.assertEqual(list(self.client.get("/enforcement/cases/criminal-check/").context["rows"]), [])

    def test_supervision_by_province_only(self):
        with self.assertRaises(PermissionDenied):
            s.supervision_list(case=self.case, deadline=d("2020-06-20"), actor=self.users["shenyang_office"])
        item = s.supervision_list(case=self.case, deadline=d("2020-06-20"), actor=self.users["province_office"],
                                  listed_on=d("2020-05-25"))
        s.supervision_follow_up(supervision=item, note="已立案调查", actor=self.clerk)
        item = s.supervision_follow_up(supervision=item, note="同意办结", actor=self.users["province_office"],
                                       done=True)
        self.assertEqual(item.status, "done")
        self.assertIn("已立案调查", item.follow_ups)

    def test_a_case_is_listed_once_and_not_once_closed(self):
        office = self.users["province_office"]
        s.supervision_list(case=self.case, deadline=d("2020-06-20"), actor=office, listed_on=d("2020-05-25"))
        with self.assertRaisesMessage(ValidationError, "正在挂牌督办，不能重复挂牌"):
            s.supervision_list(case=self.case, deadline=d("2020-06-30"), actor=office, listed_on=d("2020-05-26"))
        closed = case(unit("210100-samr"), ent=self.ent)
        for to, kw in (("filed", {"filed_on": d("2020-05-20")}), ("investigated", {}),
                       ("closed", {"closed_on": d("2020-05-30")})):
            s.case_transition(case=closed, to=to, actor=self.clerk, **kw)
        with self.assertRaisesMessage(ValidationError, "案件当前为“已结案”，不能再挂牌督办"):
            s.supervision_list(case=closed, deadline=d("2020-06-20"), actor=office, listed_on=d("2020-06-01"))
        self.assertEqual(self.case.supervisions.count(), 1)
        self.assertFalse(closed.supervisions.exists())


class LedgerAndJointTests(WorldTestCase):
    def test_problem_record_and_overdue(self):
        p = s.problem_record(unit=unit("210100-samr"), source="inspection", description="未建购销台账",
                             requirement="建立台账", deadline=d("2020-05-30"), actor=self.users["shenyang_samr"])
        s.problem_record(unit=unit("210200-samr"), source="sample", description="标签不合格", requirement="整改",
                         deadline=d("2099-01-01"), actor=self.users["dalian_samr"])
        self.login("province_office")
        page = self.client.get("/enforcement/problems/overdue/")
        self.assertEqual([r.pk for r in page.context["rows"]], [p.pk])
        self.login("shenyang_samr")
        listed = self.client.get("/enforcement/problem/", {"overdue": "true"}).context["table"].data
        self.assertEqual({r.pk for r in listed}, {p.pk})
        with self.assertRaises(ValidationError):
            s.problem_set_status(problem=p, status="done", actor=self.users["shenyang_samr"])
        s.problem_set_status(problem=p, status="done", rectification="已建立台账", actor=self.users["shenyang_samr"])
        with self.assertRaises(PermissionDenied):
            s.problem_set_status(problem=p, status="verified", actor=self.users["shenyang_samr"])
        p = s.problem_set_status(problem=p, status="verified", actor=self.users["shenyang_office"])
        self.assertEqual(p.status, Problem.Status.VERIFIED)

    def test_joint_punishment(self):
        ent = enterprise("210100")
        jp = s.joint_punishment_decide(unit=unit("210100-office"), enterprise=ent, basis="多次哄抬价格",
                                       actions=[(unit("210100-samr"), "credit"),
                                                (unit("210100-commerce"), "interview")],
                                       actor=self.users["shenyang_office"])
        action = jp.actions.get(measure="credit")
        with self.assertRaises(PermissionDenied):
            s.joint_action_done(action=action, text="x", actor=self.users["shenyang_office"])
        s.joint_action_done(action=action, text="已列入失信名单", actor=self.users["shenyang_samr"])
        self.assertTrue(CreditRecord.objects.filter(enterprise=ent, kind="joint").exists())

    def test_a_measure_is_reported_done_once(self):
        jp = s.joint_punishment_decide(unit=unit("210100-office"), enterprise=enterprise("210100"),
                                       basis="多次哄抬价格", actions=[(unit("210100-samr"), "credit")],
                                       actor=self.users["shenyang_office"])
        action = jp.actions.get()
        s.joint_action_done(action=action, text="已列入失信名单", done_on=d("2020-06-02"),
                            actor=self.users["shenyang_samr"])
        with self.assertRaisesMessage(ValidationError, "联合惩戒措施当前为“已落实”，不能再填报落实情况"):
            s.joint_action_done(action=action, text="再次填报", actor=self.users["shenyang_samr"])
        action.refresh_from_db()
        self.assertEqual((action.action, action.done_on), ("已列入失信名单", d("2020-06-02")))


class ExposureTests(WorldTestCase):
    def test_review_refuses_personal_data_and_public_page_needs_no_login(self):
        e = Exposure.objects.create(unit=unit("210000-office"), title="某店哄抬口罩价格案",
                                    public_text="举报人电话13812341234，当事人被罚款。")
        with self.assertRaisesMessage(ValidationError, "手机号码"):
            s.exposure_review(exposure=e, actor=self.users["province_office"])
        e.public_text = "当事人哄抬口罩价格，被罚款3万元。"
        e.save()
        with self.assertRaises(ValidationError):
            s.exposure_publish(exposure=e, actor=self.users["province_office"])
        s.exposure_review(exposure=e, actor=self.users["province_office"])
        self.assertNotContains(self.client.get("/public/cases/"), "某店哄抬口罩价格案")
        s.exposure_publish(exposure=e, actor=self.users["province_office"], published_on=d("2020-06-15"))
        self.client.logout()
        page = self.client.get("/public/cases/")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "某店哄抬口罩价格案")
        self.assertEqual(self.client.get(f"/public/cases/{e.pk}/").status_code, 200)
