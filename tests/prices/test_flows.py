"""Price flags (3× baseline → price case), the import, the chart, complaints by seller, and an
enterprise's request answered and visible by tracking code."""
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rectify.core.audit.models import Event
from rectify.core.generic.exports import write_xlsx
from rectify.enforcement.models import Case, Complaint, Lead
from rectify.prices import services
from rectify.prices.importing import COLUMNS
from rectify.prices.models import PriceFlag, PriceObservation, PriceRule, ServiceRequest
from rectify.testing import WorldTestCase
from tests.portal.helpers import solve

from . import helpers as h


def step_url(obj, name: str) -> str:
    return reverse(f"prices:{obj._meta.model_name}_step", kwargs={"pk": obj.pk, "step": name})


class PriceFlagFlowTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        province = cls.unit("210000-samr")
        h.baseline(province, price="0.50")
        cls.rules = {k: h.rule(province, kind=k, threshold=t, name=k) for k, t in
                     (("above_baseline", "50"), ("markup", "35"), ("rise", "30"), ("hoarding", "30"))}

    def test_three_times_baseline_is_flagged_and_becomes_a_price_case(self):
        self.login("shenyang_samr")
        data = {"unit": self.users["shenyang_samr"].unit.pk, "outlet_name": "沈阳康民大药房",
                "enterprise": h.enterprise().pk, "product": "一次性使用医用口罩", "specification": "",
                "category": h.mask().pk, "unit_of_sale": "只",
                "price": "1.50", "purchase_cost": "", "stock_quantity": "", "normal_daily_sales": "",
                "observed_on": "2020-05-21", "source": "complaint", "notes": ""}
        self.assertEqual(self.client.post("/prices/priceobservation/add/", data).status_code, 302)
        flag = PriceFlag.objects.get(rule=self.rules["above_baseline"])
        self.assertEqual(flag.measured, Decimal("200.00"))
        self.assertIn("高出200.00%", flag.explanation)
        page = self.client.get(flag.get_absolute_url())
        self.assertContains(page, step_url(flag, "to_case"))
        self.assertContains(page, "沈阳康民大药房")
        response = self.client.post(step_url(flag, "to_case"))
        flag.refresh_from_db()
        self.assertRedirects(response, flag.case.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(flag.status, PriceFlag.Status.CASE)
        case = flag.case
        self.assertEqual(case.case_category.code, "price")
        self.assertEqual(case.status, Case.Status.FILED)
        self.assertEqual(case.source_lead, flag.lead)
        self.assertEqual(flag.lead.status, Lead.Status.CASE)
        self.assertEqual(case.enterprise, h.enterprise())
        self.assertTrue(Event.objects.filter(event="price_flag.to_case").exists())
        # A second click does not file a second case.
        self.assertContains(self.client.post(step_url(flag, "to_case"), follow=True), "不能再立为价格违法案件")
        self.assertEqual(Case.objects.filter(case_category__code="price").count(), 1)

    def test_out_of_scope_unit_cannot_act_on_flag(self):
        obs = h.observation(self.unit("210100-samr"), price="1.50")
        flag = PriceFlag.objects.get(observation=obs)
        self.login("dalian_samr")
        self.assertEqual(self.client.post(step_url(flag, "to_lead")).status_code, 404)
        self.assertFalse(Lead.objects.exists())

    def test_markup_rise_and_hoarding_rules(self):
        unit = self.unit("210100-samr")
        h.observation(unit, price="0.55", day=h.D(2020, 5, 18))
        obs = h.observation(unit, price="0.70", day=h.D(2020, 5, 20), purchase_cost=Decimal("0.40"),
                            stock_quantity=9000, normal_daily_sales=100)
        kinds = set(PriceFlag.objects.filter(observation=obs).values_list("rule__kind", flat=True))
        self.assertEqual(kinds, {"markup", "hoarding"})  # rise 27% < 30%; above baseline 40% < 50%
        rise = h.observation(unit, price="0.80", day=h.D(2020, 5, 22))
        flag = PriceFlag.objects.get(observation=rise, rule__kind="rise")
        self.assertEqual(flag.observations.count(), 2)  # the earlier price is shown behind the flag

    def test_rule_thresholds_are_data_and_reevaluation(self):
        unit = self.unit("210100-samr")
        obs = h.observation(unit, price="0.70")
        self.assertFalse(PriceFlag.objects.filter(observation=obs).exists())
        PriceRule.objects.filter(kind="above_baseline").update(threshold=Decimal("20"))
        self.assertEqual(services.price_flags_reevaluate(PriceObservation.objects.filter(pk=obs.pk)), 1)
        self.assertTrue(PriceFlag.objects.filter(observation=obs, rule__kind="above_baseline").exists())

    def test_dismiss_needs_reason(self):
        obs = h.observation(self.unit("210100-samr"), price="1.50")
        flag = PriceFlag.objects.get(observation=obs)
        self.login("shenyang_samr")
        response = self.client.post(step_url(flag, "dismiss"), {"reason": ""})
        self.assertContains(response, "该字段是必填项", status_code=400)
        flag.refresh_from_db()
        self.assertEqual(flag.status, "open")
        self.client.post(step_url(flag, "dismiss"), {"reason": "进货价格已上涨，有发票"})
        flag.refresh_from_db()
        self.assertEqual(flag.status, "dismissed")

    def test_import_evaluates_and_refuses_bad_rows(self):
        self.login("shenyang_samr")
        headers = [c.label for c in COLUMNS]
        good = ["沈阳百姓药房", "", "一次性使用医用口罩", "", "口罩", "只", "1.60", "", "", "", "2020-05-22",
                "网络监测", ""]
        bad = ["沈阳百姓药房", "", "一次性使用医用口罩", "", "雨伞", "只", "abc", "", "", "", "2020-13-40", "", ""]
        upload = SimpleUploadedFile("p.xlsx", write_xlsx(headers, [good, bad]))
        response = self.client.post("/prices/priceobservation/import/", {"file": upload})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "未知的产品类别", status_code=400)
        self.assertFalse(PriceObservation.objects.exists())
        upload = SimpleUploadedFile("p.xlsx", write_xlsx(headers, [good]))
        self.assertEqual(self.client.post("/prices/priceobservation/import/", {"file": upload}).status_code, 302)
        obs = PriceObservation.objects.get()
        self.assertEqual(obs.source, "online")
        self.assertTrue(PriceFlag.objects.filter(observation=obs).exists())
        bomb = SimpleUploadedFile("p.xlsx", b"not a spreadsheet")
        self.assertContains(self.client.post("/prices/priceobservation/import/", {"file": bomb}), "不是 Excel",
                            status_code=400)

    def test_chart_and_table(self):
        unit = self.unit("210100-samr")
        h.observation(unit, price="0.55", day=h.D(2020, 5, 18))
        h.observation(unit, price="1.50", day=h.D(2020, 5, 20), outlet="沈阳哄抬药房")
        h.observation(self.unit("210200-samr"), price="0.60", day=h.D(2020, 5, 19), outlet="大连药房")
        self.login("shenyang_samr")
        response = self.client.get("/prices/chart/", {"product": "一次性使用医用口罩", "region": h.city().pk})
        self.assertContains(response, 'data-chart="price-chart"')
        self.assertContains(response, "echarts.min.js")
        self.assertContains(response, "沈阳哄抬药房")  # flagged outlet marked (series and table)
        self.assertContains(response, "基准价")
        self.assertNotContains(response, "大连药房")
        rows = response.context["series"].rows
        self.assertEqual([r["day"] for r in rows], ["2020-05-18", "2020-05-20"])

    def test_complaints_grouped_by_seller(self):
        unit = self.unit("210100-samr")
        for i in range(3):
            Complaint.objects.create(unit=unit, number=f"T-{i}", received_on=h.D(2020, 5, 20 + i),
                                     subject_name="沈阳哄抬药房", content="口罩一只十五元")
        Complaint.objects.create(unit=self.unit("210200-samr"), number="T-9", received_on=h.D(2020, 5, 20),
                                 subject_name="沈阳哄抬药房", content="x")
        self.login("shenyang_samr")
        response = self.client.get("/prices/complaints-by-seller/")
        rows = list(response.context["rows"])
        self.assertEqual(rows[0]["seller"], "沈阳哄抬药房")
        self.assertEqual(rows[0]["total"], 3)  # Dalian's complaint is out of scope
        self.assertNotContains(response, "口罩一只十五元")


class ServiceRequestFlowTests(WorldTestCase):
    def test_request_answered_and_visible_by_tracking_code(self):
        self.login("shenyang_samr")
        unit = self.users["shenyang_samr"].unit
        response = self.client.post("/prices/servicerequest/add/", {
            "unit": unit.pk, "enterprise": h.enterprise().pk, "kind": "difficulty", "title": "熔喷布原料短缺",
            "content": "内部联系人张三 13900000000", "received_on": "2020-05-20", "answer": "", "answered_on": ""})
        self.assertEqual(response.status_code, 302)
        req = ServiceRequest.objects.get()
        self.assertEqual(req.status, "open")
        self.assertTrue(req.tracking_code.startswith("QY"))
        services.service_request_update(obj=req, data={"answer": "已协调省工信厅对接原料供应企业。",
                                                       "answered_on": h.D(2020, 5, 22)},
                                        actor=self.users["shenyang_samr"])
        req.refresh_from_db()
        self.assertEqual(req.status, "answered")
        self.assertTrue(Event.objects.filter(event="service_request.answer").exists())
        public = self.client_class()
        page = public.get("/public/service/")
        response = public.post("/public/service/", {"code": req.tracking_code.lower(), "captcha": solve(page)})
        self.assertContains(response, "已协调省工信厅对接原料供应企业。")
        self.assertContains(response, "已答复")
        self.assertNotContains(response, "13900000000")
