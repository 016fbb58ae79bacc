"""Several campaigns at once: each record belongs to a campaign; a user works in one at a time,
chosen in the top bar and kept on the account; lists, choices, counts, tables, the API and the
commands follow it; an ended campaign stays readable and takes no new records."""
from __future__ import annotations

import datetime
import io
import tempfile
from pathlib import Path

import openpyxl
from django.core.management import CommandError, call_command
from django.urls import reverse

from rectify.core.current import working_in_campaign
from rectify.core.generic.builders import current_choices
from rectify.fieldwork.models import Inspection, Recall, Sample
from rectify.organisations.models import Campaign, ProductCategory, Region
from rectify.reports.engine import ReportScope, compute_table
from rectify.reports.models import TableLayout
from rectify.testing import WorldTestCase
from tests.fieldwork.factories import inspection, recall, sample

D = datetime.date
HEATING = "ln-2021-heating"


class CampaignContextTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.first = Campaign.objects.get(code="ln-2020-epidemic-supplies")
        cls.old_recall = recall()  # written before the second campaign exists: the first's
        cls.second = Campaign.objects.create(
            code=HEATING, name="2021年取暖产品专项整治", region=Region.objects.get(code="210000"),
            start=D(2020, 10, 1), end=D(2021, 3, 31), final_summary_due=D(2021, 3, 25), is_active=True,
            weekly_deadline_weekday=4, weekly_deadline_time=datetime.time(10, 0))
        cls.heater = ProductCategory.objects.create(campaign=cls.second, code="heater", name="电暖器", order=1)

    def listed(self, url: str, *recalls: Recall) -> set[int]:
        """Which of `recalls` the list page shows (read from the page: a list's rows are queried
        while the request runs, in its user's campaign)."""
        page = self.client.get(url).content.decode()
        return {r.pk for r in recalls if r.product_name in page}

    def choose(self, key: str, campaign: Campaign, follow: bool = False):
        return self.client.post(reverse("accounts:choose_campaign"), {"campaign": campaign.pk, "next": "/"},
                                follow=follow)

    def test_each_record_belongs_to_the_campaign_its_writer_works_in(self):
        self.assertEqual(self.old_recall.campaign, self.first)
        self.assertEqual(Campaign.current(), self.second)  # nobody chose: the active one that started last
        self.assertEqual(recall().campaign, self.second)
        with working_in_campaign(self.first.pk):
            self.assertEqual(inspection().campaign, self.first)
            self.assertEqual(Campaign.current(), self.first)

    def test_the_chooser_keeps_the_choice_on_the_account_and_the_lists_follow_it(self):
        user = self.login("shenyang_office")
        newer = recall()
        response = self.choose("shenyang_office", self.first, follow=True)
        self.assertContains(response, "已切换到专项行动“辽宁省防疫物资")
        user.refresh_from_db()
        self.assertEqual(user.working_campaign, self.first)
        self.assertEqual(self.listed(reverse("fieldwork:recall_list"), self.old_recall, newer), {self.old_recall.pk})
        # a new session of the same user: still the first campaign
        self.client.logout()
        self.login("shenyang_office")
        self.assertEqual(self.listed(reverse("fieldwork:recall_list"), self.old_recall, newer), {self.old_recall.pk})
        self.assertContains(self.client.get("/"), f'<option value="{self.first.pk}" selected>')
        self.choose("shenyang_office", self.second)
        self.assertEqual(self.listed(reverse("fieldwork:recall_list"), self.old_recall, newer), {newer.pk})
        # the record of the other campaign still opens by its link
        self.assertEqual(self.client.get(self.old_recall.get_absolute_url()).status_code, 200)

    def test_an_unknown_campaign_is_refused_and_changes_nothing(self):
        user = self.login("shenyang_office")
        for value in ("999999", "abc", "", "-1"):
            response = self.client.post(reverse("accounts:choose_campaign"), {"campaign": value}, follow=True)
            self.assertContains(response, "没有这个专项行动")
        user.refresh_from_db()
        self.assertIsNone(user.working_campaign)
        # a hostile "next" does not lead off the site
        response = self.client.post(reverse("accounts:choose_campaign"),
                                    {"campaign": self.first.pk, "next": "https://evil.example/"})
        self.assertEqual(response["Location"], "/")

    def test_choices_follow_each_users_own_campaign_in_the_same_process(self):
        self.login("shenyang_samr")
        self.choose("shenyang_samr", self.first)
        # the form's choices are rendered while the request runs, in the user's campaign
        form = self.client.get(reverse("fieldwork:recall_add"))
        self.assertContains(form, ">口罩</option>")
        self.assertNotContains(form, "电暖器")
        self.login("dalian_samr")
        self.choose("dalian_samr", self.second)
        form = self.client.get(reverse("fieldwork:recall_add"))
        self.assertContains(form, ">电暖器</option>")
        self.assertNotContains(form, ">口罩</option>")

    def test_a_record_offered_as_a_choice_is_one_of_the_current_campaign_or_already_held(self):
        with working_in_campaign(self.first.pk):
            old = sample()
        new = sample()
        with working_in_campaign(self.first.pk):
            self.assertEqual(list(current_choices(Sample.objects.all())), [old])
        self.assertEqual(list(current_choices(Sample.objects.all())), [new])
        self.assertEqual(set(current_choices(Sample.objects.all(), held=[old.pk])), {old, new})

    def test_an_ended_campaign_is_read_but_takes_no_new_records(self):
        self.login("shenyang_office")
        self.choose("shenyang_office", self.first)
        add = f'href="{reverse("fieldwork:recall_add")}"'
        self.assertContains(self.client.get(reverse("fieldwork:recall_list")), add)  # in progress: 新增
        Campaign.objects.filter(pk=self.first.pk).update(is_active=False)
        page = self.client.get(reverse("fieldwork:recall_list"))
        self.assertContains(page, "（已结束）")
        self.assertContains(page, 'id="campaign-closed"')
        self.assertNotContains(page, add)  # ended: no 新增
        self.assertIn(self.old_recall.product_name, page.content.decode())
        before = Recall.objects.count()
        data = {"unit": self.old_recall.unit_id, "enterprise": self.old_recall.enterprise_id,
                "category": self.old_recall.category_id, "product_name": "补录口罩", "batch_number": "RB-late",
                "quantity": 10, "recalled_on": "2020-06-10", "reason": "抽检不合格"}
        response = self.client.post(reverse("fieldwork:recall_add"), data)
        self.assertEqual(response.status_code, 400)  # the form again, with the reason
        self.assertContains(response, "不在进行中（已结束或尚未启动），不能再新增记录", status_code=400)
        self.assertEqual(Recall.objects.count(), before)

    def test_the_dashboard_counts_the_campaigns_records(self):
        recall()
        self.login("shenyang_office")
        self.choose("shenyang_office", self.first)
        counts = {config.model: n for config, n in self.client.get("/").context["counts"]}
        self.assertEqual(counts[Recall], 1)
        self.choose("shenyang_office", self.second)
        counts = {config.model: n for config, n in self.client.get("/").context["counts"]}
        self.assertEqual(counts[Recall], 1)
        self.assertEqual(counts[Inspection], 0)

    def test_the_api_lists_the_users_campaign_or_the_one_asked_for(self):
        newer = recall()
        api = self.api("province_office")
        ids = {row["id"] for row in api.get("/api/fieldwork/recall/").json()["results"]}
        self.assertEqual(ids, {newer.pk})
        ids = {row["id"] for row in api.get(f"/api/fieldwork/recall/?campaign={self.first.pk}").json()["results"]}
        self.assertEqual(ids, {self.old_recall.pk})
        for bad in ("999999", "x"):
            response = api.get(f"/api/fieldwork/recall/?campaign={bad}")
            self.assertEqual(response.status_code, 400)
            self.assertIn("专项行动", response.json()["campaign"][0])
        self.assertEqual(api.get(f"/api/fieldwork/recall/{self.old_recall.pk}/").status_code, 200)
        self.assertEqual(api.get(f"/api/fieldwork/recall/{self.old_recall.pk}/").json()["campaign"], self.first.pk)
        # the user's choice holds for the API too
        user = self.users["province_office"]
        user.working_campaign = self.first
        user.save(update_fields=["working_campaign"])
        ids = {row["id"] for row in self.api("province_office").get("/api/fieldwork/recall/").json()["results"]}
        self.assertEqual(ids, {self.old_recall.pk})
        # a campaign filter on a model that has none is refused as unknown
        self.assertEqual(api.get("/api/enterprises/enterprise/?campaign=1").status_code, 400)

    def test_a_table_counts_its_own_campaigns_records_only(self):
        layout = TableLayout.objects.get(campaign=self.first, code="annex1")

        def recalled() -> int:
            table = compute_table(layout, scope=ReportScope(), cutoff=D(2020, 6, 30))
            return sum(cell.value for _cat, cells in table.rows for cell in cells
                       if cell.indicator.code == "a1_recalled")

        self.assertEqual(recalled(), 500)
        stray = recall()  # the second campaign's, though it names the first's category
        self.assertEqual((stray.campaign, stray.category.campaign), (self.second, self.first))
        self.assertEqual(recalled(), 500)

    def test_the_weekly_report_command_takes_the_campaign(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "t.xlsx"
            call_command("weekly_report", "--campaign", self.first.code, "--region", "210100", "--as-of",
                         "2020-06-04", "--out", str(out), stdout=io.StringIO())
            book = openpyxl.load_workbook(out)
            self.assertIn("召回产品数量", "".join(str(c.value) for row in book.worksheets[0].iter_rows()
                                                 for c in row if c.value))
        with self.assertRaises(CommandError) as caught:
            call_command("weekly_report", "--campaign", "ln-1999", "--region", "210100", "--as-of", "2020-06-04",
                         "--out", "/dev/null", stdout=io.StringIO())
        self.assertIn(HEATING, str(caught.exception))
