"""Enforcement's events in words, for the history tab (core.generic.display); a workflow step's
event is named by the step itself."""
from django.utils.translation import gettext_lazy as _

from rectify.core.generic.display import label_events, label_keys, label_values

label_events({
    "personal_data.view": _("查看个人信息"), "lead.create": _("生成线索"), "case.create": _("立案登记"),
    "credit.record": _("记入信用记录"), "problem.record": _("记入问题台账"), "supervision.list": _("挂牌督办"),
    "complaint.receive": _("登记投诉举报"), "transfer.send": _("移送"),
})
# who opened a complainant's personal data, and where (services/personal.py)
label_keys({"fields": _("查看的信息"), "page": _("页面")}, "personal_data.view")
label_values({"edit": _("编辑页")}, "personal_data.view")
