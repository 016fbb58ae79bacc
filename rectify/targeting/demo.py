"""Demo data for targeting: weights, the white-list rule, risk scores, conflict declarations, a
sampling plan and a 双随机 draw in Shenyang, white/negative list entries, export screening and a
few certificate checks (one forged number). Deterministic through ctx.rng (seeds drawn from it)."""
from __future__ import annotations

import datetime

from django.db.models import Q

from rectify.accounts.models import User
from rectify.core.current import acting_as
from rectify.enterprises.models import Enterprise
from rectify.fieldwork.models import ExportCheck, Inspection, Sample

from . import services
from .models import ConflictOfInterest, ExportListEntry, ExportListRule, RiskWeight
from .services.risk import DEFAULT_WEIGHTS

RISK_CAP = 20_000  # the large seed scores this many enterprises here; the nightly task does the rest


def _clerk(unit_code: str):
    return (User.objects.filter(unit__code=unit_code, roles__code__in=["clerk", "office_admin"], is_active=True)
            .order_by("pk").first())


def seed(ctx) -> str:
    rng = ctx.rng
    for factor, w in DEFAULT_WEIGHTS.items():
        RiskWeight.objects.get_or_create(factor=factor, defaults={"weight": w.weight, "max_count": w.max_count,
                                                                  "window_days": w.window_days})
    mask = next((c for c in ctx.categories() if c.code == "mask"), None)
    if mask is not None:
        ExportListRule.objects.get_or_create(category=mask, defaults={
            "notes": "2020年4月：非医用口罩凭商务部取得国外认证的生产企业白名单放行"})
    ids = list(Enterprise.objects.filter(merged_into__isnull=True).order_by("pk")
               .values_list("pk", flat=True)[:RISK_CAP])
    scored = services.risk_recompute(enterprise_ids=ids, on=ctx.campaign().end)

    province = ctx.unit("210000-samr")
    clerk = _clerk("210100-samr")
    province_clerk = _clerk("210000-samr") or _clerk("210000-office")
    lists = 0
    # Lists: a few Dalian/Dandong producers white-listed, one on the negative list.
    producers = list(Enterprise.objects.filter(region__code__in=["210200", "210600"]).order_by("pk")[:12])
    for i, ent in enumerate(producers):
        kind = ExportListEntry.Kind.NEGATIVE if i % 6 == 5 else ExportListEntry.Kind.WHITE
        ExportListEntry.objects.create(unit=province, list_kind=kind, enterprise=ent, name=ent.name,
                                       credit_code=ent.credit_code or "", category=mask if kind == "white" else None,
                                       listed_from=(datetime.date(2020, 4, 26)
                                                    + datetime.timedelta(days=rng.randint(0, 20))),
                                       source="商务部白名单" if kind == "white" else "市场监管总局负面清单")
        lists += 1
    flags = 0
    checks = 0
    with acting_as(province_clerk):
        for check in ExportCheck.objects.select_related("producer", "exporter", "category", "unit__region",
                                                        "unit__department").order_by("pk")[:ctx.n(100, 500)]:
            flags += len(services.export_check_screen(check=check))
        reported = Sample.objects.filter(~Q(report_number=""), testing_institution__isnull=False).select_related(
            "unit__region", "unit__department", "enterprise", "category", "testing_institution").order_by("pk")
        for sample in reported[:ctx.n(10, 50)]:
            checks += bool(services.check_sample(sample))
    if clerk is None:
        return f"风险评分{scored}条，名单{lists}条，出口预警{flags}条，核验{checks}条（无沈阳录入员，未生成抽取）"
    samr = clerk.unit
    officers = list(User.objects.filter(unit=samr, is_enforcement_officer=True).order_by("pk")[:3])
    shenyang = list(Enterprise.objects.filter(region=samr.region).order_by("pk")[:30])
    with acting_as(clerk):
        for officer in officers[:2]:
            ent = rng.choice(shenyang) if shenyang else None
            if ent is not None:
                ConflictOfInterest.objects.get_or_create(officer=officer, enterprise=ent, defaults={
                    "unit": samr, "reason": rng.choice(["亲属在该企业任职", "曾在该企业工作", "与法定代表人系同学"]),
                    "declared_on": datetime.date(2020, 5, 25)})
        start, end = datetime.date(2020, 5, 26), datetime.date(2020, 6, 24)
        if mask is not None:
            services.sampling_plan_generate(unit=samr, category=mask, name="口罩风险抽检计划（沈阳）",
                                            period_start=start,
                                            period_end=end, size=8, threshold=25, random_percent=25,
                                            seed=rng.randrange(2**40), actor=clerk)
        draw = services.draw_run(unit=samr, name="防疫物资生产企业“双随机”检查", period_start=start, period_end=end,
                                 target_count=min(6, max(1, len(shenyang))), flagged_percent=50,
                                 seed=rng.randrange(2**40),
                                 actor=clerk)
        inspection = Inspection.objects.filter(unit=samr).order_by("pk").first()
        if inspection is not None:
            services.certificate_check_record(unit=samr, number="国械注准20203149999", kind="device_registration",
                                              on_date=inspection.date, source=inspection,
                                              enterprise=inspection.enterprise,
                                              actor=clerk)
            checks += 1
    return f"风险评分{scored}条，名单{lists}条，出口预警{flags}条，核验{checks}条，双随机抽取{draw.number}"
