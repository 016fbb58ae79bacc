"""Shared objects for the price and portal tests."""
from __future__ import annotations

import datetime
from decimal import Decimal

from rectify.enterprises.models import Enterprise
from rectify.organisations.models import Campaign, ProductCategory, Region
from rectify.prices.models import PriceBaseline, PriceObservation, PriceRule
from rectify.prices.services import price_flags_evaluate

D = datetime.date
EVERYONE = ("province_office", "province_samr", "province_police", "shenyang_office", "shenyang_samr",
            "shenyang_police", "dalian_office", "dalian_samr", "customs_dl", "heping_samr")


def mask() -> ProductCategory:
    return ProductCategory.objects.get(campaign=Campaign.current(), code="mask")


def city(code: str = "210100") -> Region:
    return Region.objects.get(code=code)


def enterprise(name: str = "沈阳康民大药房有限公司", region: str = "210100") -> Enterprise:
    return Enterprise.objects.get_or_create(name=name, defaults={"region": city(region)})[0]


def baseline(unit, price: str = "0.50", product: str = "一次性使用医用口罩") -> PriceBaseline:
    return PriceBaseline.objects.create(unit=unit, category=mask(), product=product, price=Decimal(price),
                                        valid_from=D(2020, 1, 1))


def rule(unit, kind: str = PriceRule.Kind.ABOVE_BASELINE, threshold: str = "50",
         name: str = "高于疫情前价格50%") -> PriceRule:
    return PriceRule.objects.create(unit=unit, name=name, kind=kind, threshold=Decimal(threshold))


def observation(unit, price: str = "0.55", day: datetime.date | None = None, outlet: str = "沈阳康民大药房",
                **extra) -> PriceObservation:
    """Recorded as the service does: saved, then evaluated by the active rules."""
    obs = PriceObservation.objects.create(unit=unit, outlet_name=outlet, product="一次性使用医用口罩", category=mask(),
                                          price=Decimal(price), observed_on=day or D(2020, 5, 20), **extra)
    price_flags_evaluate(observation=obs)
    return obs
