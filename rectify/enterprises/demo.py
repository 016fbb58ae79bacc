"""Demo enterprises: ~30 per city (small) or 100,000 in all (large), with valid credit codes,
product categories, qualifications for medical categories and list entries. Leaves
ctx.store["enterprises"] = {city_id: [enterprise ids]} for the apps seeded after this one."""
from __future__ import annotations

import datetime

from rectify.organisations.demo import DemoContext

from .models import Enterprise, EntityType, Letter, LetterBatch, ListEntry, Qualification
from .services.letters import DEFAULT_BODY

BATCH = 2000
DEVICE_PREFIX = {"mask": "械注准2020214", "ventilator": "械注准2020208", "protective_suit": "械注准2020214",
                 "thermometer": "械注准2020207", "test_reagent": "械注准2020340"}


def seed(ctx: DemoContext) -> str:
    cities = ctx.cities()
    categories = ctx.categories()
    per_city = ctx.n(30, 100_000 // max(len(cities), 1) + 1)
    total_target = ctx.n(30 * len(cities), 100_000)
    counties = {c.pk: list(c.children.all()) for c in cities}
    offices = {c.pk: ctx.unit(f"{c.code}-samr") for c in cities}
    through = Enterprise.categories.through
    codes: set[str] = set(Enterprise.objects.exclude(credit_code=None).values_list("credit_code", flat=True))
    ctx.store["enterprises"] = {}
    made = 0
    start = ctx.campaign().start
    for city in cities:
        n = min(per_city, total_target - made)
        ids: list[int] = []
        for offset in range(0, n, BATCH):
            objs, cats_for = [], []
            for _i in range(min(BATCH, n - offset)):
                cat_list = ctx.rng.sample(categories, k=ctx.rng.choice((1, 1, 1, 2, 3)))
                individual = ctx.rng.random() < 0.12
                code = ctx.credit_code(city.code, individual)
                while code in codes:
                    code = ctx.credit_code(city.code, individual)
                codes.add(code)
                county = ctx.rng.choice(counties[city.pk]) if counties[city.pk] else None
                objs.append(Enterprise(
                    name=ctx.company(city.name, cat_list[0].code, individual), credit_code=code,
                    entity_type=EntityType.INDIVIDUAL if individual else EntityType.COMPANY, region=city, county=county,
                    legal_representative=ctx.person(), contact=ctx.person(), phone=ctx.phone(),
                    address=(f"{city.name}{county.name if county else ''}{ctx.rng.choice('东西南北中')}"
                             f"{ctx.rng.randint(1, 300)}号"),
                    is_producer=True, is_exporter=ctx.rng.random() < 0.15,
                    approved_on=ctx.date_between(datetime.date(2005, 1, 1), start),
                ))
                cats_for.append(cat_list)
            Enterprise.objects.bulk_create(objs, batch_size=BATCH)
            if any(o.pk is None for o in objs):
                by_code = dict(Enterprise.objects.filter(credit_code__in=[o.credit_code for o in objs])
                               .values_list("credit_code", "pk"))
                for o in objs:
                    o.pk = by_code[o.credit_code]
            through.objects.bulk_create([through(enterprise_id=o.pk, productcategory_id=c.pk)
                                         for o, cl in zip(objs, cats_for, strict=True) for c in cl], batch_size=BATCH)
            quals, entries = [], []
            for o, cl in zip(objs, cats_for, strict=True):
                medical = [c for c in cl if c.is_medical]
                if medical:
                    prefix = DEVICE_PREFIX.get(medical[0].code, "械注准2020214")
                    quals.append(Qualification(enterprise_id=o.pk, kind=Qualification.Kind.DEVICE_REGISTRATION,
                                               number=f"辽{prefix}{ctx.rng.randint(1000, 9999)}",
                                               issuer="辽宁省药品监督管理局",
                                               scope_text="、".join(c.name for c in medical),
                                               valid_from=ctx.date_between(datetime.date(2016, 1, 1), start),
                                               valid_to=ctx.date_between(datetime.date(2021, 1, 1),
                                                                         datetime.date(2025, 12, 31))))
                elif o.entity_type == EntityType.COMPANY:
                    quals.append(Qualification(enterprise_id=o.pk, kind=Qualification.Kind.PRODUCTION_LICENCE,
                                               number=(f"辽XK{ctx.rng.randint(10, 99)}-{ctx.rng.randint(100, 999)}-"
                                                       f"{ctx.rng.randint(10000, 99999)}"),
                                               issuer="辽宁省市场监督管理局", valid_to=datetime.date(2024, 12, 31)))
                listed = ctx.date_between(start, start + datetime.timedelta(days=10))
                entries.append(ListEntry(enterprise_id=o.pk, kind=ListEntry.Kind.PRODUCER, listed_on=listed,
                                         source="生产企业摸底排查", unit=offices[city.pk]))
                if o.is_exporter:
                    entries.append(ListEntry(enterprise_id=o.pk, kind=ListEntry.Kind.EXPORTER, listed_on=listed,
                                             source="商务部门出口企业清单", unit=offices[city.pk]))
            Qualification.objects.bulk_create(quals, batch_size=BATCH)
            ListEntry.objects.bulk_create(entries, batch_size=BATCH)
            ids += [o.pk for o in objs]
        ctx.store["enterprises"][city.pk] = ids
        made += len(ids)
    letters = _letter_batches(ctx, cities[:2] if ctx.large else cities, offices)
    return f"{made} enterprises, {letters} letters issued in bulk"


def _letter_batches(ctx: DemoContext, cities, offices) -> int:
    """Each city's market regulator warns every listed producer a week into the campaign and
    collects commitment letters from the mask makers; every other letter has come back. Draws
    nothing from ctx.rng, so the other apps' demo records stay as they were."""
    day = ctx.campaign().start + datetime.timedelta(days=7)
    mask = next((c for c in ctx.categories() if c.code == "mask"), None)
    issued = 0
    for city in cities:
        unit = offices[city.pk]
        for kind, category in ((Letter.Kind.WARNING, None), (Letter.Kind.COMMITMENT, mask)):
            producers = Enterprise.objects.filter(region=city, is_producer=True).order_by("name", "pk")
            if category is not None:
                producers = producers.filter(categories=category)
            ids = list(producers.values_list("pk", flat=True))
            if not ids:
                continue
            prefix = f"{city.name[:1]}市监{'告' if kind == Letter.Kind.WARNING else '诺'}〔{day.year}〕"
            batch = LetterBatch.objects.create(unit=unit, kind=kind, category=category, date=day, number_prefix=prefix,
                                               body=DEFAULT_BODY[kind], issued=len(ids))
            Letter.objects.bulk_create([
                Letter(unit=unit, enterprise_id=pk, kind=kind, date=day, batch=batch, number=f"{prefix}{n}号",
                       returned_on=day + datetime.timedelta(days=3) if n % 2 else None)
                for n, pk in enumerate(ids, 1)], batch_size=BATCH)
            issued += len(ids)
    return issued
