"""Factories for the organisation's reference data; see tests/factories.py. New campaigns are
past and inactive, so that `Campaign.current()` stays the 2020 campaign the other rows name."""
from __future__ import annotations

import datetime

from rectify.organisations.models import (
    Campaign,
    CaseCategory,
    CityDeliverable,
    Deliverable,
    Department,
    Phase,
    ProductCategory,
    Region,
    Unit,
)
from tests.factories import number


def current_campaign() -> Campaign:
    return Campaign.objects.get(code="ln-2020-epidemic-supplies")


def past_campaign() -> Campaign:
    """A finished campaign for configuration rows (table layouts, indicators) that must not change
    what the current campaign's reports hold."""
    return Campaign.objects.get_or_create(code="past-config", defaults={
        "name": "往期专项行动（配置）", "region": Region.objects.get(code="210000"), "start": datetime.date(2019, 1, 1),
        "end": datetime.date(2019, 3, 1), "final_summary_due": datetime.date(2019, 2, 20), "is_active": False})[0]


def region(unit=None) -> Region:
    n = number()
    return Region.objects.create(code=f"29{n % 10_000:04d}", name=f"测试区{n}号", level="county",
                                 parent=Region.objects.get(code="210100"))


def department(unit=None) -> Department:
    n = number()
    return Department.objects.create(code=f"dept{n}", name=f"测试委员会{n}号", short_name=f"测{n}", line="market",
                                     order=50)


def unit(unit=None) -> Unit:
    n = number()
    return Unit.objects.create(code=f"210100-test{n}", name=f"沈阳市测试分局{n}号",
                               department=Department.objects.get(code="samr"), region=Region.objects.get(code="210102"))


def campaign(unit=None) -> Campaign:
    n = number()
    start = datetime.date(2010, 1, 1) + datetime.timedelta(days=n % 3000)
    return Campaign.objects.create(code=f"past-{n}", name=f"往期专项行动{n}号",
                                   region=Region.objects.get(code="210000"), start=start,
                                   end=start + datetime.timedelta(days=60),
                                   final_summary_due=start + datetime.timedelta(days=50), is_active=False)


def phase(unit=None) -> Phase:
    n = number()
    return Phase.objects.create(campaign=current_campaign(), name=f"测试阶段{n}号", start=datetime.date(2020, 7, 1),
                                end=datetime.date(2020, 7, 10), order=n % 100)


def product_category(unit=None) -> ProductCategory:
    n = number()
    return ProductCategory.objects.create(campaign=current_campaign(), code=f"cat{n}", name=f"测试产品{n}号", order=50)


def case_category(unit=None) -> CaseCategory:
    n = number()
    return CaseCategory.objects.create(campaign=current_campaign(), code=f"cc{n}", name=f"测试案件类别{n}号", order=50)


def deliverable(unit=None) -> Deliverable:
    n = number()
    # the loaded preparation phase: the phase factory's phases may take its order number too
    phase = current_campaign().phases.filter(name="准备阶段").order_by("pk").first()
    return Deliverable.objects.create(phase=phase, name=f"测试阶段任务{n}号", due=datetime.date(2020, 5, 25), order=50)


def city_deliverable(unit=None) -> CityDeliverable:
    """A row of a new deliverable, kept by the office of `unit`'s city (Shenyang's by default), where
    every unit of that city sees it."""
    office = Unit.objects.get(is_office=True, region_id=(unit.city.pk if unit is not None and not unit.is_provincial
                                                         else Region.objects.get(code="210100").pk))
    return CityDeliverable.objects.create(deliverable=deliverable(), unit=office, due=datetime.date(2020, 5, 25))
