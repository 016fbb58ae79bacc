"""Reference data of enforcement, loaded by a data migration (and read by tests and demo)."""
from __future__ import annotations

from decimal import Decimal

# (code, name) in the order of the plan's task 5.
VIOLATION_TYPES = [
    ("adulteration", "掺杂掺假"), ("fake_as_genuine", "以假充真"), ("shoddy_as_good", "以次充好"),
    ("nonconforming_as_conforming", "以不合格产品冒充合格产品"), ("expired", "销售过期失效产品"),
    ("three_no", "生产销售“三无”产品"), ("hoarding", "囤积居奇"), ("price_gouging", "哄抬价格"),
    ("illegal_charges", "价外乱收费"), ("counterfeit_trademark", "假冒注册商标"),
    ("forged_certificate", "伪造、冒用、买卖认证证书和标志"),
    ("unapproved_certification", "未经批准擅自从事认证检验检测"),
    ("illegal_business", "非法经营"), ("missing_qualification", "无证无照或资质不符"), ("other", "其他"),
]

# 生产、销售伪劣产品罪: sales of 5万元 or more; goods not yet sold worth 15万元 or more
# (最高法、最高检 2001 解释; 2020 防疫物资意见). Kept as data: the office edits it.
THRESHOLDS = [
    ("罚没金额达5万元", Decimal("50000"), None, [],
     "刑法第140条；最高法、最高检《关于办理生产、销售伪劣商品刑事案件具体应用法律若干问题的解释》"),
    ("货值金额达15万元", None, Decimal("150000"), [], "同上，尚未销售的伪劣产品货值金额15万元以上"),
    ("假冒注册商标", None, None, ["counterfeit_trademark"], "刑法第213条；防疫期间依法从严"),
]


def load(apps) -> None:
    ViolationType = apps.get_model("enforcement", "ViolationType")
    TransferThreshold = apps.get_model("enforcement", "TransferThreshold")
    for order, (code, name) in enumerate(VIOLATION_TYPES, start=1):
        ViolationType.objects.update_or_create(code=code, defaults={"name": name, "order": order})
    for name, amount, goods, types, basis in THRESHOLDS:
        threshold, _ = TransferThreshold.objects.update_or_create(
            name=name, defaults={"penalty_amount": amount, "goods_value": goods, "basis": basis})
        threshold.violation_types.set(ViolationType.objects.filter(code__in=types))
