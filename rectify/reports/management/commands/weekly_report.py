import datetime
from pathlib import Path

from django.core.management.base import CommandError

from rectify.organisations.commands import CampaignCommand
from rectify.organisations.models import Campaign, Region
from rectify.reports import official, services
from rectify.reports.engine import ReportScope


class Command(CampaignCommand):
    help = "Write 附件1 and 附件2 in the official layout for a city (or --region 210000 for the province's workbook)."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="GB/T 2260 code, e.g. 210100; 210000 for the province")
        parser.add_argument("--as-of", required=True, help="data cut-off date, YYYY-MM-DD")
        parser.add_argument("--out", required=True)

    def handle(self, *args, region, as_of, out, **options):
        campaign = Campaign.current()
        if campaign is None:
            raise CommandError("no campaign")
        try:
            cutoff = datetime.date.fromisoformat(as_of)
        except ValueError:
            raise CommandError(f"--as-of: not a date: {as_of}")
        place = Region.objects.filter(code=region).first()
        if place is None:
            raise CommandError(f"--region: unknown region code {region}")
        if place.level == Region.Level.PROVINCE:
            content = services.province_workbook(campaign, cutoff)
        else:
            tables = services.compute_tables(campaign, ReportScope(region_id=place.pk), cutoff)
            info = {"unit_name": f"{place.name}专项工作组办公室", "filled_by": "", "phone": "", "cutoff": cutoff}
            content = official.workbook([(t.layout.label, official.table_spec(t), info) for t in tables.values()],
                                        campaign=campaign)
        Path(out).write_bytes(content)
        self.stdout.write(f"wrote {out} ({len(content)} bytes)")
