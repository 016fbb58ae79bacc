"""Targeting's events in words, for the history tab (core.generic.display)."""
from django.utils.translation import gettext_lazy as _

from rectify.core.generic.display import label_events, label_keys, label_values

label_events({
    "certificate.check": _("证照核验"), "certificate.flag": _("证照核验预警"), "export.flag": _("出口预警"),
    "draw.run": _("双随机抽取"), "sampling_plan.generate": _("生成抽检计划"),
    "export_list.import": _("导入出口企业名单"),
})

# The check results' items (services/certificates.py: Finding)
label_keys({"code": _("核验项"), "ok": _("结果"), "message": _("说明")}, "targeting.CertificateCheck.findings")
label_values({"certificate_category": _("证书类别"), "certificate_exists": _("证书存在"),
              "certificate_holder": _("持证主体"), "certificate_kind": _("证书种类"),
              "certificate_valid": _("证书有效期"), "issuer_accredited": _("发证机构资质"),
              "issuer_exists": _("发证机构在名录中"), "issuer_kind": _("发证机构类型"),
              "issuer_scope": _("发证机构业务范围"), "issuer_status": _("发证机构状态"),
              "issuer_valid": _("发证机构资质有效期"), "number": _("证书编号")}, "targeting.CertificateCheck.findings")
# A draw's result and inputs, and its event (services/draws.py); a plan's proposals (services/plans.py)
label_keys({"enterprise_id": _("企业编号"), "name": _("企业名称"), "flagged": _("重点对象"), "flags": _("重点原因"),
            "why": _("抽中理由"), "inspector_ids": _("检查人员编号"), "inspector_names": _("检查人员"),
            "score": _("风险分值"), "by": _("方式"), "number": _("编号"), "seed": _("随机种子"),
            "sequence": _("抽取次序"), "earlier_draws": _("此前抽取"), "targets": _("对象"),
            "register_size": _("检查对象名录户数"), "inspector_register_size": _("检查人员名录人数"),
            "inspectors": _("检查人员"), "candidates": _("候选户数"), "proposed": _("建议对象"),
            "conflicts": _("回避关系")},
           "targeting.Draw.result", "targeting.Draw.inputs", "draw.run", "targeting.SamplingPlan.proposed",
           "sampling_plan.generate")
label_values({"risk": _("按风险"), "random": _("随机")}, "targeting.SamplingPlan.proposed")
