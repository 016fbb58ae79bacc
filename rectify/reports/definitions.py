"""The first campaign's two official tables (附件1, 附件2) as data: indicators and layouts.

Loaded by a data migration. Each indicator names its source model, the date that places a row in
time (cumulative from the campaign start to the cut-off), the product-category field the table's
rows group by, and filters. A next campaign's tables are records, not code."""
from __future__ import annotations

from decimal import Decimal

OUTCOME = "fieldwork.InspectionOutcome"
EXPORT = "fieldwork.ExportCheck"
RECALL = "fieldwork.Recall"
CASE = "enforcement.Case"
MARKET_AND_DRUG = {"line__in": ["market", "drug"]}
WAN = Decimal("0.0001")  # 元 → 万元

# code: (name, source, aggregate, field, date_field, category_field, filters, scale, decimals, description)
ANNEX1 = [
    ("a1_inspected", "排查企业数量", OUTCOME, "count_distinct", "enterprise", "date", "category", MARKET_AND_DRUG, 1, 0,
     "市场监管、药监部门排查的生产企业，同一企业生产多类产品的按类别分别计数。"),
    ("a1_failed_review", "审评审批不合格企业数量", OUTCOME, "count_distinct", "enterprise", "date", "category",
     {**MARKET_AND_DRUG, "outcome": "failed_review"}, 1, 0, "排查结果为“审评审批不合格”的企业数。"),
    ("a1_failed_cert", "认证等不合格企业数量", OUTCOME, "count_distinct", "enterprise", "date", "category",
     {**MARKET_AND_DRUG, "outcome": "failed_certification"}, 1, 0, "排查结果为“认证等不合格”的企业数。"),
    ("a1_failed_other", "其他不合格企业数量", OUTCOME, "count_distinct", "enterprise", "date", "category",
     {**MARKET_AND_DRUG, "outcome": "failed_other"}, 1, 0, "排查结果为“其他不合格”的企业数。"),
    ("a1_export_enterprises", "开展质量抽查企业数量", EXPORT, "count_distinct", "enterprise", "checked_on", "category",
     {}, 1, 0, "海关出口查验涉及的企业数。"),
    ("a1_export_batches", "抽查产品批次", EXPORT, "sum", "batches_checked", "checked_on", "category", {}, 1, 0,
     "海关出口查验抽查的批次合计。"),
    ("a1_export_nonconforming", "不合格产品批次", EXPORT, "sum", "batches_nonconforming", "checked_on", "category", {},
     1, 0, "海关出口查验不合格批次合计。"),
    ("a1_recalled", "召回产品数量", RECALL, "sum", "quantity", "recalled_on", "category", {}, 1, 0,
     "召回产品数量合计。"),
    ("a1_no_standard", "无质量标准企业数量", OUTCOME, "count_distinct", "enterprise", "date", "category",
     {"outcome": "no_standard"}, 1, 0, "排查结果为“无质量标准”的企业数。"),
]
# ratio: code, name, numerator, denominator, scale, decimals, description
ANNEX1_RATIOS = [
    ("a1_export_rate", "监督抽查批次不合格发现率", "a1_export_nonconforming", "a1_export_batches", 100, 2,
     "不合格产品批次合计 ÷ 抽查产品批次合计 × 100（%），由合计计算，不取平均。"),
]
ANNEX1_LAYOUT = {
    "code": "annex1", "label": "附件1", "order": 1, "row_header": "",
    "title": "防疫物资生产企业排查、督促、产品质量监督抽查以及出口物资查验情况表",
    "header_fields": ["填报单位"], "footer_fields": ["填报人", "电话", "数据截至时间"],
    "notes": "填表说明：\n1.本表所称“企业”包含个体工商户等各类防疫物资生产者。\n2.本表填报的数据均为累计数。\n"
             "3.同一企业生产多类产品时，按照所生产产品种类分别统计企业数量。\n报送说明：每周四14时前将工作开展情况发送至邮箱。",
    "rules": [{"kind": "lte", "left": "a1_export_nonconforming", "right": "a1_export_batches"},
              {"kind": "lte", "left": "a1_failed_review", "right": "a1_inspected"},
              {"kind": "lte", "left": "a1_failed_cert", "right": "a1_inspected"},
              {"kind": "lte", "left": "a1_failed_other", "right": "a1_inspected"}],
    "columns": [
        ("市场监管、药监部门生产企业排查情况", "排查企业数量", "a1_inspected"),
        ("市场监管、药监部门生产企业排查情况", "审评审批不合格企业数量", "a1_failed_review"),
        ("市场监管、药监部门生产企业排查情况", "认证等不合格企业数量", "a1_failed_cert"),
        ("市场监管、药监部门生产企业排查情况", "其他不合格企业数量", "a1_failed_other"),
        ("海关部门出口物资查验情况", "开展质量抽查企业数量", "a1_export_enterprises"),
        ("海关部门出口物资查验情况", "抽查产品批次", "a1_export_batches"),
        ("海关部门出口物资查验情况", "不合格产品批次", "a1_export_nonconforming"),
        ("海关部门出口物资查验情况", "监督抽查批次不合格发现率", "a1_export_rate"),
        ("商务部门督促企业落实主体责任情况", "召回产品数量", "a1_recalled"),
        ("商务部门督促企业落实主体责任情况", "无质量标准企业数量", "a1_no_standard"),
    ],
}


def _case(code, name, aggregate, field, date_field, filters, scale=1, decimals=0, description=""):
    return (code, name, CASE, aggregate, field, date_field, "product_category", filters, scale, decimals, description)


CASE_GROUPS = [("quality", "质量违法类"), ("certification", "认证检验类"), ("drug_device", "药械资质类"),
               ("price", "价格违法类"), ("other", "其他")]
ANNEX2 = []
for _code, _name in CASE_GROUPS:
    _f = {"case_category__code": _code}
    ANNEX2.append(_case(f"a2_{_code}_filed", f"{_name}立案", "count", "", "filed_on", _f,
                        description=f"{_name}已立案案件数（立案日期≤截至日）。"))
    ANNEX2.append(_case(f"a2_{_code}_penalised", f"{_name}处罚案件", "count", "", "decided_on", _f,
                        description=f"{_name}已作出处罚决定的案件数。"))
    ANNEX2.append(_case(f"a2_{_code}_fines", f"{_name}罚没", "sum", "fine+confiscation", "decided_on", _f, WAN, 2,
                        f"{_name}罚款与没收违法所得合计（万元）。"))
ANNEX2 += [
    _case("a2_ps_admin", "行政治安案件", "count", "", "filed_on",
          {"case_category__code": "public_security", "police_kind": "administrative"},
          description="治安违法犯罪类中的行政治安案件。"),
    _case("a2_ps_criminal", "刑事案件", "count", "", "filed_on",
          {"case_category__code": "public_security", "police_kind": "criminal"},
          description="治安违法犯罪类中的刑事案件。"),
    _case("a2_total_filed", "合计立案", "count", "", "filed_on", {}, description="全部立案案件。"),
    _case("a2_total_penalised", "合计处罚案件", "count", "", "decided_on", {},
          description="全部已作出处罚决定的案件。"),
    _case("a2_total_fines", "合计罚没", "sum", "fine+confiscation", "decided_on", {}, WAN, 2, "全部罚没金额（万元）。"),
    _case("a2_transferred", "移送公安案件", "count", "", "transferred_to_police_on", {},
          description="已移送公安机关的案件。"),
    _case("a2_units", "被查单位", "sum", "units_investigated", "filed_on", {},
          description="立案案件的被查单位（家）合计。"),
    _case("a2_staff", "出动执法人员", "sum", "staff_dispatched", "filed_on", {},
          description="立案案件出动执法人员（人次）合计。"),
]
ANNEX2_LAYOUT = {
    "code": "annex2", "label": "附件2", "order": 2, "row_header": "", "title": "防疫物资违法案件查处情况表",
    "header_fields": ["填报单位"], "footer_fields": ["填报人", "电话", "数据截至时间"],
    "notes": "填表说明：本表填报的数据均为累计数。\n报送说明：每周四14时前将工作开展情况发送至邮箱。",
    "rules": [{"kind": "lte", "left": f"a2_{c}_penalised", "right": f"a2_{c}_filed"} for c, _n in CASE_GROUPS]
    + [{"kind": "lte", "left": "a2_total_penalised", "right": "a2_total_filed"}],
    # the printed template: 罚没 only under 药械资质类, 其他 and 合计 (the other fines stay indicators)
    "columns": [
        ("质量违法类", "立案(件)", "a2_quality_filed"), ("质量违法类", "处罚案件(件)", "a2_quality_penalised"),
        ("认证检验类", "立案(件)", "a2_certification_filed"),
        ("认证检验类", "处罚案件(件)", "a2_certification_penalised"),
        ("药械资质类", "立案(件)", "a2_drug_device_filed"), ("药械资质类", "处罚案件(件)", "a2_drug_device_penalised"),
        ("药械资质类", "罚没(万元)", "a2_drug_device_fines"),
        ("价格违法类", "立案(件)", "a2_price_filed"), ("价格违法类", "处罚案件(件)", "a2_price_penalised"),
        ("治安违法犯罪类", "行政治安案件(件)", "a2_ps_admin"), ("治安违法犯罪类", "刑事案件(件)", "a2_ps_criminal"),
        ("其他", "立案(件)", "a2_other_filed"), ("其他", "处罚案件(件)", "a2_other_penalised"),
        ("其他", "罚没(万元)", "a2_other_fines"),
        ("合计", "立案(件)", "a2_total_filed"), ("合计", "处罚案件(件)", "a2_total_penalised"),
        ("合计", "罚没(万元)", "a2_total_fines"),
        ("合计", "移送公安案件(件)", "a2_transferred"), ("合计", "被查单位(家)", "a2_units"),
        ("合计", "出动执法人员(人次)", "a2_staff"),
    ],
}


def load(apps, campaign_code: str = "ln-2020-epidemic-supplies") -> None:
    """Create or update the indicators and both layouts for the campaign (idempotent)."""
    Campaign = apps.get_model("organisations", "Campaign")
    Indicator = apps.get_model("reports", "Indicator")
    TableLayout = apps.get_model("reports", "TableLayout")
    LayoutColumn = apps.get_model("reports", "LayoutColumn")
    campaign = Campaign.objects.filter(code=campaign_code).first()
    if campaign is None:
        return
    by_code = {}
    for code, name, source, agg, field, date_field, cat_field, filters, scale, decimals, desc in ANNEX1 + ANNEX2:
        by_code[code], _ = Indicator.objects.update_or_create(campaign=campaign, code=code, defaults={
            "name": name, "source": source, "aggregate": agg, "field": field, "date_field": date_field,
            "category_field": cat_field, "filters": filters, "scale": scale, "decimals": decimals, "description": desc})
    for code, name, num, den, scale, decimals, desc in ANNEX1_RATIOS:
        by_code[code], _ = Indicator.objects.update_or_create(campaign=campaign, code=code, defaults={
            "name": name, "aggregate": "ratio", "numerator": by_code[num], "denominator": by_code[den], "scale": scale,
            "decimals": decimals, "description": desc})
    for spec in (ANNEX1_LAYOUT, ANNEX2_LAYOUT):
        layout, _ = TableLayout.objects.update_or_create(campaign=campaign, code=spec["code"], defaults={
            k: spec[k]
            for k in ("label", "title", "row_header", "header_fields", "footer_fields", "notes", "rules", "order")})
        LayoutColumn.objects.filter(layout=layout).delete()
        for order, (group, header, ind) in enumerate(spec["columns"], start=1):
            LayoutColumn.objects.create(layout=layout, order=order, group=group, header=header, indicator=by_code[ind])
