"""Generic scope tests for every model the prices app registers."""
from decimal import Decimal

from rectify.prices.models import (
    CapacityAllocation,
    CapacityOffer,
    CapacityRequest,
    GuidanceDocument,
    Notice,
    PriceBaseline,
    PriceFlag,
    PriceObservation,
    PriceRule,
    ServiceRequest,
)
from rectify.testing import ModelScopeTests

from . import helpers as h


class PriceObservationTests(ModelScopeTests):
    model = PriceObservation

    @classmethod
    def make_object(cls, unit):
        return h.observation(unit)

    def form_data(self, unit):
        return {"unit": unit.pk, "outlet_name": "沈阳仁和药店", "enterprise": "", "product": "医用外科口罩",
                "specification": "", "category": h.mask().pk, "unit_of_sale": "只", "price": "1.20",
                "purchase_cost": "", "stock_quantity": "", "normal_daily_sales": "", "observed_on": "2020-05-21",
                "source": "inspection", "notes": ""}


class PriceBaselineTests(ModelScopeTests):
    """Read by every unit, set by the province (or a city for its own city)."""

    model = PriceBaseline
    owner_unit = "210000-samr"
    visible_to = h.EVERYONE
    hidden_from = ()
    writer = "province_samr"
    deleter = "province_office"

    @classmethod
    def make_object(cls, unit):
        return h.baseline(unit)

    def form_data(self, unit):
        return {"unit": unit.pk, "category": h.mask().pk, "product": "KN95口罩", "specification": "", "area": "",
                "unit_of_sale": "只", "price": "3.50", "basis": "疫情前价格", "valid_from": "2020-01-01"}

    def test_city_sets_only_its_own_city(self):
        self.login("shenyang_samr")
        data = {**self.form_data(self.users["shenyang_samr"].unit), "product": "城市基准"}
        self.assertEqual(self.client.post("/prices/pricebaseline/add/", data).status_code, 403)
        # another city is not even offered: the form refuses it on the field
        response = self.client.post("/prices/pricebaseline/add/", {**data, "area": h.city("210200").pk})
        self.assertEqual(response.status_code, 400)
        self.assertIn("area", response.context["form"].errors)
        self.assertFalse(PriceBaseline.objects.filter(product="城市基准").exists())
        self.assertEqual(self.client.post("/prices/pricebaseline/add/", {**data, "area": h.city().pk}).status_code, 302)


class PriceRuleTests(ModelScopeTests):
    model = PriceRule
    owner_unit = "210000-samr"
    visible_to = h.EVERYONE
    hidden_from = ()
    writer = "province_samr"
    deleter = "province_office"

    @classmethod
    def make_object(cls, unit):
        return h.rule(unit)

    def form_data(self, unit):
        return {"unit": unit.pk, "name": "购销差价率超过35%", "kind": "markup", "threshold": "35", "window_days": "7",
                "weight": "1", "active": "on"}

    def test_city_cannot_change_rules(self):
        self.login("shenyang_office")
        data = self.form_data(self.users["shenyang_office"].unit)
        self.assertEqual(self.client.post("/prices/pricerule/add/", data).status_code, 403)


class PriceFlagTests(ModelScopeTests):
    model = PriceFlag

    @classmethod
    def make_object(cls, unit):
        h.baseline(cls.unit("210000-samr"))
        h.rule(cls.unit("210000-samr"))
        obs = h.observation(unit, price="1.50")
        return PriceFlag.objects.get(observation=obs) if PriceFlag.objects.filter(observation=obs).exists() else \
            PriceFlag.objects.create(rule=PriceRule.objects.get(), observation=obs, unit=unit,
                                     outlet_name=obs.outlet_name, measured=Decimal("200"), threshold=Decimal("50"),
                                     explanation="高出200%")


class ServiceRequestTests(ModelScopeTests):
    model = ServiceRequest

    @classmethod
    def make_object(cls, unit):
        return ServiceRequest.objects.create(unit=unit, enterprise=h.enterprise(), title="熔喷布供应紧张",
                                             content="原料短缺", received_on=h.D(2020, 5, 20),
                                             tracking_code="QYTEST0000001")

    def form_data(self, unit):
        return {"unit": unit.pk, "enterprise": h.enterprise().pk, "kind": "policy", "title": "咨询出口认证",
                "content": "CE认证流程", "received_on": "2020-05-21", "answer": "", "answered_on": ""}


class CapacityOfferTests(ModelScopeTests):
    model = CapacityOffer

    @classmethod
    def make_object(cls, unit):
        return CapacityOffer.objects.create(unit=unit, enterprise=h.enterprise(), category=h.mask(), quantity=10000,
                                            available_from=h.D(2020, 5, 20))

    def form_data(self, unit):
        return {"unit": unit.pk, "enterprise": h.enterprise().pk, "category": h.mask().pk, "quantity": "5000",
                "unit_of_measure": "只", "available_from": "2020-05-22", "notes": ""}


class CapacityRequestTests(ModelScopeTests):
    model = CapacityRequest

    @classmethod
    def make_object(cls, unit):
        return CapacityRequest.objects.create(unit=unit, requester="沈阳市第一人民医院", category=h.mask(),
                                              quantity=8000, needed_by=h.D(2020, 5, 25))

    def form_data(self, unit):
        return {"unit": unit.pk, "requester": "沈阳市第二人民医院", "category": h.mask().pk, "quantity": "3000",
                "unit_of_measure": "只", "needed_by": "2020-05-28", "notes": ""}


class CapacityAllocationTests(ModelScopeTests):
    """Made by a capacity request's step 调配产能 (tests/prices/test_workflows.py), not added."""

    model = CapacityAllocation

    @classmethod
    def make_object(cls, unit):
        offer = CapacityOffer.objects.create(unit=unit, enterprise=h.enterprise(), category=h.mask(), quantity=10000,
                                             available_from=h.D(2020, 5, 20))
        request = CapacityRequest.objects.create(unit=unit, requester="沈阳市第一人民医院", category=h.mask(),
                                                 quantity=8000, needed_by=h.D(2020, 5, 25))
        return CapacityAllocation.objects.create(unit=unit, offer=offer, request=request, quantity=1000,
                                                 allocated_on=h.D(2020, 5, 21))


class GuidanceDocumentTests(ModelScopeTests):
    model = GuidanceDocument

    @classmethod
    def make_object(cls, unit):
        return GuidanceDocument.objects.create(unit=unit, title="医用口罩标准指引", body="GB 19083", published=True,
                                               published_on=h.D(2020, 5, 20))

    def form_data(self, unit):
        return {"unit": unit.pk, "title": "防护服标准解读", "category": "", "standard_codes": "GB 19082-2009",
                "body": "要求", "published": "on", "published_on": "2020-05-22"}


class NoticeTests(ModelScopeTests):
    model = Notice

    @classmethod
    def make_object(cls, unit):
        return Notice.objects.create(unit=unit, title="举报渠道", body="12315", published=True,
                                     published_on=h.D(2020, 5, 20))

    def form_data(self, unit):
        return {"unit": unit.pk, "kind": "notice", "title": "专项整治通告", "body": "内容", "published": "on",
                "published_on": "2020-05-22"}
