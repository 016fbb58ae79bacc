"""The organisation's events in words, for the history tab (core.generic.display)."""
from django.utils.translation import gettext_lazy as _

from rectify.core.generic.display import label_events, label_keys, label_values

label_events({"seed_demo": _("载入演示数据")})
label_keys({"scale": _("规模"), "seed": _("随机种子"), "change_log": _("记录变更")}, "seed_demo")
label_values({"small": _("小规模（演示）"), "large": _("大规模（性能测试）")}, "seed_demo")
# a deliverable's report keeps the figures the records showed then, and whether it came after the due date
label_keys({"figures": _("报告时的佐证数据"), "late": _("逾期完成")}, "deliverable.report")
