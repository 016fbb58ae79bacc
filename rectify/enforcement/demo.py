"""Demo data: complaints, leads, cases (all six 附件2 categories, with fines) in the 14 cities,
credit records, a few exposures and problems, the mediation and reply of most accepted complaints,
and a few list entries (abnormal operation, serious violation).
Deterministic through ctx.rng; `large` writes several hundred thousand complaints and cases with
bulk_create in batches."""
from __future__ import annotations

import datetime
from decimal import Decimal

from rectify.enterprises.models import Enterprise
from rectify.organisations.models import CaseCategory

from .models import Case, Complaint, CreditRecord, Exposure, Lead, Problem
from .services.complaints import apply_clocks
from .services.credit import sync_credit_status
from .workdays import MEDIATION_DAYS, add_working_days

BATCH = 5000
UNIT_FOR = {"quality": "samr", "certification": "samr", "price": "samr", "other": "samr", "drug_device": "nmpa",
            "public_security": "police"}
TITLES = {"quality": "销售不合格口罩", "certification": "伪造认证标志", "drug_device": "无证生产医疗器械",
          "price": "哄抬防疫物资价格", "public_security": "制售假冒伪劣防疫物资", "other": "无照经营"}


def _enterprises(ctx, cities) -> dict[int, list[Enterprise]]:
    stored = ctx.store.get("enterprises") or []
    if isinstance(stored, dict):  # the registry's demo leaves {city id: [enterprise ids]}
        ids = [pk for pks in stored.values() for pk in pks[:500]]
        # fill_scope() reads enterprise.region/.county for every record written: load them here,
        # or the large seed does one query per complaint and case (600,000 of them).
        stored = list(Enterprise.objects.filter(pk__in=ids).select_related("region", "county"))
    if not stored:
        objs = [Enterprise(name=ctx.company(city.name, "mask"), credit_code=ctx.credit_code(city.code), region=city)
                for city in cities for _ in range(5)]
        stored = Enterprise.objects.bulk_create(objs)
    by_city: dict[int, list[Enterprise]] = {}
    for e in stored:
        by_city.setdefault(e.region_id, []).append(e)
    return by_city


def _bulk(model, objs: list) -> list:
    out = []
    for start in range(0, len(objs), BATCH):
        out += model.objects.bulk_create(objs[start:start + BATCH])
    return out


def seed(ctx) -> None:
    rng = ctx.rng
    cities = ctx.cities()
    categories = ctx.categories()
    case_categories = list(CaseCategory.objects.filter(campaign=ctx.campaign()).order_by("order"))
    enterprises = _enterprises(ctx, cities)
    units = {(c.code, d): ctx.unit(f"{c.code}-{d}") for c in cities for d in ("samr", "nmpa", "police", "office")}
    start, end = ctx.campaign().start, ctx.campaign().end
    n_complaints, n_cases = ctx.n(300, 300_000), ctx.n(300, 300_000)

    complaints = []
    for i in range(n_complaints):
        city = cities[i % len(cities)]
        ent = rng.choice(enterprises.get(city.pk) or [None])
        anonymous = rng.random() < 0.1
        c = Complaint(unit=units[(city.code, "samr")], number=f"12315-{city.code}-{i:07d}",
                      kind=rng.choice(["complaint", "complaint", "tip"]), channel=rng.choice(Complaint.Channel.values),
                      received_on=ctx.date_between(start, end), anonymous=anonymous,
                      reporter_name="" if anonymous else ctx.person(), reporter_phone=ctx.phone(),
                      enterprise=ent, subject_name=ent.name if ent else "", product_category=rng.choice(categories),
                      content=rng.choice(["口罩价格明显高于进价", "额温枪无合格证", "防护服无中文标签",
                                          "熔喷布以次充好"]))
        apply_clocks(c)
        if rng.random() < 0.7:
            c.status = c.decision = "accepted"
            c.decided_on = c.received_on + datetime.timedelta(days=rng.randint(1, 8))
        complaints.append(c)
    complaints = _bulk(Complaint, complaints)

    _bulk(Lead, [Lead(unit=c.unit, source="complaint", complaint=c, description=f"投诉线索：{c.content}",
                              enterprise=c.enterprise, product_category=c.product_category)
                         for c in complaints[:ctx.n(150, 20_000)]])

    cases = []
    for i in range(n_cases):
        city = cities[i % len(cities)]
        cat = case_categories[(i // len(cities)) % len(case_categories)]
        ent = rng.choice(enterprises.get(city.pk) or [None])
        status = rng.choice(["filed", "investigated", "decided", "decided", "closed"])
        filed = ctx.date_between(start, end - datetime.timedelta(days=10))
        decided = status in ("decided", "closed")
        fine = Decimal(rng.choice([5000, 10000, 20000, 30000, 50000, 80000])) if decided else Decimal(0)
        case = Case(unit=units[(city.code, UNIT_FOR.get(cat.code, "samr"))], number=f"{city.code}-2020-{i:07d}",
                    title=TITLES.get(cat.code, "违法案件"), enterprise=ent, product_category=rng.choice(categories),
                    case_category=cat,
                    police_kind=rng.choice(["administrative", "criminal"]) if cat.code == "public_security" else "",
                    source=rng.choice(Case.Source.values), status=status, filed_on=filed,
                    decided_on=filed + datetime.timedelta(days=rng.randint(3, 9)) if decided else None,
                    decision_number=f"辽{city.code}罚〔2020〕{i}号" if decided else "", fine=fine,
                    confiscation=Decimal(rng.choice([0, 0, 2000, 6000])) if decided else Decimal(0),
                    goods_value=Decimal(rng.choice([1000, 20000, 60000, 200000])),
                    units_investigated=rng.randint(1, 3), staff_dispatched=rng.randint(2, 12),
                    transferred_to_police=cat.code == "public_security" and rng.random() < 0.5)
        if case.transferred_to_police:
            case.transferred_to_police_on = filed + datetime.timedelta(days=2)
        cases.append(case)
    cases = _bulk(Case, cases)

    _bulk(CreditRecord, [CreditRecord(unit=c.unit, enterprise=c.enterprise, case=c, recorded_on=c.decided_on,
                                      decision_number=c.decision_number, amount=c.fine + c.confiscation,
                                      summary=f"{c.unit}作出行政处罚：{c.title}")
                         for c in cases if c.decided_on and c.enterprise_id][:ctx.n(1000, 100_000)])
    Exposure.objects.bulk_create([
        Exposure(unit=c.unit, case=c,
                 title=f"{c.region}{TITLES.get(c.case_category.code, '违法')}典型案例",
                 public_text=f"经查，当事人{c.title}，依法被处罚款{c.fine}元。", status="published",
                 reviewed_on=c.decided_on, published_on=c.decided_on)
        for c in cases[:ctx.n(20, 200)] if c.decided_on])
    _bulk(Problem, [Problem(unit=units[(city.code, "samr")], source=rng.choice(Problem.Source.values),
                            description="进货查验记录不全", requirement="建立购销台账", deadline=ctx.campaign_date())
                    for city in cities for _ in range(ctx.n(5, 200))])
    ctx.store["enforcement_cases"] = len(cases)
    _mediations(ctx, complaints)
    _credit_lists(ctx, cases)


REPLIES = {"agreed": "经调解，经营者同意退还差价并赔礼道歉，双方达成调解协议。",
           "failed": "经调解，双方未能达成一致，终止调解。您可依法向人民法院提起诉讼。",
           "withdrawn": "您已申请撤回投诉，本机构终止处理。"}


LIST_ENTRIES = {
    "abnormal": "列入经营异常名录期间不得享受评优评先，在政府采购、工程招投标中依法予以限制。",
    "serious": "法定代表人三年内不得担任其他企业的法定代表人；限制参与政府采购、工程招投标，不得授予荣誉称号。",
}


def _credit_lists(ctx, cases: list[Case]) -> int:
    """A few penalised enterprises put on the abnormal-operation or the serious-violation list with
    the restrictions and the end date, their credit status set from it. Drawn last, so that the
    records drawn before them stayed as they were."""
    rng = ctx.rng
    rows = []
    for c in cases:
        if not (c.decided_on and c.enterprise_id) or rng.random() >= .05:
            continue
        kind = rng.choice(["abnormal", "abnormal", "serious"])
        on = c.decided_on + datetime.timedelta(days=rng.randint(1, 10))
        rows.append(CreditRecord(unit=c.unit, enterprise_id=c.enterprise_id, kind=kind, recorded_on=on,
                                 decision_number=f"{c.decision_number}（列入）",
                                 summary=f"因{c.title}被依法列入名录（名单）",
                                 restrictions=LIST_ENTRIES[kind],
                                 ends_on=on.replace(year=on.year + 3) if kind == "serious" else None))
    _bulk(CreditRecord, rows)
    sync_credit_status({r.enterprise_id for r in rows})
    return len(rows)


def _mediations(ctx, complaints: list[Complaint]) -> int:
    """Most accepted complaints closed within their 45 working days, with the mediation's result and
    the reply to the complainant. Drawn last, so that the records drawn before them stayed as they
    were."""
    rng = ctx.rng
    closed = []
    for c in complaints:
        if c.kind != "complaint" or c.decision != "accepted" or rng.random() >= .6:
            continue
        c.mediation_result = rng.choice(["agreed", "agreed", "agreed", "failed", "withdrawn"])
        c.reply = REPLIES[c.mediation_result]
        c.closed_on = add_working_days(c.decided_on, rng.randint(3, MEDIATION_DAYS))
        c.status = Complaint.Status.CLOSED
        closed.append(c)
    for i in range(0, len(closed), BATCH):
        Complaint.objects.bulk_update(closed[i:i + BATCH], ["mediation_result", "reply", "closed_on", "status"])
    return len(closed)
