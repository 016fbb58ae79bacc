"""A command that works in one campaign: `--campaign CODE`, by default the campaign a user who chose
none works in (the active one that started last). Inside the command, Campaign.current(), the
choices and new records are that campaign's, as on the pages."""
from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rectify.core.current import working_in_campaign
from rectify.organisations.models import Campaign


def campaign_named(code: str) -> Campaign:
    campaign = Campaign.objects.filter(code=code).first() if code else Campaign.default()
    if campaign is None:
        known = "、".join(Campaign.objects.order_by("-start").values_list("code", flat=True)) or "（无）"
        raise CommandError(f"--campaign: 没有代码为“{code}”的专项行动；已有：{known}" if code
                           else "没有进行中的专项行动；请用 --campaign 指定")
    return campaign


class CampaignCommand(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument("--campaign", default="",
                            help="专项行动代码（默认：进行中、最近开始的专项行动），如 ln-2020-epidemic-supplies")
        return parser

    def execute(self, *args: Any, **options: Any) -> Any:
        campaign = campaign_named(options.pop("campaign", "") or "")
        with working_in_campaign(campaign.pk):
            return super().execute(*args, **options)
