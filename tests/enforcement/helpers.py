"""Small factories for enforcement tests."""
from __future__ import annotations

import datetime

from rectify.core.security.validators import uscc_check_char
from rectify.enforcement.models import Case
from rectify.enterprises.models import Enterprise
from rectify.organisations.models import CaseCategory, ProductCategory, Region, Unit

_seq = iter(range(10_000, 99_999))


def unit(code: str) -> Unit:
    return Unit.objects.select_related("region", "department").get(code=code)


def enterprise(city: str = "210100", name: str | None = None) -> Enterprise:
    n = next(_seq)
    first17 = f"91{city}MA0{n:05d}X"[:17]
    first17 = first17.ljust(17, "0")
    return Enterprise.objects.create(name=name or f"测试口罩经营部{n}", credit_code=first17 + uscc_check_char(first17),
                                     region=Region.objects.get(code=city))


def category(code: str = "mask") -> ProductCategory:
    return ProductCategory.objects.get(code=code)


def case_category(code: str = "quality") -> CaseCategory:
    return CaseCategory.objects.get(code=code)


def case(owner: Unit, *, ent: Enterprise | None = None, cat: str = "quality", **kw) -> Case:
    n = next(_seq)
    return Case.objects.create(unit=owner, number=kw.pop("number", f"SY-2020-{n}"),
                               title=kw.pop("title", "销售不合格口罩"), enterprise=ent, product_category=category(),
                               case_category=case_category(cat), **kw)


def d(s: str) -> datetime.date:
    return datetime.date.fromisoformat(s)
