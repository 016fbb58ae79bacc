"""The price workflows (rectify/prices/workflows.py) through the API's step endpoints, and the pages
where they differ: price flags (转为线索 / 立案 / 排除), enterprises' requests (答复) and capacity
requests (调配产能). For each: the step taken (200 and the new state), a user out of scope (404), a
user in scope who may not take it (403 with the reason), a step from the wrong state (409 naming the
state), a missing required field (400 naming it), and the `steps/` read with the reasons."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse

from rectify.core.audit.models import Event
from rectify.enforcement import services as enforcement
from rectify.enforcement.models import Case, Lead
from rectify.organisations.models import Campaign, ProductCategory, Unit
from rectify.prices import services
from rectify.prices.models import (
    CapacityAllocation,
    CapacityOffer,
    CapacityRequest,
    PriceFlag,
    PriceObservation,
    ServiceRequest,
)
from rectify.prices.services.support import capacity_remaining
from rectify.testing import WorldTestCase

from . import factories as f
from . import helpers as h


def provincial_flag_in_dalian() -> PriceFlag:
    seller = h.enterprise("大连仁和药房有限公司", "210200")
    obs = PriceObservation.objects.create(unit=Unit.objects.get(code="210000-samr"), outlet_name="大连仁和药房",
                                          enterprise=seller, product="一次性使用医用口罩", category=h.mask(),
                                          price=Decimal("1.50"), observed_on=h.D(2020, 5, 20))
    return PriceFlag.objects.create(rule=f.price_rule(), observation=obs, unit=obs.unit, enterprise=seller,
                                    outlet_name=obs.outlet_name, measured=Decimal("200"), threshold=Decimal("50"),
                                    explanation="高出200%")


def step_page(obj, name: str) -> str:
    return reverse(f"prices:{obj._meta.model_name}_step", kwargs={"pk": obj.pk, "step": name})


class PriceFlagWorkflowTests(WorldTestCase):
    def setUp(self):
        self.flag = f.price_flag(self.unit("210100-samr"))

    def test_to_lead_then_to_case(self):
        response = self.api_step("shenyang_samr", self.flag, "to_lead")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["state"], response.json()["state_label"]), ("lead", "已转线索"))
        self.flag.refresh_from_db()
        lead = self.flag.lead
        self.assertEqual((lead.unit, lead.status, lead.enterprise), (self.flag.unit, "open", self.flag.enterprise))
        self.assertEqual(response.json()["next"], lead.get_absolute_url())
        self.assertEqual(Event.objects.get(event="price_flag.to_lead", object_id=str(self.flag.pk)).user,
                         self.users["shenyang_samr"])

        response = self.api_step("shenyang_samr", self.flag, "to_case", {"number": "沈价立〔2020〕1号"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["state"], "case")
        self.flag.refresh_from_db()
        case = Case.objects.get(number="沈价立〔2020〕1号")
        self.assertEqual((self.flag.case, case.source_lead, case.status), (case, lead, "filed"))
        self.assertEqual(case.case_category.code, "price")
        self.assertEqual(Lead.objects.get(pk=lead.pk).status, "case")
        # The service asked again answers with what the steps made, filing nothing twice.
        self.assertEqual(services.price_flag_to_case(flag=self.flag, actor=self.users["shenyang_samr"]), case)
        self.assertEqual(services.price_flag_to_lead(flag=self.flag, actor=self.users["shenyang_samr"]), lead)
        self.assertEqual(Case.objects.filter(source_lead=lead).count(), 1)

    def test_out_of_scope_is_404_and_writes_nothing(self):
        for name in ("to_lead", "to_case", "dismiss"):
            self.assertEqual(self.api_step("dalian_samr", self.flag, name, {"reason": "不属实"}).status_code, 404)
        self.assertEqual(PriceFlag.objects.get(pk=self.flag.pk).status, "open")
        self.assertFalse(Lead.objects.exists())

    def test_a_unit_in_scope_but_not_the_owners_is_refused_with_the_reason(self):
        # The province's flag about a Dalian seller is placed in Dalian: Dalian's bureau sees it, but
        # the flag is the province's to handle.
        flag = provincial_flag_in_dalian()
        self.assertTrue(PriceFlag.objects.restrict(self.users["dalian_samr"]).filter(pk=flag.pk).exists())
        response = self.api_step("dalian_samr", flag, "to_lead")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["detail"], "仅辽宁省市场监督管理局及其上级单位可以转为线索。")
        state, steps = self.api_steps("dalian_samr", flag)
        self.assertEqual(state, "open")
        self.assertEqual(steps["dismiss"]["reason"], "仅辽宁省市场监督管理局及其上级单位可以排除预警。")
        self.assertFalse(any(s["allowed"] for s in steps.values()))
        self.assertEqual(self.api_step("province_samr", flag, "to_lead").status_code, 200)
        self.assertEqual(Lead.objects.get().unit, flag.unit)

    def test_a_reader_may_take_no_step_and_is_told_why(self):
        self.assertEqual(self.api_step("shenyang_leader", self.flag, "to_lead").status_code, 403)
        state, steps = self.api_steps("shenyang_leader", self.flag)
        self.assertEqual(state, "open")
        self.assertEqual({n: s["reason"] for n, s in steps.items()},
                         {"to_lead": "您的角色不能转为线索。", "to_case": "您的角色不能立为价格违法案件。",
                          "dismiss": "您的角色不能排除预警。"})
        self.login("shenyang_leader")
        page = self.client.get(step_page(self.flag, "dismiss"))
        self.assertContains(page, "您的角色不能排除预警。", status_code=403)
        self.assertNotContains(page, 'name="reason"', status_code=403)
        self.assertFalse(Lead.objects.exists())

    def test_wrong_state_is_409_naming_it(self):
        dismissed = self.api_step("shenyang_samr", self.flag, "dismiss", {"reason": "有进货发票"})
        self.assertEqual(dismissed.status_code, 200)
        response = self.api_step("shenyang_samr", self.flag, "to_lead")
        self.assertEqual(response.status_code, 409)
        body = response.json()
        self.assertEqual((body["state"], body["state_label"]), ("dismissed", "已排除"))
        self.assertIn("已排除", body["detail"])
        self.assertFalse(Lead.objects.exists())

    def test_a_lead_gone_on_in_enforcement_is_filed_there(self):
        self.api_step("shenyang_samr", self.flag, "to_lead")
        lead = PriceFlag.objects.get(pk=self.flag.pk).lead
        enforcement.lead_transfer(lead=lead, to_unit=self.unit("210200-samr"), reason="属地管辖",
                                  actor=self.users["shenyang_samr"])
        response = self.api_step("shenyang_samr", self.flag, "to_case")
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["detail"], "该预警的线索当前为“移送中”，请在线索页面办理。")
        self.assertFalse(Case.objects.exists())

    def test_dismissal_needs_its_reason(self):
        response = self.api_step("shenyang_samr", self.flag, "dismiss", {})
        self.assertEqual(response.status_code, 400)
        self.assertIn("reason", response.json())
        response = self.api_step("shenyang_samr", self.flag, "dismiss", {"reason": "  "})
        self.assertEqual(response.status_code, 400)
        self.assertIn("reason", response.json())
        self.assertEqual(PriceFlag.objects.get(pk=self.flag.pk).status, "open")
        self.api_step("shenyang_samr", self.flag, "dismiss", {"reason": "进货价格已上涨，有发票"})
        flag = PriceFlag.objects.get(pk=self.flag.pk)
        self.assertEqual(flag.status, "dismissed")
        self.assertIn("排除理由：进货价格已上涨，有发票", flag.explanation)
        self.assertEqual(Event.objects.get(event="price_flag.dismiss").detail["reason"], "进货价格已上涨，有发票")

    def test_steps_read_and_the_panel(self):
        state, steps = self.api_steps("shenyang_samr", self.flag)
        self.assertEqual((state, set(steps)), ("open", {"to_lead", "to_case", "dismiss"}))
        self.assertTrue(all(s["allowed"] for s in steps.values()))
        self.assertEqual(steps["dismiss"]["required"], ["reason"])
        self.api_step("shenyang_samr", self.flag, "to_lead")
        state, steps = self.api_steps("shenyang_samr", self.flag)
        self.assertEqual(state, "lead")
        self.assertTrue(steps["to_case"]["allowed"])
        self.assertEqual(steps["to_lead"]["reason"], "价格预警当前为“已转线索”，须为“待处理”才能转为线索。")
        self.assertEqual(steps["dismiss"]["reason"], "价格预警当前为“已转线索”，须为“待处理”才能排除预警。")
        self.login("shenyang_samr")
        page = self.client.get(self.flag.get_absolute_url())
        self.assertContains(page, step_page(self.flag, "to_case"))
        self.assertContains(page, "须为“待处理”才能排除预警")
        self.assertContains(page, "办理经过")


class ServiceRequestWorkflowTests(WorldTestCase):
    def setUp(self):
        self.request = f.service_request(self.unit("210100-samr"))

    def test_answer(self):
        response = self.api_step("shenyang_samr", self.request, "answer",
                             {"answer": "已协调省工信厅对接原料供应企业。", "answered_on": "2020-05-22"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["state"], response.json()["state_label"]), ("answered", "已答复"))
        req = ServiceRequest.objects.get(pk=self.request.pk)
        self.assertEqual((req.answer, req.answered_on), ("已协调省工信厅对接原料供应企业。", h.D(2020, 5, 22)))
        self.assertEqual(Event.objects.get(event="service_request.answer").user, self.users["shenyang_samr"])

    def test_refusals(self):
        answer = {"answer": "已答复"}
        self.assertEqual(self.api_step("dalian_samr", self.request, "answer", answer).status_code, 404)
        provincial = ServiceRequest.objects.create(unit=self.unit("210000-samr"), title="出口认证咨询",
                                                   enterprise=h.enterprise("大连华诺防护用品有限公司", "210200"),
                                                   content="CE认证流程", received_on=h.D(2020, 5, 20),
                                                   tracking_code="QYDALIAN00001")
        response = self.api_step("dalian_samr", provincial, "answer", answer)
        self.assertEqual((response.status_code, response.json()["detail"]),
                         (403, "仅辽宁省市场监督管理局及其上级单位可以答复。"))
        self.assertEqual(self.api_step("shenyang_leader", self.request, "answer", answer).status_code, 403)
        response = self.api_step("shenyang_samr", self.request, "answer", {"answered_on": "2020-05-22"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("answer", response.json())
        response = self.api_step("shenyang_samr", self.request, "answer", {"answer": "x", "answered_on": "2099-01-01"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("answered_on", response.json())
        self.assertEqual(ServiceRequest.objects.get(pk=self.request.pk).status, "open")
        self.assertEqual(self.api_step("shenyang_samr", self.request, "answer", answer).status_code, 200)
        response = self.api_step("shenyang_samr", self.request, "answer", {"answer": "第二次答复"})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["state"], "answered")
        self.assertEqual(ServiceRequest.objects.get(pk=self.request.pk).answer, "已答复")

    def test_steps_read(self):
        state, steps = self.api_steps("shenyang_samr", self.request)
        self.assertEqual((state, steps["answer"]["allowed"], steps["answer"]["required"]), ("open", True, ["answer"]))
        state, steps = self.api_steps("shenyang_leader", self.request)
        self.assertEqual((steps["answer"]["allowed"], steps["answer"]["reason"]), (False, "您的角色不能答复。"))

    def test_an_answer_sent_with_an_edit_is_the_step_taken_once(self):
        api = self.api("shenyang_samr")
        url = f"/api/prices/servicerequest/{self.request.pk}/"

        def patch(data: dict):
            return api.patch(url, data, format="json", HTTP_IF_MATCH=api.get(url)["ETag"])

        response = patch({"answer": "已对接原料供应企业。"})
        self.assertEqual(response.status_code, 200, response.content)
        req = ServiceRequest.objects.get(pk=self.request.pk)
        self.assertEqual((req.status, req.answer), ("answered", "已对接原料供应企业。"))
        self.assertTrue(Event.objects.filter(event="service_request.answer", object_id=str(req.pk)).exists())
        self.assertEqual(patch({"title": "熔喷布原料短缺（已对接）"}).status_code, 200)
        response = patch({"answer": "改写的答复"})
        self.assertEqual(response.status_code, 409, "the answer is a step, and the state no longer allows it")
        self.assertIn("已答复", response.json()["detail"])
        self.assertEqual(response.json()["state"], "answered")
        req = ServiceRequest.objects.get(pk=self.request.pk)
        self.assertEqual((req.title, req.answer), ("熔喷布原料短缺（已对接）", "已对接原料供应企业。"))

    def test_a_request_answered_on_the_spot_is_answered_by_the_step(self):
        response = self.api("shenyang_samr").post("/api/prices/servicerequest/", {
            "unit": self.request.unit.pk, "enterprise": self.request.enterprise.pk, "kind": "policy",
            "title": "咨询出口认证", "content": "CE认证流程", "received_on": "2020-05-21",
            "answer": "已当场解答并提供办事指南。"}, format="json")
        self.assertEqual(response.status_code, 201, response.content)
        req = ServiceRequest.objects.get(pk=response.json()["id"])
        self.assertEqual((req.status, req.answer), ("answered", "已当场解答并提供办事指南。"))
        self.assertEqual([e.event for e in Event.objects.filter(object_id=str(req.pk)).order_by("pk")
                          if e.event.startswith("service_request.")],
                         ["service_request.receive", "service_request.answer"])

    def test_the_edit_page_asks_for_no_answer(self):
        self.login("shenyang_samr")
        page = self.client.get(reverse("prices:servicerequest_edit", kwargs={"pk": self.request.pk}))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="answer"')
        page = self.client.get(step_page(self.request, "answer"))
        self.assertContains(page, 'name="answer"')


class CapacityWorkflowTests(WorldTestCase):
    def setUp(self):
        unit = self.unit("210100-samr")
        self.offer = CapacityOffer.objects.create(unit=unit, enterprise=h.enterprise(), category=h.mask(),
                                                  quantity=10000, available_from=h.D(2020, 5, 20))
        self.request = CapacityRequest.objects.create(unit=unit, requester="沈阳市第一人民医院", category=h.mask(),
                                                      quantity=8000, needed_by=h.D(2020, 5, 25))

    def allocate(self, quantity: int, key: str = "shenyang_samr", **extra):
        return self.api_step(key, self.request, "allocate", {"offer": self.offer.pk, "quantity": quantity, **extra})

    def test_allocations_until_the_need_is_met(self):
        response = self.allocate(3000, allocated_on="2020-05-21")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["state"], response.json()["state_label"]), ("partial", "部分调配"))
        first = CapacityAllocation.objects.get()
        self.assertEqual((first.unit, first.offer, first.quantity, first.allocated_on),
                         (self.request.unit, self.offer, 3000, h.D(2020, 5, 21)))
        self.assertEqual(response.json()["next"], first.get_absolute_url())
        response = self.allocate(5000)
        self.assertEqual(response.json()["state"], "met")
        self.assertEqual(capacity_remaining(request=self.request), 0)
        self.assertEqual(Event.objects.filter(event="capacity.allocate", object_id=str(self.request.pk)).count(), 2)
        response = self.allocate(1)
        self.assertEqual(response.status_code, 409)
        self.assertEqual((response.json()["state"], response.json()["state_label"]), ("met", "已满足"))
        self.assertEqual(CapacityAllocation.objects.count(), 2)

    def test_no_more_than_offered_or_needed(self):
        response = self.allocate(8001)
        self.assertEqual(response.status_code, 400)
        self.assertIn("超过需求尚未满足的数量（8000）", response.json()["quantity"][0])
        small = CapacityOffer.objects.create(unit=self.offer.unit, enterprise=h.enterprise(), category=h.mask(),
                                             quantity=100, available_from=h.D(2020, 5, 20))
        response = self.api_step("shenyang_samr", self.request, "allocate", {"offer": small.pk, "quantity": 101})
        self.assertEqual(response.status_code, 400)
        self.assertIn("超过供给剩余可调配数量（100）", response.json()["quantity"][0])
        self.assertFalse(CapacityAllocation.objects.exists())
        # The same rule on the step's page: the field's error, nothing saved.
        self.login("shenyang_samr")
        self.assertContains(self.client.get(step_page(self.request, "allocate")), "（剩余 10000只）")
        page = self.client.post(step_page(self.request, "allocate"), {"offer": self.offer.pk, "quantity": "8001"})
        self.assertContains(page, "超过需求尚未满足的数量", status_code=400)
        self.assertFalse(CapacityAllocation.objects.exists())
        self.assertEqual(self.client.post(step_page(self.request, "allocate"),
                                          {"offer": self.offer.pk, "quantity": "8000"}).status_code, 302)
        self.assertEqual(CapacityAllocation.objects.get().quantity, 8000)

    def test_offers_of_another_category_or_out_of_scope_are_no_choice(self):
        suits = ProductCategory.objects.get(campaign=Campaign.current(), code="protective_suit")
        other = CapacityOffer.objects.create(unit=self.offer.unit, enterprise=h.enterprise(), category=suits,
                                             quantity=500, available_from=h.D(2020, 5, 20))
        dalian = CapacityOffer.objects.create(unit=self.unit("210200-samr"), category=h.mask(), quantity=500,
                                              enterprise=h.enterprise("大连防护用品有限公司", "210200"),
                                              available_from=h.D(2020, 5, 20))
        for offer in (other, dalian):
            response = self.api_step("shenyang_samr", self.request, "allocate", {"offer": offer.pk, "quantity": 10})
            self.assertEqual(response.status_code, 400)
            self.assertIn("offer", response.json())
        with self.assertRaisesMessage(ValidationError, "不在您的数据范围内"):
            services.capacity_allocate(request=self.request, offer=dalian, quantity=10,
                                       actor=self.users["shenyang_samr"])
        self.assertFalse(CapacityAllocation.objects.exists())

    def test_refusals_and_steps_read(self):
        self.assertEqual(self.allocate(10, key="dalian_samr").status_code, 404)
        self.assertEqual(self.allocate(10, key="shenyang_leader").status_code, 403)
        self.login("shenyang_leader")
        page = self.client.post(step_page(self.request, "allocate"), {"offer": self.offer.pk, "quantity": "10"})
        self.assertRedirects(page, self.request.get_absolute_url(), fetch_redirect_response=False)
        self.assertContains(self.client.get(self.request.get_absolute_url()), "您的角色不能调配产能。")
        response = self.api_step("shenyang_samr", self.request, "allocate", {"offer": self.offer.pk})
        self.assertEqual(response.status_code, 400)
        self.assertIn("quantity", response.json())
        self.assertFalse(CapacityAllocation.objects.exists())
        state, steps = self.api_steps("shenyang_samr", self.request)
        self.assertEqual((state, steps["allocate"]["allowed"]), ("open", True))
        self.assertEqual(steps["allocate"]["required"], ["offer", "quantity"])
        state, steps = self.api_steps("shenyang_leader", self.request)
        self.assertEqual(steps["allocate"]["reason"], "您的角色不能调配产能。")
