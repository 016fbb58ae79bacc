"""Factories for the registered enforcement models; see tests/factories.py."""
from __future__ import annotations

import datetime
from decimal import Decimal

from rectify.enforcement.models import (
    Case,
    Complaint,
    CreditRecord,
    Exposure,
    JointPunishment,
    JointPunishmentAction,
    Lead,
    Problem,
    Supervision,
    Transfer,
    TransferThreshold,
    ViolationType,
)
from rectify.organisations.models import CaseCategory, ProductCategory
from tests.enterprises.factories import enterprise
from tests.factories import number
from tests.factories import unit as unit_of

D = datetime.date


def _owner(unit):
    return unit or unit_of("210100-samr")


def complaint(unit=None) -> Complaint:
    n = number()
    return Complaint.objects.create(unit=_owner(unit), number=f"FC-{n}号", received_on=D(2020, 5, 20),
                                    content=f"投诉内容{n}号", reporter_name="张三", reporter_phone="13812341234",
                                    subject_name=f"被投诉药店{n}号",
                                    product_category=ProductCategory.objects.get(code="mask"))


def lead(unit=None) -> Lead:
    n = number()
    owner = _owner(unit)
    return Lead.objects.create(unit=owner, source="complaint", description=f"待查事项{n}号",
                               enterprise=enterprise(owner))


def transfer(unit=None) -> Transfer:
    """A lead sent on to the Heping district bureau (the Shenhe one when Heping sends it)."""
    n = number()
    owner = _owner(unit)
    receiver = unit_of("210103-samr" if owner.code == "210102-samr" else "210102-samr")
    return Transfer.objects.create(unit=owner, lead=lead(owner), to_unit=receiver, reason=f"移交理由{n}号",
                                   sent_at=datetime.datetime(2020, 5, 22, 2, 0, tzinfo=datetime.UTC))


def case(unit=None) -> Case:
    n = number()
    owner = _owner(unit)
    obj = Case.objects.create(unit=owner, number=f"FS-2020-{n}号", title=f"销售不合格口罩案{n}号",
                              enterprise=enterprise(owner), product_category=ProductCategory.objects.get(code="mask"),
                              case_category=CaseCategory.objects.get(code="quality"), filed_on=D(2020, 5, 22))
    obj.violation_types.set(ViolationType.objects.order_by("pk")[:2])
    return obj


def supervision(unit=None) -> Supervision:
    """The province's listing of a case of `unit`."""
    return Supervision.objects.create(case=case(unit), listed_by=unit_of("210000-office"), listed_on=D(2020, 5, 25),
                                      deadline=D(2020, 6, 20), requirement=f"限期查结{number()}号")


def credit_record(unit=None) -> CreditRecord:
    n = number()
    owner = _owner(unit)
    return CreditRecord.objects.create(unit=owner, enterprise=enterprise(owner), recorded_on=D(2020, 6, 1),
                                       decision_number=f"辽市监罚{n}号", summary=f"行政处罚{n}号")


def joint_punishment(unit=None) -> JointPunishment:
    owner = _owner(unit)
    return JointPunishment.objects.create(unit=owner, enterprise=enterprise(owner), decided_on=D(2020, 6, 5),
                                          basis=f"多次违法{number()}号")


def joint_punishment_action(unit=None) -> JointPunishmentAction:
    owner = _owner(unit)
    return JointPunishmentAction.objects.create(punishment=joint_punishment(owner), unit=owner, measure="interview",
                                                action=f"约谈{number()}号", done_on=D(2020, 6, 8))


def exposure(unit=None) -> Exposure:
    n = number()
    return Exposure.objects.create(unit=_owner(unit), title=f"曝光案例{n}号", public_text=f"当事人销售三无口罩{n}号。")


def problem(unit=None) -> Problem:
    n = number()
    owner = _owner(unit)
    return Problem.objects.create(unit=owner, source="inspection", enterprise=enterprise(owner),
                                  description=f"问题{n}号", requirement=f"整改要求{n}号", deadline=D(2020, 6, 10))


def violation_type(unit=None) -> ViolationType:
    n = number()
    return ViolationType.objects.create(code=f"vt{n}", name=f"违法类型{n}号", order=100)


def transfer_threshold(unit=None) -> TransferThreshold:
    n = number()
    threshold = TransferThreshold.objects.create(name=f"移送标准{n}号", penalty_amount=Decimal("100000"),
                                                 basis=f"依据{n}号")
    threshold.violation_types.set(ViolationType.objects.order_by("pk")[:1])
    return threshold
