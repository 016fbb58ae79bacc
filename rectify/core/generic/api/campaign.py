"""An API request works in its user's campaign, as a page does (core.middleware): a client with a
token is known only once DRF has authenticated it, after the middleware ran."""
from __future__ import annotations

from rectify.core.current import reset_campaign, set_campaign


class InUsersCampaign:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._campaign_token = set_campaign(getattr(request.user, "working_campaign_id", None))

    def finalize_response(self, request, response, *args, **kwargs):
        token = getattr(self, "_campaign_token", None)
        if token is not None:
            reset_campaign(token)
            self._campaign_token = None
        return super().finalize_response(request, response, *args, **kwargs)
