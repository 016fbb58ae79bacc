"""Small builders for field-work tests (plain ORM; the services are tested separately)."""
from __future__ import annotations

import datetime
import itertools

from rectify.accounts.models import User
from rectify.enterprises.models import Enterprise
from rectify.fieldwork.models import Inspection, InspectionOutcome, Sample
from rectify.organisations.models import ProductCategory, Region

_seq = itertools.count(1)
D = datetime.date


def enterprise(city: str = "210100", name: str | None = None, county: str | None = None) -> Enterprise:
    return Enterprise.objects.create(name=name or f"测试防护用品有限公司{next(_seq)}", region=Region.objects.get(code=city),
                                     county=Region.objects.get(code=county) if county else None, is_producer=True)


def category(code: str = "mask") -> ProductCategory:
    return ProductCategory.objects.get(code=code)


def officers(unit, n: int = 2) -> list[User]:
    return [User.objects.create_user(username=f"officer_{unit.code}_{next(_seq)}", password="x", unit=unit,
                                     full_name=f"执法员{i}", is_enforcement_officer=True) for i in range(n)]


def inspection(unit, ent=None, outcome: str = "passed") -> Inspection:
    ent = ent or enterprise(unit.city.code if unit.city.level == "city" else "210100")
    obj = Inspection.objects.create(unit=unit, enterprise=ent, date=D(2020, 5, 20), staff_dispatched=2)
    obj.inspectors.set(officers(unit))
    InspectionOutcome.objects.create(inspection=obj, category=category(), outcome=outcome, enterprise=ent, date=obj.date,
                                     region=obj.region, county=obj.county, line=obj.line)
    return obj


def sample(unit, ent=None, result: str = "conforming", batch: str = "B20200501") -> Sample:
    ent = ent or enterprise()
    return Sample.objects.create(unit=unit, enterprise=ent, product_name="一次性使用医用口罩", category=category(),
                                 batch_number=batch, sampled_on=D(2020, 5, 25), result=result, final_result=result,
                                 failing_items="细菌过滤效率" if result == "nonconforming" else "")
