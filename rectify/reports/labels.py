"""The reports' events in words, for the history tab (core.generic.display)."""
from django.utils.translation import gettext_lazy as _

from rectify.core.generic.display import label_events, label_keys

label_events({"report.urge": _("催报"), "report.counted_change": _("已报送数据变动")})
label_keys({"manual_tables": _("手工填报的报表")})
