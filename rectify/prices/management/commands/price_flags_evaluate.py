"""Re-run the active price rules over the observations (after a rule or a baseline changed)."""
from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand

from rectify.core.current import acting_as
from rectify.prices.models import PriceObservation
from rectify.prices.services import price_flags_reevaluate


class Command(BaseCommand):
    help = "按当前启用的价格预警规则重新评估价格监测记录（默认全部；--since 限定采集日期）。"

    def add_arguments(self, parser):
        parser.add_argument("--since", type=datetime.date.fromisoformat, help="only observations on/after YYYY-MM-DD")

    def handle(self, *args, since=None, **options):
        qs = PriceObservation.objects.all()
        if since:
            qs = qs.filter(observed_on__gte=since)
        with acting_as(None, request_id="price-flags-evaluate"):
            flags = price_flags_reevaluate(qs)
        self.stdout.write(f"evaluated {qs.count()} observations, {flags} flags raised or refreshed")
