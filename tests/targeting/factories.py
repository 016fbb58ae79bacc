"""Factories for the registered targeting models; see tests/factories.py."""
from __future__ import annotations

import datetime

from django.utils import timezone

from rectify.organisations.models import ProductCategory
from rectify.targeting.models import (
    CertificateCheck,
    ConflictOfInterest,
    Draw,
    ExportFlag,
    ExportListEntry,
    ExportListRule,
    RiskScore,
    RiskWeight,
    SamplingPlan,
)
from rectify.targeting.models.risk import Factor
from tests.enterprises.factories import enterprise
from tests.factories import Exhausted, number
from tests.factories import unit as unit_of
from tests.fieldwork.factories import export_check, officers
from tests.organisations.factories import product_category

D = datetime.date


def _owner(unit):
    return unit or unit_of("210100-samr")


def _mask() -> ProductCategory:
    return ProductCategory.objects.get(code="mask")


def risk_score(unit=None) -> RiskScore:
    """Computed data, one row per enterprise: a new enterprise where `unit`'s users see it."""
    n = number()
    return RiskScore.objects.create(enterprise=enterprise(_owner(unit)), category=_mask(), score=n % 100,
                                    reasons=[{"factor": "complaints", "label": "投诉举报", "count": 1, "points": 15,
                                              "detail": f"{n}次"}], computed_at=timezone.now())


def risk_weight(unit=None) -> RiskWeight:
    """One row per risk factor: the next factor without a weight (Exhausted when all have one)."""
    taken = set(RiskWeight.objects.values_list("factor", flat=True))
    factor = next((f for f in Factor.values if f not in taken), None)
    if factor is None:
        raise Exhausted("every risk factor has its weight")
    return RiskWeight.objects.create(factor=factor, weight=10, description=f"测试权重{number()}号")


def sampling_plan(unit=None) -> SamplingPlan:
    return SamplingPlan.objects.create(unit=_owner(unit), name=f"风险抽检计划{number()}号", category=_mask(),
                                       period_start=D(2020, 6, 1), period_end=D(2020, 6, 20), seed=7)


def draw(unit=None) -> Draw:
    n = number()
    return Draw.objects.create(unit=_owner(unit), number=f"SSJ-F-{n}号", sequence=n % 30_000, name=f"双随机检查{n}号",
                               period_start=D(2020, 6, 1), period_end=D(2020, 6, 10), target_count=1, seed=1,
                               drawn_at=timezone.now(),
                               inputs={"targets": [], "inspectors": [], "conflicts": [], "target_count": 1,
                                       "flagged_percent": 50, "inspectors_per_target": 2})


def conflict_of_interest(unit=None) -> ConflictOfInterest:
    owner = _owner(unit)
    return ConflictOfInterest.objects.create(unit=owner, officer=officers(owner, 1)[0], enterprise=enterprise(owner),
                                             reason=f"亲属任职{number()}号", declared_on=D(2020, 5, 20))


def certificate_check(unit=None) -> CertificateCheck:
    n = number()
    owner = _owner(unit)
    return CertificateCheck.objects.create(unit=owner, number=f"国械注准F{n}号", kind="device_registration",
                                           enterprise=enterprise(owner), on_date=D(2020, 5, 20), flagged=True,
                                           reason=f"证书编号不存在{n}号")


def export_list_rule(unit=None) -> ExportListRule:
    """One rule per product category: a rule on a new category."""
    return ExportListRule.objects.create(category=product_category(), white_list_required=True,
                                         notes=f"商务部公告{number()}号")


def export_list_entry(unit=None) -> ExportListEntry:
    n = number()
    return ExportListEntry.objects.create(unit=unit or unit_of("210000-samr"), list_kind="negative",
                                          name=f"负面清单企业{n}号", category=_mask(), product=f"口罩{n}号",
                                          listed_from=D(2020, 4, 26), source=f"市场监管总局{n}号")


def export_flag(unit=None) -> ExportFlag:
    check = export_check(unit)
    return ExportFlag.objects.create(unit=check.unit, export_check=check, kind="negative_listed",
                                     reason=f"列入负面清单{number()}号")
