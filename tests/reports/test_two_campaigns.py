"""Two campaigns side by side, the second set up by the provincial office on its own pages: copied
from the first, given a category of its own, started; a city works in it (chosen in the top bar)
and its records fill its own table, due on its own day and reminded on its own days — while the
first campaign's tables, workbook and reports stay exactly what they were."""
from __future__ import annotations

import datetime
import io
import tempfile
from pathlib import Path
from unittest import mock

import openpyxl
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from rectify.enterprises.models import Enterprise
from rectify.fieldwork.models import Recall
from rectify.organisations.models import Campaign, ProductCategory
from rectify.reports import services
from rectify.reports.engine import ReportScope
from rectify.reports.models import ReportVersion, TableLayout, WeeklyReport
from rectify.reports.services.weeks import deadline_for, opens_week_on, reminds_on
from rectify.testing import WorldTestCase

from .fixtures import build

D = datetime.date.fromisoformat
CUTOFF = D("2020-06-04")
COPY = {"code": "ln-2021-heating", "name": "2021年冬季取暖产品专项整治", "start": "2021-01-04", "end": "2021-03-31",
        "final_summary_due": "2021-03-25", "weekly_deadline_weekday": "4", "weekly_deadline_time": "10:00",
        "report_email": "heating@example.cn"}


def workbook_cells(region: str, campaign: str) -> list[tuple]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "book.xlsx"
        call_command("weekly_report", "--campaign", campaign, "--region", region, "--as-of", str(CUTOFF),
                     "--out", str(out), stdout=io.StringIO())
        book = openpyxl.load_workbook(out)
        return [(sheet.title, cell.coordinate, cell.value) for sheet in book.worksheets
                for row in sheet.iter_rows() for cell in row if cell.value is not None]


class TwoCampaignsTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.records = build(cls.users)
        cls.first = Campaign.objects.get(code="ln-2020-epidemic-supplies")
        # Shenyang's week, submitted on time: a report of the first campaign that must stay as it is
        city = cls.users["shenyang_office"]
        report = services.report_open(campaign=cls.first, unit=city.unit, day=CUTOFF, actor=city)
        with mock.patch("django.utils.timezone.now",
                        return_value=timezone.make_aware(datetime.datetime(2020, 6, 4, 10, 0))):
            services.report_submit(report=report, actor=city, narrative={"measures": "全面排查"}, filled_by="王芳",
                                   phone="024-12345678")

    def first_state(self) -> dict:
        return {
            "tables": services.snapshot_of(services.compute_tables(self.first, ReportScope(), CUTOFF)),
            "shenyang": services.snapshot_of(services.compute_tables(
                self.first, ReportScope(region_id=self.unit("210100-office").region_id), CUTOFF)),
            "workbook": workbook_cells("210100", self.first.code),
            "reports": sorted(WeeklyReport.objects.filter(campaign=self.first)
                              .values_list("pk", "unit_id", "cutoff", "status", "is_late", "submitted_at", "version")),
            "versions": sorted(ReportVersion.objects.filter(report__campaign=self.first)
                               .values_list("pk", "number", "integrity_code")),
        }

    def test_a_second_campaign_set_up_on_the_pages_runs_beside_the_first(self):
        before = self.first_state()
        self.assertEqual([r[3] for r in before["reports"]], ["submitted"])
        self.assertTrue(any(v not in (0, "0", None) for t in before["tables"].values() for r in t["rows"]
                            for v in r["values"]), "the first campaign's tables hold figures")

        # the provincial office copies the campaign on its page, adds a category, starts it
        self.login("province_office")
        response = self.client.post(reverse("reports:campaign_copy", args=[self.first.pk]), COPY)
        second = Campaign.objects.get(code=COPY["code"])
        self.assertRedirects(response, second.get_absolute_url(), fetch_redirect_response=False)
        self.assertFalse(second.is_active)
        response = self.client.post("/org/productcategory/add/", {
            "campaign": second.pk, "code": "heater", "name": "电暖器", "name_en": "Electric heater", "order": 99})
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        heater = ProductCategory.objects.get(campaign=second, code="heater")
        self.client.post(reverse("reports:campaign_state", args=[second.pk]),
                         {"action": "activate", "version": Campaign.objects.get(pk=second.pk).version})
        second.refresh_from_db()
        self.assertTrue(second.is_active)

        # the Shenyang office works in it and records a recall of its own category (its commerce bureau's)
        self.login("shenyang_office")
        self.client.post(reverse("accounts:choose_campaign"), {"campaign": second.pk})
        form = self.client.get(reverse("fieldwork:recall_add"))
        self.assertContains(form, ">电暖器</option>")
        enterprise = Enterprise.objects.filter(region__code="210100").first()
        response = self.client.post(reverse("fieldwork:recall_add"), {
            "unit": self.unit("210100-commerce").pk, "enterprise": enterprise.pk, "category": heater.pk,
            "product_name": "油汀电暖器", "batch_number": "HT-2021-01", "quantity": 120,
            "recalled_on": "2021-01-20", "reason": "温控失效"})
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        recalled = Recall.objects.get(batch_number="HT-2021-01")
        self.assertEqual((recalled.campaign, recalled.category), (second, heater))

        # its own table counts it in its own row
        layout = TableLayout.objects.get(campaign=second, code="annex1")
        table = services.compute_tables(second, ReportScope(), D("2021-01-21"))[layout.code]
        cells = {(category.code, cell.indicator.code): cell.value for category, cells in table.rows for cell in cells}
        self.assertEqual(cells[("heater", "a1_recalled")], 120)
        self.assertEqual(sum(v for (cat, code), v in cells.items() if code == "a1_recalled"), 120)

        # its own deadline, its own days of opening and reminding
        friday = deadline_for(second, D("2021-01-20"))
        self.assertEqual((friday.date().isoformat(), friday.strftime("%H:%M")), ("2021-01-22", "10:00"))
        self.assertTrue(reminds_on(second, D("2021-01-21")) and reminds_on(second, D("2021-01-22")))
        self.assertFalse(reminds_on(second, D("2021-01-20")))
        self.assertTrue(opens_week_on(second, D("2021-01-23")))  # the day after Friday's deadline
        self.assertFalse(opens_week_on(second, D("2021-01-22")))
        self.assertContains(self.client.get("/"), "每周五 10:00 前")

        # and the first campaign's tables, workbook and reports are what they were
        self.assertEqual(self.first_state(), before)
