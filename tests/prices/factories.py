"""Factories for the registered price and capacity models; see tests/factories.py."""
from __future__ import annotations

import datetime
from decimal import Decimal

from rectify.organisations.models import ProductCategory
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
from tests.enterprises.factories import enterprise
from tests.factories import number
from tests.factories import unit as unit_of

D = datetime.date


def _owner(unit):
    return unit or unit_of("210100-samr")


def _mask() -> ProductCategory:
    return ProductCategory.objects.get(code="mask")


def price_observation(unit=None) -> PriceObservation:
    """Saved as it is, not evaluated against the rules (price_flag makes the flags)."""
    n = number()
    owner = _owner(unit)
    return PriceObservation.objects.create(unit=owner, outlet_name=f"测试药房{n}号", enterprise=enterprise(owner),
                                           product=f"医用口罩{n}号", category=_mask(), price=Decimal("1.50"),
                                           observed_on=D(2020, 5, 20))


def price_baseline(unit=None) -> PriceBaseline:
    n = number()
    return PriceBaseline.objects.create(unit=unit or unit_of("210000-samr"), category=_mask(), product=f"基准口罩{n}号",
                                        price=Decimal("0.50"), basis=f"疫情前价格{n}号", valid_from=D(2020, 1, 1))


def price_rule(unit=None) -> PriceRule:
    return PriceRule.objects.create(unit=unit or unit_of("210000-samr"), name=f"高于疫情前价格{number()}号",
                                    kind=PriceRule.Kind.ABOVE_BASELINE, threshold=Decimal("50"))


def price_flag(unit=None) -> PriceFlag:
    observation = price_observation(unit)
    return PriceFlag.objects.create(rule=price_rule(), observation=observation, unit=observation.unit,
                                    enterprise=observation.enterprise, outlet_name=observation.outlet_name,
                                    measured=Decimal("200"), threshold=Decimal("50"),
                                    explanation=f"高出200%（{number()}号）")


def service_request(unit=None) -> ServiceRequest:
    n = number()
    owner = _owner(unit)
    return ServiceRequest.objects.create(unit=owner, enterprise=enterprise(owner), title=f"诉求{n}号",
                                         content=f"原料短缺{n}号", received_on=D(2020, 5, 20),
                                         tracking_code=f"QYF{n:010d}")


def capacity_offer(unit=None) -> CapacityOffer:
    owner = _owner(unit)
    return CapacityOffer.objects.create(unit=owner, enterprise=enterprise(owner), category=_mask(), quantity=10000,
                                        available_from=D(2020, 5, 20), notes=f"产能{number()}号")


def capacity_request(unit=None) -> CapacityRequest:
    n = number()
    return CapacityRequest.objects.create(unit=_owner(unit), requester=f"测试医院{n}号", category=_mask(),
                                          quantity=8000, needed_by=D(2020, 5, 25), notes=f"需求{n}号")


def capacity_allocation(unit=None) -> CapacityAllocation:
    owner = _owner(unit)
    return CapacityAllocation.objects.create(unit=owner, offer=capacity_offer(owner), request=capacity_request(owner),
                                             quantity=1000, allocated_on=D(2020, 5, 21), notes=f"调配{number()}号")


def guidance_document(unit=None) -> GuidanceDocument:
    n = number()
    return GuidanceDocument.objects.create(unit=_owner(unit), title=f"标准指引{n}号", standard_codes=f"GB {n}号",
                                           body=f"指引正文{n}号", published=True, published_on=D(2020, 5, 20))


def notice(unit=None) -> Notice:
    n = number()
    return Notice.objects.create(unit=_owner(unit), title=f"通告{n}号", body=f"通告正文{n}号", published=True,
                                 published_on=D(2020, 5, 20))
