"""A small, known set of field-work and enforcement records for the report tests."""
from __future__ import annotations

import datetime
from decimal import Decimal

from rectify.accounts.models import User
from rectify.core.current import acting_as
from rectify.core.security.validators import uscc_check_char
from rectify.enforcement.models import Case
from rectify.enterprises.models import Enterprise
from rectify.fieldwork import services as fw
from rectify.fieldwork.models import Recall
from rectify.organisations.models import CaseCategory, ProductCategory, Region, Unit

D = datetime.date.fromisoformat


def cat(code: str) -> ProductCategory:
    return ProductCategory.objects.get(code=code)


def unit(code: str) -> Unit:
    return Unit.objects.select_related("region", "department").get(code=code)


def enterprise(n: int, city: str, name: str, *cats: str) -> Enterprise:
    first17 = f"91{city}MA{n:07d}"
    e = Enterprise.objects.create(name=name, credit_code=first17 + uscc_check_char(first17),
                                  region=Region.objects.get(code=city), is_producer=True)
    e.categories.set([cat(c) for c in cats])
    return e


def officers(unit_code: str, n: int = 2) -> list[User]:
    u = unit(unit_code)
    return [User.objects.create(username=f"off_{unit_code}_{i}", unit=u, is_enforcement_officer=True,
                                full_name=f"执法{i}")
            for i in range(n)]


def build(users: dict) -> dict:
    """Records in Shenyang (210100), Dalian (210200) and Dandong (210600, Dalian Customs)."""
    e1 = enterprise(1, "210100", "沈阳甲口罩有限公司", "mask", "protective_suit")
    e2 = enterprise(2, "210100", "沈阳乙口罩经营部", "mask")
    e3 = enterprise(3, "210200", "大连丙防护用品有限公司", "mask")
    e4 = enterprise(4, "210600", "丹东丁电子科技有限公司", "thermometer")
    sy, dl = officers("210100-samr"), officers("210200-samr")
    clerk_sy, clerk_dl = users["shenyang_samr"], users["dalian_samr"]
    with acting_as(clerk_sy):
        fw.inspection_record(unit=unit("210100-samr"), enterprise=e1, date=D("2020-05-20"), inspectors=sy,
                             actor=clerk_sy, outcomes={cat("mask"): "failed_review", cat("protective_suit"): "passed"})
        fw.inspection_record(unit=unit("210100-samr"), enterprise=e2, date=D("2020-05-22"), inspectors=sy,
                             actor=clerk_sy, outcomes={cat("mask"): "passed"})
        fw.inspection_record(unit=unit("210100-samr"), enterprise=e1, date=D("2020-05-28"), inspectors=sy,
                             actor=clerk_sy, outcomes={cat("mask"): "failed_other"})
        fw.inspection_record(unit=unit("210100-samr"), enterprise=e2, date=D("2020-06-10"), inspectors=sy,
                             actor=clerk_sy, outcomes={cat("mask"): "failed_certification"})  # after the 06-04 cut-off
    with acting_as(clerk_dl):
        fw.inspection_record(unit=unit("210200-samr"), enterprise=e3, date=D("2020-05-21"), inspectors=dl,
                             actor=clerk_dl, outcomes={cat("mask"): "no_standard"})
    customs = users["customs_dl"]
    with acting_as(customs):
        fw.export_check_record(unit=unit("210200-customs_dl"), declaration_number="DL2020052501",
                               checked_on=D("2020-05-25"), exporter=e4, producer=e4, category=cat("thermometer"),
                               batches_checked=10, batches_nonconforming=2, destination_country="德国", actor=customs,
                               action_taken="returned")
        fw.export_check_record(unit=unit("210200-customs_dl"), declaration_number="DL2020060201",
                               checked_on=D("2020-06-02"), exporter=e4, producer=e4, category=cat("thermometer"),
                               batches_checked=5,
                               destination_country="意大利", actor=customs)
    with acting_as(users["shenyang_samr"]):
        Recall.objects.create(unit=unit("210100-commerce"), enterprise=e1, category=cat("mask"),
                              product_name="一次性口罩", quantity=1000, recalled_on=D("2020-05-27"),
                              reason="抽检不合格")
        price = CaseCategory.objects.get(code="price")
        quality = CaseCategory.objects.get(code="quality")
        ps = CaseCategory.objects.get(code="public_security")
        Case.objects.create(unit=unit("210100-samr"), number="SY-P-1", title="哄抬口罩价格", enterprise=e2,
                            product_category=cat("mask"), case_category=price, status="decided",
                            filed_on=D("2020-05-22"), decided_on=D("2020-05-30"), fine=Decimal("20000"),
                            confiscation=Decimal("5000"),
                            units_investigated=1, staff_dispatched=4)
        Case.objects.create(unit=unit("210200-samr"), number="DL-Q-1", title="销售不合格口罩", enterprise=e3,
                            product_category=cat("mask"), case_category=quality, status="filed",
                            filed_on=D("2020-05-24"), units_investigated=2, staff_dispatched=6)
        Case.objects.create(unit=unit("210100-police"), number="SY-G-1", title="制售假冒口罩", enterprise=e1,
                            product_category=cat("mask"), case_category=ps, police_kind="criminal", status="filed",
                            filed_on=D("2020-05-26"), units_investigated=1, staff_dispatched=8)
    return {"e1": e1, "e2": e2, "e3": e3, "e4": e4}
