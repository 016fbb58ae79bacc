"""The campaign chooser of the top bar: every campaign, the one the user works in first."""
from __future__ import annotations

from rectify.organisations.models import Campaign


def campaigns(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    cached = getattr(request, "_rectify_campaigns", None)
    if cached is None:
        every = list(Campaign.objects.order_by("-is_active", "-start", "-pk"))
        current = Campaign.current()
        cached = request._rectify_campaigns = {"campaigns": every, "current_campaign": current}
    return cached
