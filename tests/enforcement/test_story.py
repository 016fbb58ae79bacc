"""The enforcement story: a complaint about a mask seller becomes a lead, goes to Dalian, becomes a
price case there, is penalised and exposed, and shows on the seller's credit record."""
from decimal import Decimal

from django.template.loader import render_to_string
from django.test import RequestFactory

from rectify.core.audit.events import events_for
from rectify.enforcement import services as s
from rectify.enforcement.models import Case, Complaint, CreditRecord, Exposure, Lead
from rectify.testing import WorldTestCase

from .helpers import case_category, category, d, enterprise, unit


class StoryTests(WorldTestCase):
    def can_see(self, key, obj):
        return type(obj).objects.restrict(self.users[key]).filter(pk=obj.pk).exists()

    def test_complaint_to_exposed_penalty_on_credit_record(self):
        seller = enterprise("210200", name="大连护佳口罩经营部")
        sy, dl = self.users["shenyang_samr"], self.users["dalian_samr"]
        # 1. Shenyang's 12315 desk receives the complaint (matched to the registry by name).
        complaint = s.complaint_receive(unit=unit("210100-samr"), actor=sy, number="12315-0001",
                                        received_on=d("2020-05-26"), subject_name="大连护佳口罩经营部",
                                        product_category=category("mask"),
                                        content="网购口罩每只30元，明显哄抬价格", reporter_name="赵六",
                                        reporter_phone="13600001234")
        self.assertEqual(complaint.enterprise, seller)
        s.complaint_decide(complaint=complaint, accept=True, actor=sy, decided_on=d("2020-05-27"))
        # 2. It becomes a lead and is transferred to the competent city.
        lead = s.complaint_to_lead(complaint=complaint, description="大连护佳口罩经营部涉嫌哄抬口罩价格", actor=sy)
        hop = s.lead_transfer(lead=lead, to_unit=unit("210200-samr"), reason="被投诉主体在大连，属地管辖", actor=sy)
        s.transfer_accept(transfer=hop, actor=dl, accepted_on=d("2020-05-28"))
        moved = Lead.objects.get(pk=lead.pk)
        self.assertTrue(self.can_see("shenyang_samr", moved), "the sender keeps reading what it sent")
        self.assertFalse(Lead.objects.restrict(sy, "change").filter(pk=lead.pk).exists(),
                         "moved: the lead is Dalian's, Shenyang no longer writes it")
        self.assertTrue(self.can_see("dalian_samr", Lead.objects.get(pk=lead.pk)))
        self.assertFalse(self.can_see("dalian_samr", complaint), "the complaint and its reporter stay in Shenyang")
        # 3. Dalian files a price case, investigates and penalises.
        case = s.case_from_lead(lead=lead, number="大市监价立〔2020〕8号", title="哄抬口罩价格案", actor=dl,
                                case_category=case_category("price"), product_category=category("mask"),
                                filed_on=d("2020-05-29"), source=Case.Source.COMPLAINT)
        self.assertEqual((case.status, case.region.code, case.source_complaint), ("filed", "210200", complaint))
        self.assertFalse(self.can_see("shenyang_samr", case))
        s.case_transition(case=case, to="investigated", actor=dl, staff_dispatched=4, units_investigated=1)
        case = s.case_transition(case=case, to="decided", actor=dl, decision_number="大市监价罚〔2020〕8号",
                                 decided_on=d("2020-06-08"), fine=Decimal("50000"), confiscation=Decimal("6000"))
        # 4. The credit record appears on the enterprise, for Dalian's departments, not for Shenyang.
        record = CreditRecord.objects.get(case=case)
        self.assertEqual((record.enterprise, record.amount), (seller, Decimal("56000")))
        self.assertFalse(self.can_see("shenyang_samr", record))
        request = RequestFactory().get("/")
        request.user = self.users["dalian_office"]
        panel = render_to_string("enforcement/enterprise_credit_panel.html", {"object": seller, "request": request})
        self.assertIn("大市监价罚〔2020〕8号", panel)
        # 5. Dalian's office exposes it without personal data; the public reads it without login.
        exposure = Exposure.objects.create(unit=unit("210200-office"), case=case, title="大连某口罩经营部哄抬价格案",
                                           public_text="举报人赵六反映……")
        with self.assertRaisesMessage(Exception, "投诉举报人信息"):
            s.exposure_review(exposure=exposure, actor=self.users["dalian_office"])
        exposure.public_text = "经查，当事人在疫情期间大幅提高口罩售价，被处罚款5万元并没收违法所得6000元。"
        exposure.save()
        s.exposure_review(exposure=exposure, actor=self.users["dalian_office"])
        s.exposure_publish(exposure=exposure, actor=self.users["dalian_office"], published_on=d("2020-06-10"))
        self.client.logout()
        page = self.client.get("/public/cases/")
        self.assertContains(page, "大连某口罩经营部哄抬价格案")
        for secret in ("赵六", "13600001234", "136****1234"):
            self.assertNotContains(page, secret)
        # 6. Everything is in the history, by the right unit's users.
        who = {e.event: e.user_id for o in (complaint, lead, case, exposure) for e in events_for(o)}
        self.assertEqual(who["complaint.receive"], sy.pk)
        self.assertEqual(who["lead.transfer"], sy.pk)
        self.assertEqual(who["lead.accept"], dl.pk)
        self.assertEqual(who["case.decided"], dl.pk)
        self.assertEqual(who["exposure.publish"], self.users["dalian_office"].pk)
        self.assertEqual(Complaint.objects.get(pk=complaint.pk).status, "accepted")
