"""The campaign a user works in (the top bar's chooser): kept on the account, so it holds in every
session and for the user's API token."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rectify.core.audit.events import record_event
from rectify.core.security.inputs import parse_int
from rectify.organisations.models import Campaign


def user_choose_campaign(*, user, campaign_id: object) -> Campaign:
    """Work in the campaign `campaign_id` names (any campaign: an ended one stays readable)."""
    pk = parse_int(campaign_id, minimum=1)
    campaign = Campaign.objects.filter(pk=pk).first() if pk is not None else None
    if campaign is None:
        raise ValidationError({"campaign": _("没有这个专项行动，请从列表中选择。")})
    if user.working_campaign_id != campaign.pk:
        user.working_campaign = campaign
        user.save(update_fields=["working_campaign"])
        record_event("account.campaign", obj=user, detail={"campaign": campaign.name})
    return campaign
