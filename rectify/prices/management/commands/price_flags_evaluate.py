"""Re-run the active price rules over the observations (after a rule or a baseline changed)."""
from __future__ import annotations

import datetime

from rectify.core.current import acting_as
from rectify.core.generic.campaigns import in_campaign
from rectify.organisations.commands import CampaignCommand
from rectify.prices.models import PriceObservation
from rectify.prices.services import price_flags_reevaluate


class Command(CampaignCommand):
    help = "按当前启用的价格预警规则重新评估专项行动的价格监测记录（--since 限定采集日期）。"

    def add_arguments(self, parser):
        parser.add_argument("--since", type=datetime.date.fromisoformat, help="only observations on/after YYYY-MM-DD")

    def handle(self, *args, since=None, **options):
        qs = in_campaign(PriceObservation.objects.all())  # the campaign's (--campaign) observations
        if since:
            qs = qs.filter(observed_on__gte=since)
        with acting_as(None, request_id="price-flags-evaluate"):
            flags = price_flags_reevaluate(qs)
        self.stdout.write(f"evaluated {qs.count()} observations, {flags} flags raised or refreshed")
