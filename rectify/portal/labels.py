"""The public site's events in words, for the history tab (core.generic.display)."""
from django.utils.translation import gettext_lazy as _

from rectify.core.generic.display import label_events

label_events({"portal.complaint_file": _("公众在线投诉举报")})
