"""Reference data of the first campaign (Liaoning 2020), loaded by a data migration.

Kept as plain data so that a migration and the tests read the same source. A next campaign is
created as records (admin pages or API), not by editing this file."""
from __future__ import annotations

import datetime

PROVINCE = ("210000", "辽宁省")
CITIES = [
    ("210100", "沈阳市"), ("210200", "大连市"), ("210300", "鞍山市"), ("210400", "抚顺市"),
    ("210500", "本溪市"), ("210600", "丹东市"), ("210700", "锦州市"), ("210800", "营口市"),
    ("210900", "阜新市"), ("211000", "辽阳市"), ("211100", "盘锦市"), ("211200", "铁岭市"),
    ("211300", "朝阳市"), ("211400", "葫芦岛市"),
]
# A few districts, so that county units can be shown; the rest are added as data when used.
COUNTIES = [
    ("210102", "和平区", "210100"), ("210103", "沈河区", "210100"), ("210104", "大东区", "210100"),
    ("210105", "皇姑区", "210100"), ("210106", "铁西区", "210100"), ("210112", "浑南区", "210100"),
    ("210114", "于洪区", "210100"), ("210202", "中山区", "210200"), ("210203", "西岗区", "210200"),
    ("210204", "沙河口区", "210200"), ("210211", "甘井子区", "210200"), ("210213", "金州区", "210200"),
]

# (code, name, short name, line, order) — the seed's list of deputy leaders, in its order.
DEPARTMENTS = [
    ("samr", "市场监督管理局", "市场监管", "market", 1),
    ("ndrc", "发展和改革委员会", "发展改革", "ndrc", 2),
    ("miit", "工业和信息化厅", "工业和信息化", "miit", 3),
    ("police", "公安厅", "公安", "police", 4),
    ("commerce", "商务厅", "商务", "commerce", 5),
    ("customs_sy", "沈阳海关", "沈阳海关", "customs", 6),
    ("customs_dl", "大连海关", "大连海关", "customs", 7),
    ("nmpa", "药品监督管理局", "药品监管", "drug", 8),
]
PROVINCIAL_UNIT_NAMES = {
    "samr": "辽宁省市场监督管理局", "ndrc": "辽宁省发展和改革委员会", "miit": "辽宁省工业和信息化厅",
    "police": "辽宁省公安厅", "commerce": "辽宁省商务厅", "nmpa": "辽宁省药品监督管理局",
}
CITY_UNIT_SUFFIX = {
    "samr": "市场监督管理局", "ndrc": "发展和改革委员会", "miit": "工业和信息化局",
    "police": "公安局", "commerce": "商务局", "nmpa": "药品监管（市场监管局药品科）",
}
# Customs districts do not follow city borders.
CUSTOMS = {
    "customs_sy": ("沈阳海关", "210100",
                   ["210100", "210300", "210400", "210500", "210900", "211000", "211200", "211300"]),
    "customs_dl": ("大连海关", "210200", ["210200", "210600", "210700", "210800", "211100", "211400"]),
}

CAMPAIGN = {
    "code": "ln-2020-epidemic-supplies",
    "name": "辽宁省防疫物资产品质量和市场秩序专项整治行动",
    "start": datetime.date(2020, 5, 15),
    "end": datetime.date(2020, 6, 30),
    "weekly_deadline_weekday": 3,
    "weekly_deadline_time": datetime.time(14, 0),
    "final_summary_due": datetime.date(2020, 6, 25),
    "report_email": "lnjjjzc@sina.com",
}
PHASES = [
    ("准备阶段", datetime.date(2020, 5, 15), datetime.date(2020, 5, 25),
     "集中宣传；公布投诉举报受理方式；梳理违法问题线索；建立生产企业清单和出口企业清单。"),
    ("实施阶段", datetime.date(2020, 5, 26), datetime.date(2020, 6, 24),
     "全面排查；依法从严从重打击；曝光典型案件；集中约谈和行政指导。"),
    ("总结阶段", datetime.date(2020, 6, 25), datetime.date(2020, 6, 30),
     "总结成效及经验；梳理难点问题；形成长效机制。6月25日前报送总结及最终统计报表。"),
]
# What every city must have done by the end of the preparation phase (三、（一）准备阶段):
# (phase order, order, name, kind of evidence, due, the plan's words).
DELIVERABLES = [
    (1, 1, "集中宣传报道", "publicity", datetime.date(2020, 5, 25),
     "通过电视、报纸、网络等多种形式，对专项整治行动措施及要求进行集中宣传报道，营造良好的舆论氛围。"),
    (1, 2, "公布投诉举报渠道", "complaint_channel", datetime.date(2020, 5, 25),
     "公布投诉举报受理方式，畅通投诉举报渠道，梳理近期与防疫物资产品质量及市场秩序相关的违法问题线索。"),
    (1, 3, "建立生产企业清单", "producer_list", datetime.date(2020, 5, 25),
     "做好调研摸底工作，建立“防疫物资及其重要原辅材料生产企业清单”。"),
    (1, 4, "建立出口企业清单", "exporter_list", datetime.date(2020, 5, 25),
     "做好调研摸底工作，建立“医用防疫物资出口生产、经营企业清单”。"),
]
# The tables' row order (附件1, 附件2).
PRODUCT_CATEGORIES = [
    ("mask", "口罩", "Masks", False, True),
    ("ventilator", "呼吸机", "Ventilators", False, True),
    ("protective_suit", "防护服", "Protective suits", False, True),
    ("thermometer", "红外体温计（额温枪）", "Infrared thermometers", False, True),
    ("test_reagent", "新型冠状病毒检测试剂", "COVID-19 test reagents", False, True),
    ("meltblown", "熔喷布", "Melt-blown fabric", True, False),
    ("nonwoven", "无纺布", "Non-woven fabric", True, False),
    ("ir_sensor", "红外传感器", "Infrared sensors", True, False),
]
# Other words for each category, keyed by its code: the seed's own wording ("检测试剂" for the reagents,
# "红外体温计（额温枪）" split in two) and what a list from a city calls the same products. An import
# accepts them beside the name, the code and the English name (enterprises/importing.py); full-width
# and half-width forms, case and spaces do not matter. A word names one category only.
PRODUCT_CATEGORY_ALIASES: dict[str, tuple[str, ...]] = {
    "mask": ("医用口罩", "医用外科口罩", "医用防护口罩", "防护口罩", "一次性口罩", "KN95口罩", "N95口罩"),
    "ventilator": ("医用呼吸机", "无创呼吸机", "有创呼吸机"),
    "protective_suit": ("医用防护服", "防护衣"),
    "thermometer": ("红外体温计", "额温枪", "体温计", "体温枪", "测温仪", "红外测温仪", "测温枪", "耳温枪"),
    "test_reagent": ("检测试剂", "试剂", "检测试剂盒", "试剂盒", "新冠检测试剂", "新型冠状病毒检测试剂盒",
                     "核酸检测试剂", "抗体检测试剂", "抗原检测试剂"),
    "meltblown": ("熔喷", "熔喷无纺布"),
    "nonwoven": ("无纺织布", "纺粘无纺布", "纺粘布"),
    "ir_sensor": ("红外测温传感器", "热电堆传感器"),
}
CASE_CATEGORIES = [
    ("quality", "质量违法类", "market"),
    ("certification", "认证检验类", "market"),
    ("drug_device", "药械资质类", "drug"),
    ("price", "价格违法类", "market"),
    ("public_security", "治安违法犯罪类", "police"),
    ("other", "其他", ""),
]


def load(apps) -> None:
    """Create or update the reference data (idempotent; used by the data migration)."""
    Region = apps.get_model("organisations", "Region")
    Department = apps.get_model("organisations", "Department")
    Unit = apps.get_model("organisations", "Unit")
    Campaign = apps.get_model("organisations", "Campaign")
    Phase = apps.get_model("organisations", "Phase")
    ProductCategory = apps.get_model("organisations", "ProductCategory")
    CaseCategory = apps.get_model("organisations", "CaseCategory")

    province, _ = Region.objects.update_or_create(code=PROVINCE[0],
                                                  defaults={"name": PROVINCE[1], "level": "province"})
    cities = {}
    for code, name in CITIES:
        cities[code], _ = Region.objects.update_or_create(
            code=code, defaults={"name": name, "level": "city", "parent": province})
    for code, name, parent in COUNTIES:
        Region.objects.update_or_create(code=code,
                                        defaults={"name": name, "level": "county", "parent": cities[parent]})

    departments = {}
    for code, name, short, line, order in DEPARTMENTS:
        departments[code], _ = Department.objects.update_or_create(
            code=code, defaults={"name": name, "short_name": short, "line": line, "order": order}
        )

    def unit(code, **defaults):
        obj, _ = Unit.objects.update_or_create(code=code, defaults=defaults)
        return obj

    province_office = unit(
        "210000-office", name="辽宁省专项工作组办公室", department=departments["samr"], region=province, is_office=True,
        contact="修建辉",
    )
    provincial = {}
    for dept, name in PROVINCIAL_UNIT_NAMES.items():
        provincial[dept] = unit(f"210000-{dept}", name=name, department=departments[dept], region=province,
                                parent=province_office)
    for dept, (name, seat, covered) in CUSTOMS.items():
        customs = unit(f"{seat}-{dept}", name=name, department=departments[dept], region=cities[seat],
                       parent=province_office)
        customs.covers.set([cities[c] for c in covered])
    for code, city_name in CITIES:
        city = cities[code]
        office = unit(f"{code}-office", name=f"{city_name}专项工作组办公室", department=departments["samr"],
                      region=city, is_office=True, parent=province_office)
        for dept, suffix in CITY_UNIT_SUFFIX.items():
            unit(f"{code}-{dept}", name=f"{city_name}{suffix}", department=departments[dept], region=city,
                 parent=provincial.get(dept, office))
    # County market-regulation bureaus for the districts loaded above.
    for code, name, parent_code in COUNTIES:
        unit(f"{code}-samr", name=f"{cities[parent_code].name}{name}市场监督管理局", department=departments["samr"],
             region=Region.objects.get(code=code), parent=Unit.objects.get(code=f"{parent_code}-samr"))

    campaign, _ = Campaign.objects.update_or_create(
        code=CAMPAIGN["code"], defaults={**{k: v for k, v in CAMPAIGN.items() if k != "code"}, "region": province})
    for order, (name, start, end, tasks) in enumerate(PHASES, start=1):
        Phase.objects.update_or_create(campaign=campaign, order=order,
                                       defaults={"name": name, "start": start, "end": end, "tasks": tasks})
    for order, (code, name, name_en, raw, medical) in enumerate(PRODUCT_CATEGORIES, start=1):
        ProductCategory.objects.update_or_create(
            campaign=campaign, code=code,
            defaults={"name": name, "name_en": name_en, "order": order, "is_raw_material": raw, "is_medical": medical},
        )
    for order, (code, name, line) in enumerate(CASE_CATEGORIES, start=1):
        CaseCategory.objects.update_or_create(campaign=campaign, code=code,
                                              defaults={"name": name, "order": order, "line": line})
    try:
        apps.get_model("organisations", "Deliverable")
    except LookupError:  # the state of an earlier migration (0002): its own migration loads them
        return
    load_deliverables(apps)


def load_deliverables(apps) -> None:
    """The first campaign's deliverables and a row of each for every city office (idempotent; used
    by the data migration and after a test's flush). The rows are written field by field: a
    migration's models have no `fill_scope`."""
    Unit = apps.get_model("organisations", "Unit")
    Campaign = apps.get_model("organisations", "Campaign")
    Phase = apps.get_model("organisations", "Phase")
    Deliverable = apps.get_model("organisations", "Deliverable")
    CityDeliverable = apps.get_model("organisations", "CityDeliverable")

    campaign = Campaign.objects.get(code=CAMPAIGN["code"])
    phases = {p.order: p for p in Phase.objects.filter(campaign=campaign).order_by("-pk")}  # the first made wins
    offices = list(Unit.objects.filter(is_office=True, region__level="city", is_active=True)
                   .select_related("region", "department").order_by("region__code"))
    for phase_order, order, name, kind, due, description in DELIVERABLES:
        deliverable, _ = Deliverable.objects.update_or_create(
            phase=phases[phase_order], name=name,
            defaults={"order": order, "kind": kind, "due": due, "description": description})
        for office in offices:
            CityDeliverable.objects.get_or_create(deliverable=deliverable, region=office.region, defaults={
                "unit": office, "county": None, "line": office.department.line, "due": deliverable.due,
                "campaign": campaign})
