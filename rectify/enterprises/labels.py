"""The registry's events in words, for the history tab (core.generic.display)."""
from django.utils.translation import gettext_lazy as _

from rectify.core.generic.display import label_events

label_events({
    "enterprise.import.upload": _("上传企业名单"), "enterprise.import.commit": _("导入企业名单"),
    "enterprise.merge": _("合并重复企业"), "enterprise.merged_into": _("并入另一企业"),
})
