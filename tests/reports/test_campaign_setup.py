"""A campaign set up by the provincial office on its own pages: copied from an earlier one with
everything its tables need, independent of its source, previewed on current records, started as a
step of its own; its deadline drives the scheduler's days, the reminders and the dashboard. A city
office reads it and may not set it up."""
from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rectify.core import clock
from rectify.core.audit.models import Event, ObjectChange
from rectify.core.clock import beijing_at
from rectify.core.current import acting_as
from rectify.core.models import Notification
from rectify.organisations.models import Campaign, CaseCategory, CityDeliverable, Deliverable, Phase, ProductCategory
from rectify.reports import services
from rectify.reports.engine import compute_table
from rectify.reports.models import Indicator, LayoutColumn, TableLayout, WeeklyReport
from rectify.reports.selectors import allowed_scope
from rectify.reports.services import CampaignValues
from rectify.reports.tasks import open_weekly_reports, remind_unsubmitted
from rectify.testing import WorldTestCase

from .fixtures import build

SOURCE = "ln-2020-epidemic-supplies"
D = datetime.date.fromisoformat
FRIDAY_TEN = dict(weekly_deadline_weekday=4, weekly_deadline_time=datetime.time(10, 0))


def heating(**changes) -> CampaignValues:
    """A second campaign: winter 2021, reports due Fridays at 10:00."""
    values = dict(code="ln-2021-heating", name="2021年冬季取暖产品专项整治", start=D("2021-01-04"), end=D("2021-03-31"),
                  final_summary_due=D("2021-03-25"), report_email="heating@example.cn", **FRIDAY_TEN)
    return CampaignValues(**{**values, **changes})


def form_data(**changes) -> dict:
    data = {"code": "ln-2021-heating", "name": "2021年冬季取暖产品专项整治", "start": "2021-01-04", "end": "2021-03-31",
            "final_summary_due": "2021-03-25", "weekly_deadline_weekday": "4", "weekly_deadline_time": "10:00",
            "report_email": "heating@example.cn"}
    return {**data, **changes}


def configuration(campaign: Campaign) -> dict:
    """Everything a campaign's tables are made of, by code, as plain values (to compare two campaigns
    or one campaign before and after)."""
    return {
        "phases": [(p.name, p.start, p.end, p.order, p.tasks) for p in campaign.phases.order_by("order")],
        "categories": [(c.code, c.name, c.order, c.is_raw_material, c.is_medical)
                       for c in ProductCategory.objects.filter(campaign=campaign).order_by("order")],
        "case_categories": [(c.code, c.name, c.order, c.line)
                            for c in CaseCategory.objects.filter(campaign=campaign).order_by("order")],
        "indicators": [(i.code, i.name, i.source, i.aggregate, i.field, i.date_field, i.category_field, i.filters,
                        i.scale, i.decimals, getattr(i.numerator, "code", None), getattr(i.denominator, "code", None))
                       for i in Indicator.objects.filter(campaign=campaign).order_by("code")],
        "layouts": [(t.code, t.label, t.title, t.row_header, t.header_fields, t.footer_fields, t.notes, t.rules,
                     [(c.order, c.group, c.header, c.indicator.code) for c in t.columns.order_by("order")])
                    for t in TableLayout.objects.filter(campaign=campaign).order_by("order")],
    }


class CopyServiceTests(WorldTestCase):
    def setUp(self):
        self.source = Campaign.objects.get(code=SOURCE)

    def test_everything_is_copied_and_the_copy_starts_inactive(self):
        before = configuration(self.source)
        with acting_as(self.users["province_office"]):  # as a request of the office's would
            copied = services.campaign_copy(source=self.source, values=heating(), actor=self.users["province_office"])
        new = copied.campaign
        self.assertEqual((new.code, new.is_active, new.weekly_deadline_weekday, new.weekly_deadline_time,
                          new.final_summary_due, new.report_email, new.region_id),
                         ("ln-2021-heating", False, 4, datetime.time(10, 0), D("2021-03-25"), "heating@example.cn",
                          self.source.region_id))
        mine = configuration(new)
        offset = D("2021-01-04") - self.source.start
        self.assertEqual(mine["phases"], [(n, s + offset, e + offset, o, t) for n, s, e, o, t in before["phases"]])
        for part in ("categories", "case_categories", "indicators", "layouts"):
            self.assertEqual(mine[part], before[part], part)
        self.assertGreater(len(mine["indicators"]), 20)
        self.assertEqual(copied.counts, {"phases": 3, "categories": 8, "case_categories": 6,
                                         "indicators": len(before["indicators"]), "layouts": 2,
                                         "columns": LayoutColumn.objects.filter(layout__campaign=self.source).count()})
        # every row of the copy is the copy's own: a ratio over the copies of its parts, columns over its indicators
        rate = Indicator.objects.get(campaign=new, code="a1_export_rate")
        self.assertEqual((rate.numerator.campaign_id, rate.denominator.campaign_id), (new.pk, new.pk))
        self.assertFalse(LayoutColumn.objects.filter(layout__campaign=new).exclude(indicator__campaign=new).exists())
        self.assertEqual(services.campaign_problems(new), [])
        # audited: each row's creation by the office user, and the copy as one event
        created = ObjectChange.objects.filter(action=ObjectChange.CREATE, user=self.users["province_office"])
        self.assertEqual(created.filter(content_type__model="indicator").count(), len(before["indicators"]))
        event = Event.objects.get(event="campaign.copy")
        self.assertEqual((event.object_id, event.detail["source"], event.detail["layouts"]),
                         (str(new.pk), self.source.name, 2))

    def test_editing_the_copy_leaves_the_original_unchanged(self):
        before = configuration(self.source)
        new = services.campaign_copy(source=self.source, values=heating(), actor=self.users["province_office"]).campaign
        indicator = Indicator.objects.get(campaign=new, code="a2_price_filed")
        indicator.filters = {"case_category__code": "quality"}
        indicator.name = "取暖产品价格立案"
        indicator.save()
        layout = TableLayout.objects.get(campaign=new, code="annex1")
        layout.rules = []
        layout.title = "取暖产品生产企业排查情况表"
        layout.save()
        layout.columns.order_by("-order").first().delete()
        ProductCategory.objects.filter(campaign=new, code="mask").update(name="电暖器")
        CaseCategory.objects.filter(campaign=new).delete()
        Phase.objects.filter(campaign=new).update(tasks="")
        self.assertEqual(configuration(self.source), before)

    def test_the_phases_deliverables_are_copied_with_a_row_for_each_city(self):
        source_rows = {(d.phase.name, d.name, d.due, d.kind) for d in Deliverable.objects.filter(
            phase__campaign=self.source)}
        self.assertTrue(source_rows)
        new = services.campaign_copy(source=self.source, values=heating(), actor=self.users["province_office"]).campaign
        offset = new.start - self.source.start
        copied = Deliverable.objects.filter(phase__campaign=new)
        self.assertEqual({(d.phase.name, d.name, d.due, d.kind) for d in copied},
                         {(phase, name, min(due + offset, new.end), kind) for phase, name, due, kind in source_rows})
        rows = CityDeliverable.objects.filter(deliverable__in=copied)
        self.assertEqual(rows.count(), 14 * copied.count())
        self.assertEqual(set(rows.values_list("status", "campaign")), {("open", new.pk)})
        # the source's rows are its own still
        self.assertFalse(CityDeliverable.objects.filter(deliverable__phase__campaign=self.source, campaign=new)
                         .exists())
        # the cities hear of them when the campaign starts, not while it is being set up
        shenyang = self.users["shenyang_office"]
        heard = Notification.objects.filter(user=shenyang)
        before = heard.count()
        services.campaign_activate(campaign=new, actor=self.users["province_office"])
        self.assertEqual(heard.count() - before, copied.count())

    def test_a_code_in_use_is_refused_and_nothing_is_created(self):
        counts = (Campaign.objects.count(), Indicator.objects.count(), Phase.objects.count())
        with self.assertRaises(ValidationError) as caught:
            services.campaign_copy(source=self.source, values=heating(code=SOURCE), actor=self.users["province_office"])
        self.assertIn("code", caught.exception.message_dict)
        self.assertIn("已被专项行动", caught.exception.message_dict["code"][0])
        self.assertEqual((Campaign.objects.count(), Indicator.objects.count(), Phase.objects.count()), counts)

    def test_dates_in_the_wrong_order_are_refused_on_their_field(self):
        with self.assertRaises(ValidationError) as caught:
            services.campaign_copy(source=self.source, values=heating(end=D("2020-12-31")),
                                   actor=self.users["province_office"])
        self.assertEqual(set(caught.exception.message_dict), {"end"})
        self.assertFalse(Campaign.objects.filter(code="ln-2021-heating").exists())

    def test_a_broken_row_of_the_source_stops_the_whole_copy(self):
        Indicator.objects.filter(campaign=self.source, code="a1_recalled").update(field="no_such_field")
        with self.assertRaises(ValidationError) as caught:
            services.campaign_copy(source=self.source, values=heating(), actor=self.users["province_office"])
        self.assertIn("召回产品数量", caught.exception.messages[0])
        self.assertFalse(Campaign.objects.filter(code="ln-2021-heating").exists())
        self.assertFalse(Indicator.objects.filter(name="召回产品数量").exclude(campaign=self.source).exists())

    def test_a_city_office_may_not_copy(self):
        for key in ("shenyang_office", "shenyang_samr", "province_samr"):
            with self.subTest(user=key), self.assertRaises(PermissionDenied):
                services.campaign_copy(source=self.source, values=heating(), actor=self.users[key])
        self.assertFalse(Campaign.objects.filter(code="ln-2021-heating").exists())

    def test_activation_is_a_step_refused_while_the_tables_cannot_be_computed(self):
        office = self.users["province_office"]
        new = services.campaign_copy(source=self.source, values=heating(), actor=office).campaign
        layout = TableLayout.objects.get(campaign=new, code="annex2")
        LayoutColumn.objects.filter(layout=layout).delete()
        Indicator.objects.filter(campaign=new, code="a1_recalled").update(date_field="recalled")
        with self.assertRaises(ValidationError) as caught:
            services.campaign_activate(campaign=new, actor=office)
        text = " ".join(caught.exception.messages)
        self.assertIn("附件2 防疫物资违法案件查处情况表”没有列", text)
        self.assertIn("召回产品数量", text)
        new.refresh_from_db()
        self.assertFalse(new.is_active)
        TableLayout.objects.filter(pk=layout.pk).delete()
        Indicator.objects.filter(campaign=new, code="a1_recalled").update(date_field="recalled_on")
        with self.assertRaises(PermissionDenied):
            services.campaign_activate(campaign=new, actor=self.users["shenyang_office"])
        services.campaign_activate(campaign=new, actor=office)
        self.assertTrue(Campaign.objects.get(pk=new.pk).is_active)
        self.assertTrue(Event.objects.filter(event="campaign.activate", object_id=str(new.pk)).exists())


class PageTests(WorldTestCase):
    def setUp(self):
        self.source = Campaign.objects.get(code=SOURCE)
        self.copy_url = f"/reports/campaign/{self.source.pk}/copy/"

    def test_the_province_copies_on_the_campaign_page_and_lands_on_the_copy(self):
        self.login("province_office")
        page = self.client.get(self.source.get_absolute_url())
        self.assertContains(page, self.copy_url)
        form = self.client.get(self.copy_url)
        self.assertContains(form, '<option value="3" selected>周四</option>', html=True)
        self.assertContains(form, 'value="14:00"')
        response = self.client.post(self.copy_url, form_data())
        new = Campaign.objects.get(code="ln-2021-heating")
        self.assertRedirects(response, new.get_absolute_url())
        self.assertEqual((new.weekly_deadline_weekday, new.weekly_deadline_time, new.is_active),
                         (4, datetime.time(10, 0), False))
        page = self.client.get(new.get_absolute_url())
        self.assertContains(page, "每周五 10:00 前")
        self.assertContains(page, "未启用")
        layout = TableLayout.objects.get(campaign=new, code="annex1")
        indicator = Indicator.objects.get(campaign=new, code="a1_inspected")
        phase = new.phases.order_by("order").first()
        for url in (f"/reports/tablelayout/{layout.pk}/edit/", f"/reports/tablelayout/{layout.pk}/preview/",
                    f"/reports/indicator/{indicator.pk}/edit/", f"/org/phase/{phase.pk}/edit/",
                    f"/reports/campaign/{new.pk}/state/"):
            self.assertContains(page, url)
        self.assertNotContains(page, "周报截止星期</dt><dd")  # the weekday reads as a day, never as its number
        self.assertContains(page, "周五")

    def test_bad_input_is_answered_on_its_field_and_changes_nothing(self):
        self.login("province_office")
        for changes, field in (({"code": SOURCE}, "已被专项行动"), ({"weekly_deadline_weekday": "7"}, "周报截止星期"),
                               ({"weekly_deadline_time": "25:00"}, "时:分"), ({"start": "2021-13-04"}, "年-月-日"),
                               ({"end": "2020-12-01"}, "结束日期不能早于开始日期")):
            with self.subTest(changes=changes):
                response = self.client.post(self.copy_url, form_data(**changes))
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, field, status_code=400)
        self.assertEqual(Campaign.objects.count(), 1)

    def test_a_city_office_reads_the_campaign_but_may_not_set_it_up(self):
        self.login("shenyang_office")
        page = self.client.get(self.source.get_absolute_url())
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, self.copy_url)
        self.assertNotContains(page, 'id="campaign-deactivate"')
        for url in (self.copy_url, "/org/campaign/add/", f"/org/campaign/{self.source.pk}/edit/",
                    "/reports/indicator/add/", "/org/phase/add/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 403)
                self.assertContains(response, "该类数据由省专项工作组办公室维护", status_code=403)
        self.assertEqual(self.client.post(self.copy_url, form_data()).status_code, 403)
        self.client.post(f"/reports/campaign/{self.source.pk}/state/", {"action": "deactivate"})
        self.assertEqual(Campaign.objects.count(), 1)
        self.assertTrue(Campaign.objects.get(pk=self.source.pk).is_active)

    def test_the_province_edits_the_copys_configuration_with_validation(self):
        office = self.users["province_office"]
        new = services.campaign_copy(source=self.source, values=heating(), actor=office).campaign
        indicator = Indicator.objects.get(campaign=new, code="a2_price_filed")
        self.login("province_office")
        data = {"campaign": new.pk, "code": indicator.code, "name": "价格违法类立案（取暖）",
                "source": indicator.source, "aggregate": indicator.aggregate, "field": indicator.field,
                "date_field": "filed_on",
                "category_field": indicator.category_field, "filters": '{"case_category__code": "pricing"}',
                "scale": "1", "decimals": "0", "region_field": "region", "line_field": "line",
                "version": indicator.version}
        refused = self.client.post(f"/reports/indicator/{indicator.pk}/edit/", data)
        self.assertContains(refused, "pricing", status_code=400)  # no such case category in the copy
        saved = self.client.post(f"/reports/indicator/{indicator.pk}/edit/",
                                 {**data, "filters": '{"case_category__code": "price"}'})
        self.assertRedirects(saved, indicator.get_absolute_url())
        page = self.client.get(indicator.get_absolute_url())
        self.assertContains(page, 'id="preview-panel"')  # after the save, the indicator computed on records
        self.assertEqual(Indicator.objects.get(campaign=self.source, code="a2_price_filed").name, "价格违法类立案")

    def test_a_layouts_rules_and_fields_are_edited_as_lines_and_checked(self):
        new = services.campaign_copy(source=self.source, values=heating(),
                                     actor=self.users["province_office"]).campaign
        layout = TableLayout.objects.get(campaign=new, code="annex1")
        edit = f"/reports/tablelayout/{layout.pk}/edit/"
        self.login("province_office")
        page = self.client.get(edit)
        self.assertContains(page, "a1_failed_review &lt;= a1_inspected")
        self.assertContains(page, "填报人\n电话\n数据截至时间")
        data = {"campaign": new.pk, "code": "annex1", "label": "附件1", "title": "取暖产品生产企业排查情况表",
                "row_header": "", "header_fields": "填报单位", "footer_fields": "填报人\n电话", "notes": "",
                "order": layout.order, "version": layout.version}
        for rules, reason in (("a1_failed_cert <= a1_inspected\n不合格多于排查", "第2行"),
                              ("a1_failed_cert <= a1_inspectd", "a1_inspectd")):
            with self.subTest(rules=rules):
                self.assertContains(self.client.post(edit, {**data, "rules": rules}), reason, status_code=400)
        saved = self.client.post(edit, {**data, "rules": "a1_failed_cert <= a1_inspected\n\n"})
        self.assertRedirects(saved, layout.get_absolute_url())
        layout.refresh_from_db()
        self.assertEqual((layout.rules, layout.header_fields, layout.footer_fields, layout.title),
                         ([{"kind": "lte", "left": "a1_failed_cert", "right": "a1_inspected"}], ["填报单位"],
                          ["填报人", "电话"], "取暖产品生产企业排查情况表"))
        self.assertEqual(len(TableLayout.objects.get(campaign=self.source, code="annex1").rules), 4)

    def test_the_edit_page_saves_the_deadline_but_does_not_start_the_campaign(self):
        new = services.campaign_copy(source=self.source, values=heating(),
                                     actor=self.users["province_office"]).campaign
        self.login("province_office")
        edit = f"/org/campaign/{new.pk}/edit/"
        self.assertContains(self.client.get(edit), '<option value="4" selected>周五</option>', html=True)
        data = {"code": new.code, "name": new.name, "region": new.region_id, "start": "2021-01-04",
                "end": "2021-03-31", "weekly_deadline_weekday": "2", "weekly_deadline_time": "09:30",
                "final_summary_due": "2021-03-25", "report_email": "", "version": new.version}
        refused = self.client.post(edit, {**data, "is_active": "on"})
        self.assertContains(refused, "启用或停用专项行动请使用", status_code=400)
        self.assertRedirects(self.client.post(edit, data), new.get_absolute_url())
        new.refresh_from_db()
        self.assertEqual((new.weekly_deadline_weekday, new.weekly_deadline_time, new.is_active),
                         (2, datetime.time(9, 30), False))
        self.assertContains(self.client.get(new.get_absolute_url()), "每周三 09:30 前")

    def test_starting_and_stopping_is_an_explicit_step_on_the_page(self):
        office = self.users["province_office"]
        new = services.campaign_copy(source=self.source, values=heating(), actor=office).campaign
        self.login("province_office")
        page = self.client.get(new.get_absolute_url())
        self.assertContains(page, 'id="campaign-activate"')
        response = self.client.post(f"/reports/campaign/{new.pk}/state/", {"action": "activate",
                                                                           "version": new.version})
        self.assertRedirects(response, new.get_absolute_url())
        self.assertTrue(Campaign.objects.get(pk=new.pk).is_active)
        self.client.post(f"/reports/campaign/{new.pk}/state/", {"action": "deactivate"})
        self.assertFalse(Campaign.objects.get(pk=new.pk).is_active)
        # the only campaign in progress is not stopped: the pages would have none to work in
        page = self.client.post(f"/reports/campaign/{self.source.pk}/state/", {"action": "deactivate"}, follow=True)
        self.assertContains(page, "唯一进行中的专项行动")
        self.assertTrue(Campaign.objects.get(pk=self.source.pk).is_active)


class PreviewTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.records = build(cls.users)
        cls.source = Campaign.objects.get(code=SOURCE)
        cls.new = services.campaign_copy(source=cls.source, values=heating(),
                                         actor=cls.users["province_office"]).campaign

    def _cells(self, table) -> dict:
        return {(category.code, cell.indicator.code): cell.value for category, cells in table.rows for cell in cells}

    def test_a_copy_of_annex1_shows_the_live_tables_figures_over_the_same_records(self):
        for key in ("province_office", "shenyang_office"):
            with self.subTest(user=key):
                user = self.users[key]
                scope = allowed_scope(user, None, None)
                preview = services.layout_preview(TableLayout.objects.get(campaign=self.new, code="annex1"),
                                                  scope=scope)
                cutoff = min(self.source.end, clock.today())
                self.assertEqual((preview.start, preview.cutoff, preview.period_of, preview.by_code),
                                 (self.source.start, cutoff, self.source, True))
                live = compute_table(TableLayout.objects.get(campaign=self.source, code="annex1"), scope=scope,
                                     cutoff=cutoff)
                self.assertEqual(self._cells(preview.table), self._cells(live))
                self.assertTrue(any(v not in (0, "") for v in self._cells(live).values()))
                self.assertEqual(preview.problems, [])

    def test_the_preview_page_shows_the_table_and_each_broken_indicator_in_words(self):
        layout = TableLayout.objects.get(campaign=self.new, code="annex2")
        Indicator.objects.filter(campaign=self.new, code="a2_total_fines").update(field="fines")
        self.login("province_office")
        page = self.client.get(f"/reports/tablelayout/{layout.pk}/preview/?cutoff=2020-06-04")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'id="preview-table"')
        self.assertContains(page, "2020-05-15 至 2020-06-04")
        self.assertContains(page, "按当前专项行动")
        text = page.content.decode()
        broken = text[text.index('data-indicator="a2_total_fines"'):]
        broken = broken[:broken.index("</li>")]
        self.assertIn("汇总字段", broken)
        self.assertIn("fines", broken)
        self.assertEqual(text.count("list-group-item-danger"), 1)
        # the layout's own page previews it too (what an edit lands on after saving)
        detail = self.client.get(layout.get_absolute_url())
        self.assertContains(detail, 'id="preview-panel"')
        self.assertContains(detail, 'data-indicator="a2_total_fines"')

    def test_an_indicators_preview_names_its_tables(self):
        indicator = Indicator.objects.get(campaign=self.new, code="a1_export_rate")
        self.login("shenyang_office")
        page = self.client.get(f"/reports/indicator/{indicator.pk}/preview/")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'id="preview-used-in"')
        self.assertContains(page, "附件1")
        self.assertContains(page, 'data-indicator="a1_export_batches"')  # a ratio's parts are checked too

    def test_bad_dates_fall_back_to_the_default_period_with_a_word(self):
        layout = TableLayout.objects.get(campaign=self.new, code="annex1")
        self.login("province_office")
        page = self.client.get(f"/reports/tablelayout/{layout.pk}/preview/?start=2020-06-10&cutoff=2020-06-01")
        self.assertContains(page, "统计起始日期晚于截至日期")
        page = self.client.get(f"/reports/tablelayout/{layout.pk}/preview/?cutoff=06/04/2020")
        self.assertContains(page, "年-月-日")


class ScheduleTests(WorldTestCase):
    """A Friday-10:00 campaign opens its weeks on Saturday (and Tuesday as a catch-up) and reminds on
    Thursday and Friday morning; the 2020 campaign keeps its Thursday deadline beside it."""

    def setUp(self):
        self.office = self.users["province_office"]
        source = Campaign.objects.get(code=SOURCE)
        self.heating = services.campaign_copy(source=source, values=heating(), actor=self.office).campaign

    def test_the_days_follow_the_campaigns_own_deadline(self):
        c = self.heating
        opening = [d for d in (D("2021-01-04") + datetime.timedelta(days=n) for n in range(14))
                   if services.opens_week_on(c, d)]
        # its first day (a Monday), then Saturdays and the Tuesdays after them (a catch-up opens nothing twice)
        self.assertEqual(opening, [D("2021-01-04"), D("2021-01-05"), D("2021-01-09"), D("2021-01-12"), D("2021-01-16")])
        self.assertFalse(services.opens_week_on(c, D("2021-04-03")))  # after its end
        reminding = [d for d in (D("2021-01-04") + datetime.timedelta(days=n) for n in range(14))
                     if services.reminds_on(c, d)]
        self.assertEqual(reminding, [D("2021-01-07"), D("2021-01-08"), D("2021-01-14"), D("2021-01-15")])
        friday = D("2021-01-08")
        self.assertTrue(services.reminds_on(c, friday, beijing_at(friday, datetime.time(8, 30))))
        self.assertFalse(services.reminds_on(c, friday, beijing_at(friday, datetime.time(10, 30))))
        thursday_campaign = Campaign.objects.get(code=SOURCE)
        self.assertEqual([d for d in (D("2020-06-01") + datetime.timedelta(days=n) for n in range(7))
                          if services.opens_week_on(thursday_campaign, d)], [D("2020-06-01"), D("2020-06-05")])

    def test_the_daily_tasks_open_and_remind_each_campaign_on_its_days(self):
        services.campaign_activate(campaign=self.heating, actor=self.office)
        self.assertEqual(open_weekly_reports("2021-01-08"), 0)  # a Friday: the deadline's day, nothing opens
        opened = open_weekly_reports("2021-01-09")
        self.assertEqual(opened, WeeklyReport.objects.filter(campaign=self.heating).count())
        self.assertGreater(opened, 14)
        report = WeeklyReport.objects.get(campaign=self.heating, unit__code="210100-office")
        self.assertEqual((report.cutoff, timezone.localtime(report.deadline)),
                         (D("2021-01-15"), beijing_at(D("2021-01-15"), datetime.time(10, 0))))
        self.assertEqual(remind_unsubmitted("2021-01-13"), 0)  # Wednesday: two days before
        self.assertGreater(remind_unsubmitted("2021-01-14"), 0)
        # (the city's other notices: the heating campaign's deliverables, announced when it started)
        notice = Notification.objects.filter(user=self.users["shenyang_office"], title__startswith="周报提醒").get()
        self.assertEqual(notice.title, "周报提醒：请于2021-01-15 10:00前报送")
        self.assertIn("2021年冬季取暖产品专项整治", notice.body)
        self.assertIn("每周五 10:00 前", notice.body)
        # the 2020 campaign beside it still opens on its own days (its Friday, not the heating's Saturday)
        self.assertEqual(WeeklyReport.objects.filter(campaign__code=SOURCE).count(), 0)
        self.assertGreater(open_weekly_reports("2020-06-05"), 0)
        self.assertFalse(WeeklyReport.objects.filter(campaign=self.heating, cutoff=D("2020-06-11")).exists())


class DashboardTests(WorldTestCase):
    def test_the_dashboard_says_the_campaigns_deadline(self):
        self.login("shenyang_office")
        page = self.client.get("/")
        self.assertContains(page, '<div id="weekly-deadline">每周四 14:00 前</div>', html=True)
        Campaign.objects.filter(code=SOURCE).update(**FRIDAY_TEN)
        page = self.client.get("/")
        self.assertContains(page, '<div id="weekly-deadline">每周五 10:00 前</div>', html=True)
        self.assertNotContains(page, "每周四")
