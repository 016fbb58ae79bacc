"""The enforcement workflow through the pages: test_story.py's story step by step, each step by the
right world user; wrong users get 404 (out of scope) or the service's refusal as a message."""
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from rectify.accounts.models import Role, User
from rectify.core.audit.events import events_for
from rectify.enforcement import services as s
from rectify.enforcement.models import (
    Case,
    Complaint,
    CreditRecord,
    Exposure,
    JointPunishmentAction,
    Lead,
    Problem,
    Supervision,
    Transfer,
)
from rectify.testing import WorldTestCase

from .helpers import case, case_category, category, d, enterprise, unit


def step(obj, key: str) -> str:
    return reverse(f"enforcement:{obj._meta.model_name}_step", kwargs={"pk": obj.pk, "step": key})


def detail(obj) -> str:
    return obj.get_absolute_url()


class WorkflowStoryTests(WorldTestCase):
    def post(self, key: str, url: str, data: dict | None = None, **kw):
        self.login(key)
        return self.client.post(url, data or {}, **kw)

    def test_mask_complaint_to_published_penalty_through_the_pages(self):
        seller = enterprise("210200", name="大连护佳口罩经营部")
        sy = self.users["shenyang_samr"]
        complaint = s.complaint_receive(unit=unit("210100-samr"), actor=sy, number="12315-0101",
                                        received_on=d("2020-05-26"), subject_name="大连护佳口罩经营部",
                                        product_category=category("mask"),
                                        content="网购口罩每只30元，明显哄抬价格", reporter_name="赵六",
                                        reporter_phone="13600001234")

        # 1. Shenyang's desk sees the buttons; Dalian does not even see the complaint.
        self.login("shenyang_samr")
        page = self.client.get(detail(complaint))
        self.assertContains(page, step(complaint, "accept"))
        self.assertContains(page, step(complaint, "reject"))
        self.assertNotContains(page, step(complaint, "verify"), msg_prefix="a complaint is decided, not verified")
        self.assertEqual(self.post("dalian_samr", step(complaint, "accept")).status_code, 404)
        # The city office sees it but the decision is the handling unit's: the service says so.
        page = self.post("shenyang_office", step(complaint, "accept"), follow=True)
        self.assertContains(page, "（承办单位）可以受理")
        self.assertEqual(Complaint.objects.get(pk=complaint.pk).status, "received")
        # GET never changes state: it shows the form (or refuses a step not open to the user).
        self.login("shenyang_samr")
        self.assertEqual(self.client.get(step(complaint, "reject")).status_code, 200)
        self.assertEqual(Complaint.objects.get(pk=complaint.pk).status, "received")
        response = self.post("shenyang_samr", step(complaint, "accept"), {"decided_on": "2020-05-27"})
        self.assertRedirects(response, detail(complaint), fetch_redirect_response=False)
        complaint.refresh_from_db()
        self.assertEqual((complaint.status, complaint.decided_on), ("accepted", d("2020-05-27")))
        page = self.post("shenyang_samr", step(complaint, "accept"), follow=True)
        self.assertContains(page, "须为“待受理”才能受理")

        # 2. It becomes a lead, transferred to Dalian.
        response = self.post("shenyang_samr", step(complaint, "to_lead"),
                             {"description": "大连护佳口罩经营部涉嫌哄抬口罩价格"})
        lead = Lead.objects.get(complaint=complaint)
        self.assertRedirects(response, detail(lead), fetch_redirect_response=False)
        page = self.client.get(detail(lead))
        self.assertContains(page, step(lead, "transfer"))
        self.assertContains(page, step(lead, "transfer_police"))
        form_page = self.client.get(step(lead, "transfer"))
        self.assertContains(form_page, "大连市")
        self.assertNotContains(form_page, f'value="{unit("210100-samr").pk}"', msg_prefix="not to itself")
        bad = self.post("shenyang_samr", step(lead, "transfer"), {"to_unit": unit("210200-samr").pk, "reason": ""})
        self.assertEqual(bad.status_code, 400)
        self.post("shenyang_samr", step(lead, "transfer"),
                  {"to_unit": unit("210200-samr").pk, "reason": "被投诉主体在大连，属地管辖"})
        hop = Transfer.objects.get(lead=lead)
        self.assertEqual((hop.status, Lead.objects.get(pk=lead.pk).status), ("pending", "in_transfer"))

        # 3. Dalian accepts it from the lead's page; Shenyang cannot accept its own transfer.
        self.login("dalian_samr")
        page = self.client.get(detail(lead))
        self.assertContains(page, step(hop, "accept"))
        self.assertContains(page, step(hop, "return"))
        self.assertNotContains(page, step(lead, "case"), msg_prefix="no case before acceptance")
        page = self.post("shenyang_samr", step(hop, "accept"), follow=True)
        self.assertContains(page, "（接收单位）可以接收移送")
        self.assertEqual(self.post("customs_sy", step(hop, "accept")).status_code, 404)
        response = self.post("dalian_samr", step(hop, "accept"), {"accepted_on": "2020-05-28"})
        self.assertRedirects(response, detail(lead), fetch_redirect_response=False)
        self.assertEqual(Lead.objects.get(pk=lead.pk).unit.code, "210200-samr")
        self.login("shenyang_samr")
        page = self.client.get(detail(lead))
        self.assertContains(page, "已接收", msg_prefix="the sender reads the outcome of what it sent")
        self.assertNotContains(page, step(lead, "case"), msg_prefix="the lead moved to Dalian: no step is Shenyang's")

        # 4. Dalian files a price case on it (立案), investigates and decides with a fine.
        self.login("dalian_samr")
        self.assertContains(self.client.get(detail(lead)), step(lead, "case"))
        response = self.post("dalian_samr", step(lead, "case"), {
            "number": "大市监价立〔2020〕8号", "title": "哄抬口罩价格案", "case_category": case_category("price").pk,
            "product_category": category("mask").pk, "source": "complaint", "filed_on": "2020-05-29"})
        the_case = Case.objects.get(source_lead=lead)
        self.assertRedirects(response, detail(the_case), fetch_redirect_response=False)
        self.assertEqual((the_case.status, the_case.filed_on, the_case.region.code),
                         ("filed", d("2020-05-29"), "210200"))
        page = self.client.get(detail(the_case))
        self.assertContains(page, step(the_case, "investigated"))
        self.assertNotContains(page, step(the_case, "decide"), msg_prefix="decide only after investigation")
        # A step the state machine refuses: the service's reason comes back as a message.
        page = self.post("dalian_samr", step(the_case, "close"), follow=True)
        self.assertContains(page, "须为“调查终结、已作出处罚决定”才能结案")
        self.post("dalian_samr", step(the_case, "investigated"), {"staff_dispatched": 4, "units_investigated": 1,
                                                                  "facts": "疫情期间将口罩售价提高至每只30元"})
        the_case.refresh_from_db()
        self.assertEqual((the_case.status, the_case.staff_dispatched), ("investigated", 4))
        form_page = self.client.get(step(the_case, "decide"))
        for name in ("decision_number", "fine", "confiscation", "goods_confiscated", "licence_revoked"):
            self.assertContains(form_page, f'name="{name}"')
        self.assertNotContains(form_page, 'name="facts"', msg_prefix="only the decision's fields")
        self.assertNotContains(form_page, 'name="to_unit"')
        no_penalty = self.post("dalian_samr", step(the_case, "decide"),
                               {"decision_number": "X", "decided_on": "2020-06-08"})
        self.assertContains(no_penalty, "处罚决定须至少包含", status_code=400)
        self.assertEqual(Case.objects.get(pk=the_case.pk).status, "investigated")
        self.assertEqual(self.post("shenyang_samr", step(the_case, "decide"), {}).status_code, 404)
        self.post("dalian_samr", step(the_case, "decide"), {
            "decision_number": "大市监价罚〔2020〕8号", "decided_on": "2020-06-08", "fine": "50000",
            "confiscation": "6000"})
        the_case.refresh_from_db()
        self.assertEqual((the_case.status, the_case.fine, the_case.penalty_total),
                         ("decided", Decimal("50000"), Decimal("56000")))

        # 5. The province lists it for supervision; Dalian follows up; only the province closes it.
        page = self.post("dalian_samr", step(the_case, "supervise"), {"deadline": "2020-07-31"}, follow=True)
        self.assertContains(page, "仅省专项工作组办公室可以挂牌督办")
        self.login("province_office")
        self.assertContains(self.client.get(detail(the_case)), step(the_case, "supervise"))
        self.post("province_office", step(the_case, "supervise"), {"deadline": "2020-07-31", "listed_on": "2020-06-09",
                                                                   "requirement": "7月底前办结"})
        listing = Supervision.objects.get(case=the_case)
        self.login("dalian_samr")
        self.assertContains(self.client.get(detail(listing)), step(listing, "follow_up"))
        page = self.post("dalian_samr", step(listing, "finish"), {"note": "已作出处罚决定"}, follow=True)
        self.assertContains(page, "仅省专项工作组办公室可以办结督办")
        self.post("dalian_samr", step(listing, "follow_up"), {"note": "已作出处罚决定"})
        listing.refresh_from_db()
        self.assertEqual(listing.status, "listed", "finishing is not the handling side's")
        self.assertIn("已作出处罚决定", listing.follow_ups)
        self.post("province_office", step(listing, "finish"), {"note": "同意办结"})
        self.assertEqual(Supervision.objects.get(pk=listing.pk).status, "done")

        # 6. Dalian's office prepares the exposure; the text with the reporter's name is refused.
        # The draft is written by an office clerk: its reviewer may not be its author.
        drafter = User.objects.create_user(username="t_dalian_drafter", password="x", full_name="大连起草人",
                                           unit=unit("210200-office"))
        drafter.roles.set(Role.objects.filter(code="clerk"))
        self.users["dalian_drafter"] = drafter
        response = self.post("dalian_drafter", reverse("enforcement:exposure_add"), {
            "unit": unit("210200-office").pk, "case": the_case.pk, "title": "大连某口罩经营部哄抬价格案",
            "public_text": "举报人赵六反映……"})
        exposure = Exposure.objects.get(case=the_case)
        page = self.post("dalian_samr", step(exposure, "review"), follow=True)
        self.assertContains(page, "仅专项工作组办公室的审核员或管理员可以审核")
        page = self.post("dalian_office", step(exposure, "review"), follow=True)
        self.assertContains(page, "投诉举报人信息")
        self.assertEqual(Exposure.objects.get(pk=exposure.pk).status, "draft")
        Exposure.objects.filter(pk=exposure.pk).update(
            public_text="经查，当事人在疫情期间大幅提高口罩售价，被处罚款5万元并没收违法所得6000元。")
        self.login("dalian_office")
        self.assertContains(self.client.get(detail(exposure)), step(exposure, "review"))
        self.post("dalian_office", step(exposure, "review"))
        page = self.client.get(detail(exposure))
        self.assertContains(page, step(exposure, "publish"))
        self.assertNotContains(page, step(exposure, "review"))
        self.post("dalian_office", step(exposure, "publish"))
        self.assertEqual(Exposure.objects.get(pk=exposure.pk).status, "published")
        self.client.logout()
        public = self.client.get("/public/cases/")
        self.assertContains(public, "大连某口罩经营部哄抬价格案")
        self.assertNotContains(public, "赵六")

        # 7. The credit record shows on the enterprise page (for Dalian; Shenyang does not see the seller).
        record = CreditRecord.objects.get(case=the_case)
        self.assertEqual((record.enterprise, record.amount), (seller, Decimal("56000")))
        self.login("dalian_office")
        self.assertContains(self.client.get(detail(seller)), "大市监价罚〔2020〕8号")
        self.login("shenyang_samr")
        self.assertEqual(self.client.get(detail(seller)).status_code, 404)

        # 8. The events are in the history, by the right users.
        who = {e.event: e.user_id for o in (complaint, lead, hop, the_case, exposure, listing) for e in events_for(o)}
        expected = {
            "complaint.decide": "shenyang_samr", "complaint.to_lead": "shenyang_samr", "lead.transfer": "shenyang_samr",
            "lead.accept": "dalian_samr", "transfer.accept": "dalian_samr", "case.create": "dalian_samr",
            "case.filed": "dalian_samr", "case.investigated": "dalian_samr", "case.decided": "dalian_samr",
            "case.supervise": "province_office", "exposure.review": "dalian_office",
            "exposure.publish": "dalian_office",
        }
        for event, key in expected.items():
            self.assertEqual(who.get(event), self.users[key].pk, event)
        self.login("dalian_samr")
        history = self.client.get(reverse("enforcement:case_history", kwargs={"pk": the_case.pk}))
        # The history names each event by its step, in words.
        for label in ("立案", "调查终结", "作出处罚决定", "挂牌督办"):
            self.assertContains(history, label)
        self.assertNotContains(history, "case.filed")


class WorkflowStepTests(WorldTestCase):
    def post(self, key: str, url: str, data: dict | None = None, **kw):
        self.login(key)
        return self.client.post(url, data or {}, **kw)

    def test_reject_needs_a_reason_and_tips_are_verified(self):
        c = s.complaint_receive(unit=unit("210100-samr"), actor=self.users["shenyang_samr"], number="12315-0201",
                                received_on=d("2020-05-26"), content="口罩质量差")
        self.assertEqual(self.post("shenyang_samr", step(c, "reject"), {"reason": ""}).status_code, 400)
        self.post("shenyang_samr", step(c, "reject"), {"reason": "不属于本部门职责"})
        c.refresh_from_db()
        self.assertEqual((c.status, c.decision_reason), ("rejected", "不属于本部门职责"))
        tip = s.complaint_receive(unit=unit("210100-samr"), actor=self.users["shenyang_samr"], number="12315-0202",
                                  kind="tip", received_on=d("2020-05-26"), content="某店销售假冒口罩")
        self.login("shenyang_samr")
        page = self.client.get(detail(tip))
        self.assertContains(page, step(tip, "verify"))
        self.assertNotContains(page, step(tip, "accept"))
        self.post("shenyang_samr", step(tip, "verify"), {"result": "经核查属实"})
        self.assertEqual(Complaint.objects.get(pk=tip.pk).status, "verified")

    def test_csrf_and_post_only(self):
        c = s.complaint_receive(unit=unit("210100-samr"), actor=self.users["shenyang_samr"], number="12315-0301",
                                received_on=d("2020-05-26"), content="口罩质量差")
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.users["shenyang_samr"])
        self.assertEqual(client.post(step(c, "accept")).status_code, 403)
        self.assertEqual(Complaint.objects.get(pk=c.pk).status, "received")
        self.assertEqual(client.get(step(c, "accept")).status_code, 200)  # the form, not the change
        self.assertEqual(Complaint.objects.get(pk=c.pk).status, "received")
        self.login("shenyang_office")
        self.assertEqual(self.client.get(step(c, "accept")).status_code, 403, "no form for a step not open to the user")
        self.assertEqual(self.client.get(step(c, "no_such_step")).status_code, 404)

    def test_police_transfer_return_and_decision(self):
        lead = Lead.objects.create(unit=unit("210100-samr"), source="inspection", description="疑似生产假冒口罩窝点")
        self.login("shenyang_samr")
        form_page = self.client.get(step(lead, "transfer_police"))
        self.assertContains(form_page, f'value="{unit("210100-police").pk}"')
        self.assertNotContains(form_page, f'value="{unit("210200-samr").pk}"', msg_prefix="only police units")
        self.post("shenyang_samr", step(lead, "transfer_police"),
                  {"to_unit": unit("210100-police").pk, "reason": "涉嫌犯罪"})
        hop = Transfer.objects.get(lead=lead)
        self.assertTrue(hop.to_police)
        # The police returns it once, with a reason; then it is sent again and accepted.
        self.assertEqual(self.post("shenyang_police", step(hop, "return"), {"reason": ""}).status_code, 400)
        self.post("shenyang_police", step(hop, "return"), {"reason": "证据不足"})
        self.assertEqual(Transfer.objects.get(pk=hop.pk).status, "returned")
        self.post("shenyang_samr", step(lead, "transfer_police"),
                  {"to_unit": unit("210100-police").pk, "reason": "补充证据"})
        hop2 = Transfer.objects.filter(lead=lead, status="pending").get()
        self.post("shenyang_police", step(hop2, "accept"))
        self.login("shenyang_police")
        self.assertContains(self.client.get(detail(hop2)), step(hop2, "police_decision"))
        self.post("shenyang_police", step(hop2, "police_decision"), {"opened": "1"})
        self.assertEqual(Transfer.objects.get(pk=hop2.pk).police_decision, "opened")

    def test_case_transfer_to_police_from_the_case_page(self):
        c = case(unit("210100-samr"), filed_on=d("2020-05-01"), status="filed")
        self.login("shenyang_samr")
        self.assertContains(self.client.get(detail(c)), step(c, "transfer_police"))
        self.post("shenyang_samr", step(c, "transfer_police"),
                  {"to_unit": unit("210100-police").pk, "reason": "货值达到移送标准"})
        c.refresh_from_db()
        self.assertEqual((c.status, c.transferred_to_police), ("transferred", True))
        hop = Transfer.objects.get(case=c)
        self.login("shenyang_police")
        self.assertContains(self.client.get(detail(c)), step(hop, "accept"))
        self.post("shenyang_police", step(hop, "accept"))
        self.assertEqual(Transfer.objects.get(pk=hop.pk).status, "accepted")

    def test_problem_status_with_evidence_and_office_verification(self):
        problem = s.problem_record(unit=unit("210100-samr"), source="inspection", description="出厂检验记录不全",
                                   requirement="补齐检验记录", deadline=d("2020-06-30"),
                                   actor=self.users["shenyang_samr"])
        page = self.post("shenyang_samr", step(problem, "done"), {"rectification": ""})
        self.assertContains(page, "整改完成须填写整改情况或上传佐证材料", status_code=400)
        evidence = SimpleUploadedFile("记录.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        self.post("shenyang_samr", step(problem, "done"), {"rectification": "已补齐", "evidence": evidence})
        problem.refresh_from_db()
        self.assertEqual(problem.status, "done")
        self.assertTrue(problem.evidence.name)
        self.login("shenyang_samr")
        self.assertNotContains(self.client.get(detail(problem)), step(problem, "verify"))
        page = self.post("shenyang_samr", step(problem, "verify"), follow=True)
        self.assertContains(page, "仅专项工作组办公室的审核员或管理员可以验收销号")
        self.login("shenyang_office")
        self.assertContains(self.client.get(detail(problem)), step(problem, "verify"))
        self.post("shenyang_office", step(problem, "verify"))
        self.assertEqual(Problem.objects.get(pk=problem.pk).status, "verified")

    def test_joint_action_marked_done_by_its_unit(self):
        ent = enterprise("210100")
        decision = s.joint_punishment_decide(unit=unit("210100-office"), enterprise=ent, basis="多次销售不合格口罩",
                                             actions=[(unit("210100-samr"), "spot_check")],
                                             actor=self.users["shenyang_office"])
        action = JointPunishmentAction.objects.get(punishment=decision)
        self.login("shenyang_samr")
        self.assertContains(self.client.get(detail(action)), step(action, "done"))
        page = self.post("shenyang_office", step(action, "done"), {"text": "已抽查"}, follow=True)
        self.assertContains(page, "（惩戒实施单位）可以填报落实情况")
        self.post("shenyang_samr", step(action, "done"), {"text": "已对该企业开展抽查"})
        action.refresh_from_db()
        self.assertTrue(action.done_on)
        self.assertEqual(action.punishment.status, "done")
