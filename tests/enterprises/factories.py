"""Factories for the enterprises app; see tests/factories.py."""
from __future__ import annotations

import datetime

from rectify.core.security.validators import uscc_check_char
from rectify.enterprises.models import Enterprise, Letter, LetterBatch, ListEntry, Qualification
from rectify.organisations.models import ProductCategory
from tests.factories import number, place
from tests.factories import unit as unit_of


def credit_code(n: int, region_code: str) -> str:
    first17 = f"91{region_code}FT{n % 10_000_000:07d}"
    return first17 + uscc_check_char(first17)


def enterprise(unit=None) -> Enterprise:
    """An enterprise in the city (or county) whose records `unit` keeps, making masks."""
    city, county = place(unit or unit_of("210100-samr"))
    n = number()
    ent = Enterprise.objects.create(name=f"测试防护用品有限公司{n}号",
                                    credit_code=credit_code(n, (county or city).code), region=city, county=county,
                                    legal_representative=f"法人{n}号",
                                    address=f"测试路{n}号", is_producer=True)
    ent.categories.set([ProductCategory.objects.get(code="mask")])
    return ent


def qualification(unit=None) -> Qualification:
    n = number()
    return Qualification.objects.create(enterprise=enterprise(unit), kind="device_registration",
                                        number=f"辽械注准{n}号", issuer="辽宁省药品监督管理局")


def list_entry(unit=None) -> ListEntry:
    owner = unit or unit_of("210100-samr")
    n = number()
    return ListEntry.objects.create(enterprise=enterprise(owner), kind="producer", listed_on=datetime.date(2020, 5, 20),
                                    source=f"名录来源{n}号", unit=owner)


def letter(unit=None) -> Letter:
    owner = unit or unit_of("210100-samr")
    n = number()
    return Letter.objects.create(unit=owner, enterprise=enterprise(owner), kind="warning",
                                 date=datetime.date(2020, 5, 18), number=f"告诫函{n}号")


def letter_batch(unit=None) -> LetterBatch:
    owner = unit or unit_of("210100-samr")
    n = number()
    return LetterBatch.objects.create(unit=owner, kind="warning", date=datetime.date(2020, 5, 22),
                                      number_prefix=f"沈市监告〔2020〕{n}-", body="请落实主体责任。")
