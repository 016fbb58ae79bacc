"""The reports' events in words, for the history tab (core.generic.display)."""
from django.utils.translation import gettext_lazy as _

from rectify.core.generic.display import label_events, label_keys

label_events({"report.urge": _("催报"), "report.counted_change": _("已报送数据变动")})
label_keys({"manual_tables": _("手工填报的报表")})
# Setting a campaign up (services/campaigns.py): a copy names its source and counts what it copied.
label_events({"campaign.copy": _("复制专项行动"), "campaign.activate": _("启用专项行动"),
              "campaign.deactivate": _("停用专项行动")})
label_keys({"source": _("复制自"), "phases": _("阶段"), "categories": _("产品类别"), "case_categories": _("案件类别"),
            "indicators": _("统计指标"), "layouts": _("报表格式"), "columns": _("报表列")}, "campaign.copy")
