"""Demo data: price rules and baselines (pre-epidemic prices), price observations in every city
with a few gouging outlets at about 3× the baseline (flagged through the service), enterprise
requests, capacity offers/requests/allocations, guidance documents and portal notices.
Deterministic through ctx.rng; `large` writes ~100,000 observations with bulk_create."""
from __future__ import annotations

import datetime
from decimal import Decimal

from rectify.enterprises.models import Enterprise

from .models import (
    CapacityAllocation,
    CapacityOffer,
    CapacityRequest,
    GuidanceDocument,
    Notice,
    PriceBaseline,
    PriceObservation,
    PriceRule,
    ServiceRequest,
)
from .services import new_tracking_code, price_flags_evaluate

BATCH = 5000
# category code -> (product, specification, unit of sale, pre-epidemic price)
PRODUCTS = {
    "mask": [("一次性使用医用口罩", "17.5cm×9.5cm", "只", Decimal("0.50")),
             ("医用外科口罩", "YY 0469", "只", Decimal("1.00")),
             ("KN95口罩", "GB 2626-2019", "只", Decimal("3.50"))],
    "protective_suit": [("医用一次性防护服", "GB 19082-2009 L号", "件", Decimal("45.00"))],
    "thermometer": [("红外额温枪", "JXB-178", "支", Decimal("150.00"))],
    "test_reagent": [("新型冠状病毒抗体检测试剂盒", "20人份/盒", "盒", Decimal("400.00"))],
}
DEFAULT_RULES = [
    ("高于疫情前价格50%", PriceRule.Kind.ABOVE_BASELINE, Decimal("50"), 7, 3),
    ("购销差价率超过35%", PriceRule.Kind.MARKUP, Decimal("35"), 7, 2),
    ("7日内涨幅超过30%", PriceRule.Kind.RISE, Decimal("30"), 7, 2),
    ("库存超过日均销量30倍", PriceRule.Kind.HOARDING, Decimal("30"), 7, 1),
]
OUTLETS = ["大药房", "医疗器械商店", "便民超市", "药店", "劳保用品商店", "网店"]


def ensure_default_rules(unit) -> list[PriceRule]:
    rules = []
    for name, kind, threshold, window, weight in DEFAULT_RULES:
        rule, _created = PriceRule.objects.get_or_create(
            name=name,
            defaults={"unit": unit, "kind": kind, "threshold": threshold, "window_days": window, "weight": weight})
        rules.append(rule)
    return rules


def _bulk(model, objs: list) -> None:
    for start in range(0, len(objs), BATCH):
        model.objects.bulk_create(objs[start:start + BATCH])


def seed(ctx) -> None:
    rng = ctx.rng
    cities = ctx.cities()
    categories = {c.code: c for c in ctx.categories()}
    province = ctx.unit("210000-samr")
    start, end = ctx.campaign().start, ctx.campaign().end
    rules = ensure_default_rules(province)

    baselines = []
    for code, products in PRODUCTS.items():
        if code not in categories:
            continue
        for product, _spec, sale_unit, price in products:
            baselines.append(PriceBaseline(unit=province, category=categories[code], product=product,
                                           unit_of_sale=sale_unit, price=price, basis="疫情前（2019年12月）市场均价",
                                           valid_from=datetime.date(2020, 1, 1)))
    for b in baselines:
        b.fill_scope()
    _bulk(PriceBaseline, baselines)
    base_price = {(b.category_id, b.product): b for b in baselines}

    units = {c.pk: ctx.unit(f"{c.code}-samr") for c in cities}
    enterprises = {c.pk: list(Enterprise.objects.filter(region=c)[:20]) for c in cities}
    n = ctx.n(700, 100_000)
    days = (end - start).days
    observations = []
    for i in range(n):
        city = cities[i % len(cities)]
        code = rng.choice([c for c in PRODUCTS if c in categories])
        product, spec, sale_unit, price = rng.choice(PRODUCTS[code])
        outlet = (f"{city.name.removesuffix('市')}{rng.choice('康民仁和百姓益生同济惠众')}{rng.choice(OUTLETS)}"
                  f"{i % 40:02d}号店")
        observed = price * Decimal(str(round(rng.uniform(0.9, 1.4), 2)))
        ent = rng.choice(enterprises[city.pk]) if enterprises[city.pk] and rng.random() < 0.3 else None
        obs = PriceObservation(
            unit=units[city.pk], outlet_name=outlet, enterprise=ent, product=product, specification=spec,
            category=categories[code], unit_of_sale=sale_unit, price=observed.quantize(Decimal("0.01")),
            purchase_cost=(price * Decimal("0.8")).quantize(Decimal("0.01")) if rng.random() < 0.5 else None,
            stock_quantity=rng.randint(100, 2000), normal_daily_sales=rng.randint(50, 200),
            observed_on=start + datetime.timedelta(days=rng.randint(0, days)),
            source=rng.choice(PriceObservation.Source.values))
        obs.fill_scope()
        observations.append(obs)
    _bulk(PriceObservation, observations)

    # A few gouging and hoarding outlets, recorded one by one so the rules raise their flags.
    for i, city in enumerate(cities[:6]):
        product, spec, sale_unit, price = PRODUCTS["mask"][i % 3]
        b = base_price[(categories["mask"].pk, product)]
        for day, factor in ((0, Decimal("1.1")), (3, Decimal("3.0"))):
            obs = PriceObservation(unit=units[city.pk], outlet_name=f"{city.name}哄抬价格示例药房{i + 1}",
                                   product=product, specification=spec, category=categories["mask"],
                                   unit_of_sale=sale_unit,
                                   price=(b.price * factor).quantize(Decimal("0.01")), purchase_cost=b.price,
                                   stock_quantity=20000 if day else 500, normal_daily_sales=100,
                                   observed_on=start + datetime.timedelta(days=5 + day),
                                   source=PriceObservation.Source.COMPLAINT)
            obs.save()
            price_flags_evaluate(observation=obs, rules=rules)

    _service(ctx, cities, categories, enterprises)


def _service(ctx, cities, categories, enterprises) -> None:
    rng = ctx.rng
    start = ctx.campaign().start
    kinds = ServiceRequest.Kind.values
    requests = []
    for city in cities:
        unit = ctx.unit(f"{city.code}-{rng.choice(['samr', 'ndrc', 'miit'])}")
        for ent in enterprises[city.pk][:ctx.n(3, 30)]:
            answered = rng.random() < 0.6
            received = start + datetime.timedelta(days=rng.randint(0, 20))
            requests.append(ServiceRequest(
                unit=unit, enterprise=ent, kind=rng.choice(kinds),
                title=rng.choice(["熔喷布原料供应紧张", "咨询出口认证要求", "申请医疗器械应急审批指导", "用工短缺"]),
                content="企业反映：" + rng.choice(["原材料价格上涨，产能受限。", "不了解欧盟CE认证流程。",
                                                  "希望协调物流运输。"]),
                received_on=received, answer="已协调相关部门办理，并电话告知企业。" if answered else "",
                answered_on=received + datetime.timedelta(days=rng.randint(1, 5)) if answered else None,
                status=ServiceRequest.Status.ANSWERED if answered else ServiceRequest.Status.OPEN,
                tracking_code=new_tracking_code("QY")))
    for r in requests:
        r.fill_scope()
    _bulk(ServiceRequest, requests)

    miit = {c.pk: ctx.unit(f"{c.code}-miit") for c in cities}
    for city in cities:
        ents = enterprises[city.pk][:2]
        for ent in ents:
            cat = categories[rng.choice(["mask", "protective_suit", "meltblown"]) if "meltblown" in categories
                             else "mask"]
            offer = CapacityOffer(unit=miit[city.pk], enterprise=ent, category=cat,
                                  quantity=rng.randint(10, 100) * 1000,
                                  unit_of_measure="只" if cat.code != "meltblown" else "吨", available_from=start)
            offer.save()
            req = CapacityRequest(unit=miit[city.pk], requester=f"{city.name}第{rng.randint(1, 9)}人民医院",
                                  category=cat, quantity=rng.randint(5, 50) * 1000,
                                  unit_of_measure=offer.unit_of_measure, needed_by=start + datetime.timedelta(days=10))
            req.save()
            CapacityAllocation(unit=miit[city.pk], offer=offer, request=req, quantity=min(offer.quantity, req.quantity),
                               allocated_on=start + datetime.timedelta(days=3)).save()

    office = ctx.unit("210000-office")
    docs = [("医用防护口罩选购与标准指引", "GB 19083-2010、YY 0469-2011、GB 2626-2019"),
            ("医用一次性防护服技术要求解读", "GB 19082-2009"),
            ("红外额温枪计量与质量要求", "GB/T 21417.1-2008")]
    for title, codes in docs:
        GuidanceDocument(unit=office, title=title, standard_codes=codes,
                         body=f"{title}。请生产企业对照标准组织生产和出厂检验。", published=True,
                         published_on=start).save()
    Notice(unit=office, kind=Notice.Kind.CHANNEL, title="防疫物资质量和价格投诉举报渠道",
           body="全国12315热线：12315；各市专项工作组办公室举报电话见各市公告；也可通过本网站在线投诉举报。",
           published=True, published_on=start).save()
    Notice(unit=office, kind=Notice.Kind.NOTICE, title="关于开展防疫物资产品质量和市场秩序专项整治的通告",
           body="为保障防疫物资质量安全和市场秩序稳定，现开展专项整治行动，欢迎社会各界监督。",
           published=True, published_on=start).save()
