"""The phases' deliverables: the 2020 campaign's four by 05-25, a row per city office; the city office
reports its own done with evidence, the provincial office confirms it or returns it with a reason;
another city neither sees nor changes it; the figures the records show beside each status; the
work desk's 阶段任务 panel for a city and for the province."""
from __future__ import annotations

import datetime

from django.urls import reverse

from rectify.core import clock
from rectify.core.audit.events import events_for
from rectify.core.models import Notification
from rectify.core.workflow.desk import desk_for
from rectify.core.workflow.engine import RecordNotFound, StepRefused
from rectify.enforcement import services as enforcement
from rectify.enterprises.models import Enterprise
from rectify.fieldwork.models import PublicityReport
from rectify.organisations import services
from rectify.organisations.evidence import figures
from rectify.organisations.models import Campaign, CityDeliverable, Deliverable, Phase, Region
from rectify.organisations.selectors import deliverables_panel
from rectify.prices.models import Notice
from rectify.testing import WorldTestCase
from tests.organisations.factories import past_campaign

CODE = "ln-2020-epidemic-supplies"
API = "/api/organisations/citydeliverable/"
D = datetime.date


def campaign() -> Campaign:
    return Campaign.objects.get(code=CODE)


def row(name: str, city: str = "210100") -> CityDeliverable:
    return CityDeliverable.objects.get(deliverable__name=name, region__code=city)


class ReferenceDataTests(WorldTestCase):
    def test_the_2020_campaign_has_four_deliverables_by_05_25_each_opened_for_the_fourteen_city_offices(self):
        deliverables = Deliverable.objects.filter(phase__campaign=campaign()).order_by("order")
        self.assertEqual([(d.name, d.kind, d.due, d.phase.name) for d in deliverables], [
            ("集中宣传报道", "publicity", D(2020, 5, 25), "准备阶段"),
            ("公布投诉举报渠道", "complaint_channel", D(2020, 5, 25), "准备阶段"),
            ("建立生产企业清单", "producer_list", D(2020, 5, 25), "准备阶段"),
            ("建立出口企业清单", "exporter_list", D(2020, 5, 25), "准备阶段"),
        ])
        for deliverable in deliverables:
            rows = deliverable.city_rows.select_related("unit", "region")
            self.assertEqual(rows.count(), 14)
            self.assertEqual({r.region.level for r in rows}, {"city"})
            self.assertTrue(all(r.unit.is_office and r.unit.region_id == r.region_id for r in rows))
            self.assertEqual({(r.status, r.due, r.line, r.county_id) for r in rows},
                             {("open", D(2020, 5, 25), "market", None)})

    def test_a_deliverable_made_on_its_page_is_opened_for_every_city_and_its_due_date_moves_their_rows(self):
        self.login("sysadmin")
        phase = campaign().phases.get(name="实施阶段")
        response = self.client.post("/org/deliverable/add/", {
            "phase": phase.pk, "name": "开展集中约谈", "description": "", "due": "2020-06-10", "order": 1,
            "kind": "other"})
        self.assertEqual(response.status_code, 302)
        made = Deliverable.objects.get(name="开展集中约谈")
        self.assertEqual(made.city_rows.count(), 14)
        for key, city in (("shenyang_office", "沈阳市"), ("dalian_office", "大连市")):
            self.assertTrue(Notification.objects.filter(user=self.users[key],
                                                        title=f"待报告完成：开展集中约谈（{city}）").exists(), key)
        self.assertFalse(Notification.objects.filter(user=self.users["shenyang_samr"]).exists(),
                         "the office's, not its member units'")
        early = self.client.post("/org/deliverable/add/", {
            "phase": phase.pk, "name": "提前", "due": "2020-05-20", "order": 2, "kind": "other"})
        self.assertEqual(early.status_code, 400)
        self.assertIn("不能早于阶段开始日期", early.context["form"].errors["due"][0])
        self.assertFalse(Deliverable.objects.filter(name="提前").exists())

        edit = self.client.post(f"/org/deliverable/{made.pk}/edit/", {
            "phase": phase.pk, "name": "开展集中约谈", "description": "", "due": "2020-06-12", "order": 1,
            "kind": "other", "version": made.version})
        self.assertEqual(edit.status_code, 302)
        self.assertEqual(set(made.city_rows.values_list("due", flat=True)), {D(2020, 6, 12)})

    def test_a_deliverable_a_city_has_started_on_is_not_deleted(self):
        target = row("建立出口企业清单", "210200")
        services.city_deliverable_start(row=target, actor=self.users["dalian_office"])
        self.login("sysadmin")
        response = self.client.post(f"/org/deliverable/{target.deliverable_id}/delete/", {"reason": "重复"},
                                    follow=True)
        self.assertContains(response, "大连市等市已办理该阶段任务，不能删除")
        api = self.api("sysadmin").delete(f"/api/organisations/deliverable/{target.deliverable_id}/?reason=重复")
        self.assertEqual(api.status_code, 400, api.content[:300])
        self.assertEqual(CityDeliverable.objects.filter(deliverable_id=target.deliverable_id).count(), 14)


class WorkflowTests(WorldTestCase):
    def setUp(self):
        self.row = row("建立生产企业清单")

    def report(self, key: str = "shenyang_office", **data):
        return self.api_step(key, self.row, "report", {"evidence_note": "清单已建立，共列入企业两家", **data})

    def test_the_city_office_reports_its_deliverable_done_and_the_province_confirms_it(self):
        office = self.users["shenyang_office"]
        self.assertIn(self.row, [i.obj for i in desk_for(office).items], "an open deliverable is on the city's desk")
        item = next(i for i in desk_for(office).items if i.obj == self.row)
        self.assertEqual((item.step.name, item.due), ("report", D(2020, 5, 25)))
        self.assertTrue(item.overdue)

        started = self.api_step("shenyang_office", self.row, "start")
        self.assertEqual(started.status_code, 200, started.content[:300])
        self.assertEqual(started.json()["state"], "in_progress")

        missing = self.api_step("shenyang_office", self.row, "report", {})
        self.assertEqual(missing.status_code, 400)
        self.assertIn("evidence_note", missing.json())
        future = self.report(completed_on=(clock.today() + datetime.timedelta(days=1)).isoformat())
        self.assertEqual(future.status_code, 400)
        self.assertIn("completed_on", future.json())
        before = self.report(completed_on="2020-05-01")
        self.assertEqual(before.status_code, 400)
        self.assertIn("不能早于阶段开始日期", before.json()["completed_on"][0])
        bad_link = self.report(evidence_link="不是网址")
        self.assertEqual(bad_link.status_code, 400)
        self.row.refresh_from_db()
        self.assertEqual((self.row.status, self.row.completed_on, self.row.version), ("in_progress", None, 2))

        done = self.report(completed_on="2020-05-24", evidence_link="https://example.gov.cn/list")
        self.assertEqual(done.status_code, 200, done.content[:300])
        self.row.refresh_from_db()
        self.assertEqual((self.row.status, self.row.completed_on, self.row.reported_by), ("reported", D(2020, 5, 24),
                                                                                        office))
        self.assertEqual(self.row.evidence_link, "https://example.gov.cn/list")
        self.assertFalse(self.row.is_overdue())
        self.assertNotIn(self.row, [i.obj for i in desk_for(office).items], "a reported deliverable leaves it")
        province = self.users["province_office"]
        self.assertTrue(Notification.objects.filter(user=province, title__contains="待确认完成").exists())
        self.assertIn(self.row, [i.obj for i in desk_for(province).items])

        confirmed = self.api_step("province_office", self.row, "confirm", {})
        self.assertEqual(confirmed.status_code, 200, confirmed.content[:300])
        self.row.refresh_from_db()
        self.assertEqual((self.row.status, self.row.confirmed_on, self.row.confirmed_by),
                         ("done", clock.today(), province))
        self.assertTrue(Notification.objects.filter(user=office, title__startswith="确认完成").exists(),
                        "the city is told")
        self.assertEqual([e.event for e in events_for(self.row)][:3],
                         ["deliverable.confirm", "deliverable.report", "deliverable.start"])

    def test_the_province_returns_a_report_with_its_reason_and_the_city_reports_again(self):
        self.assertEqual(self.report().status_code, 200)
        refused = self.api_step("province_office", self.row, "return", {})
        self.assertEqual(refused.status_code, 400)
        self.assertIn("reason", refused.json())
        returned = self.api_step("province_office", self.row, "return", {"reason": "清单缺少熔喷布生产企业"})
        self.assertEqual(returned.status_code, 200, returned.content[:300])
        self.row.refresh_from_db()
        self.assertEqual((self.row.status, self.row.return_reason, self.row.completed_on),
                         ("in_progress", "清单缺少熔喷布生产企业", None))
        self.assertEqual(self.row.evidence_note, "清单已建立，共列入企业两家", "kept for the city to amend")
        office = self.users["shenyang_office"]
        notice = Notification.objects.filter(user=office, title__contains="待报告完成").latest("pk")
        self.assertIn("清单缺少熔喷布生产企业", notice.body)
        item = next(i for i in desk_for(office).items if i.obj == self.row)
        self.assertEqual(item.note, "清单缺少熔喷布生产企业", "the desk says why it came back")

        self.assertEqual(self.report(evidence_note="已补充熔喷布生产企业三家").status_code, 200)
        self.row.refresh_from_db()
        self.assertEqual((self.row.status, self.row.return_reason), ("reported", ""))

    def test_who_may_take_each_step(self):
        # a member unit of the city sees the row but does not report for its office
        state, steps = self.api_steps("shenyang_samr", self.row)
        self.assertEqual(state, "open")
        self.assertIn("仅沈阳市专项工作组办公室（承办单位）可以报告完成", steps["report"]["reason"])
        self.assertEqual(self.report("shenyang_samr").status_code, 403)
        self.assertEqual(self.report("province_office").status_code, 403, "the province does not report for a city")
        self.assertEqual(self.report("shenyang_leader").status_code, 403)
        # confirming an open deliverable is a conflict; a city confirms nothing
        self.assertEqual(self.api_step("province_office", self.row, "confirm").status_code, 409)
        self.assertEqual(self.report().status_code, 200)
        self.assertEqual(self.api_step("shenyang_office", self.row, "confirm").status_code, 403)
        self.assertEqual(self.api_step("province_samr", self.row, "confirm").status_code, 403)
        self.assertEqual(self.report().status_code, 409, "reported once; the province decides")

    def test_another_city_neither_sees_nor_changes_the_row(self):
        for key in ("dalian_office", "dalian_samr", "customs_dl", "heping_samr"):
            with self.subTest(user=key):
                self.assertEqual(self.report(key).status_code, 404)
                self.assertEqual(self.api(key).get(f"{API}{self.row.pk}/").status_code, 404)
                self.login(key)
                self.assertEqual(self.client.get(self.row.get_absolute_url()).status_code, 404)
                self.assertEqual(self.client.get(reverse("organisations:citydeliverable_step",
                                                         args=[self.row.pk, "report"])).status_code, 404)
        with self.assertRaises(RecordNotFound):
            services.city_deliverable_report(row=self.row, actor=self.users["dalian_office"], evidence_note="越权")
        with self.assertRaises(StepRefused):
            services.city_deliverable_report(row=self.row, actor=self.users["shenyang_samr"], evidence_note="代报")
        listed = self.api("dalian_office").get(API, {"page_size": 100}).json()["results"]
        self.assertEqual({r["region"] for r in listed}, {Region.objects.get(code="210200").pk})
        self.row.refresh_from_db()
        self.assertEqual((self.row.status, self.row.version), ("open", 1))

    def test_the_api_lists_a_citys_rows_with_their_state_and_the_step_actions(self):
        rows = self.api("shenyang_office").get(API, {"page_size": 100}).json()["results"]
        self.assertEqual(len(rows), 4)
        self.assertEqual({r["status"] for r in rows}, {"open"})
        self.assertEqual(self.api("province_office").get(API, {"page_size": 100}).json()["count"], 56)
        state, steps = self.api_steps("shenyang_office", self.row)
        self.assertEqual((state, steps["report"]["allowed"], steps["confirm"]["allowed"]), ("open", True, False))
        created = self.api("shenyang_office").post(API, {"deliverable": self.row.deliverable_id}, format="json")
        self.assertIn(created.status_code, (403, 405), "rows are made with their deliverable, never posted")

    def test_a_list_shows_the_rows_of_the_campaign_the_user_works_in(self):
        past = past_campaign()
        phase = Phase.objects.create(campaign=past, name="准备阶段", start=past.start, end=past.end)
        earlier = Deliverable.objects.create(phase=phase, name="建立生产企业清单", due=past.end, order=1)
        services.deliverable_open_for_cities(deliverable=earlier)
        self.assertEqual(set(earlier.city_rows.values_list("campaign", flat=True)), {past.pk},
                         "the deliverable's campaign, not the writer's")
        api = self.api("province_office")
        self.assertEqual(api.get(API).json()["count"], 56)
        self.assertEqual(api.get(API, {"campaign": past.pk}).json()["count"], 14)
        self.assertEqual(len(deliverables_panel(self.users["province_office"], campaign()).columns), 4)


class EvidenceTests(WorldTestCase):
    def test_the_records_figures_are_counted_per_city_and_open_on_the_rows_counted(self):
        shenyang, dalian = Region.objects.get(code="210100"), Region.objects.get(code="210200")
        kept = Enterprise.objects.create(name="沈阳甲口罩有限公司", region=shenyang, is_producer=True)
        Enterprise.objects.create(name="沈阳乙防护服有限公司", region=shenyang, is_producer=True, is_exporter=True)
        Enterprise.objects.create(name="沈阳乙防护服（重复）", region=shenyang, is_producer=True, merged_into=kept)
        Enterprise.objects.create(name="沈阳丙贸易有限公司", region=shenyang)
        Enterprise.objects.create(name="大连丁口罩有限公司", region=dalian, is_producer=True)
        samr, office = self.unit("210100-samr"), self.unit("210100-office")
        for day in (D(2020, 5, 18), D(2020, 5, 20), D(2019, 5, 20)):
            PublicityReport.objects.create(unit=samr, published_on=day, channel="gov_site", title=f"宣传{day}",
                                           link="https://example.gov.cn/a")
        Notice.objects.create(unit=office, kind="channel", title="沈阳市投诉举报电话", body="12345", published=True,
                              published_on=D(2020, 5, 18))
        Notice.objects.create(unit=office, kind="channel", title="草稿：举报邮箱", body="待发布")
        Notice.objects.create(unit=office, kind="notice", title="专项整治通告", body="通告", published=True,
                              published_on=D(2020, 5, 18))
        enforcement.complaint_receive(unit=samr, actor=self.users["shenyang_samr"], number="C-EV-1",
                                      received_on=D(2020, 5, 21), content="口罩价格过高")

        rows = list(CityDeliverable.objects.filter(region__in=[shenyang, dalian]).select_related("deliverable"))
        counted = figures(rows)
        shown = {(r.deliverable.kind, r.region_id): [(f.label, f.value, f.measure) for f in counted[r.pk]]
                 for r in rows}
        self.assertEqual(shown["producer_list", shenyang.pk], [("列入生产企业清单的企业", 2, "家")])
        self.assertEqual(shown["producer_list", dalian.pk], [("列入生产企业清单的企业", 1, "家")])
        self.assertEqual(shown["exporter_list", shenyang.pk], [("列入出口企业清单的企业", 1, "家")])
        self.assertEqual(shown["publicity", shenyang.pk], [("行动期间的宣传报道", 2, "篇")])
        self.assertEqual(shown["complaint_channel", shenyang.pk],
                         [("公开发布的举报渠道", 1, "条"), ("行动期间登记的投诉举报", 1, "件")])
        self.assertEqual(shown["complaint_channel", dalian.pk],
                         [("公开发布的举报渠道", 0, "条"), ("行动期间登记的投诉举报", 0, "件")])

        self.login("shenyang_office")
        producers = next(r for r in rows if r.deliverable.kind == "producer_list" and r.region_id == shenyang.pk)
        link = counted[producers.pk][0].url
        listed = self.client.get(link)
        self.assertEqual({e.name for e in listed.context["table"].data},
                         {"沈阳甲口罩有限公司", "沈阳乙防护服有限公司", "沈阳乙防护服（重复）"},
                         "the list of the city's listed producers (a merged duplicate is listed, not counted)")
        channel = next(r for r in rows if r.deliverable.kind == "complaint_channel" and r.region_id == shenyang.pk)
        listed = self.client.get(counted[channel.pk][0].url)
        self.assertEqual([n.title for n in listed.context["table"].data], ["沈阳市投诉举报电话"])
        publicity = next(r for r in rows if r.deliverable.kind == "publicity" and r.region_id == shenyang.pk)
        listed = self.client.get(counted[publicity.pk][0].url)
        self.assertEqual(len(listed.context["table"].data), 2, "the campaign's publicity, not last year's")

        page = self.client.get(producers.get_absolute_url())
        self.assertContains(page, "列入生产企业清单的企业：<strong>2</strong> 家", html=False)

    def test_the_report_keeps_the_figures_as_they_stood_and_nothing_is_marked_done_by_them(self):
        Enterprise.objects.create(name="沈阳甲口罩有限公司", region=Region.objects.get(code="210100"), is_producer=True)
        target = row("建立生产企业清单")
        self.assertEqual(target.status, "open", "a listed producer does not finish the deliverable by itself")
        services.city_deliverable_report(row=target, actor=self.users["shenyang_office"], evidence_note="已建立")
        event = events_for(target).get(event="deliverable.report")
        self.assertEqual(event.detail["figures"], "列入生产企业清单的企业：1 家")
        self.assertTrue(event.detail["late"])
        self.login("shenyang_office")
        history = self.client.get(f"/org/citydeliverable/{target.pk}/history/")
        self.assertContains(history, "报告时的佐证数据")
        self.assertContains(history, "列入生产企业清单的企业：1 家")


class DeskPanelTests(WorldTestCase):
    def test_a_city_office_sees_its_citys_deliverables_overdue_marked_with_a_report_button(self):
        services.city_deliverable_report(row=row("集中宣传报道"), actor=self.users["shenyang_office"],
                                         evidence_note="已集中宣传", completed_on=D(2020, 5, 20))
        self.login("shenyang_office")
        page = self.client.get(reverse("home"))
        panel = page.context["deliverables"]
        self.assertTrue(panel.one_city)
        self.assertEqual([c.row.deliverable.name for c in panel.items],
                         ["集中宣传报道", "公布投诉举报渠道", "建立生产企业清单", "建立出口企业清单"])
        self.assertEqual([c.overdue for c in panel.items], [False, True, True, True])
        html = page.content.decode()
        self.assertIn('id="deliverables-panel"', html)
        self.assertLess(html.index('id="work-desk"'), html.index('id="deliverables-panel"'))
        self.assertIn("3 项逾期", html)
        self.assertIn("已报完成待确认", html)
        report_url = reverse("organisations:citydeliverable_step", args=[row("建立出口企业清单").pk, "report"])
        self.assertIn(report_url, html)
        self.assertNotIn(reverse("organisations:citydeliverable_step", args=[row("集中宣传报道").pk, "report"]), html)
        self.assertNotIn("大连市", panel.cities[0].name)

    def test_a_member_unit_of_the_city_reads_the_panel_without_report_buttons(self):
        self.login("shenyang_samr")
        page = self.client.get(reverse("home"))
        self.assertEqual(len(page.context["deliverables"].items), 4)
        self.assertNotContains(page, "deliverable-report")

    def test_the_province_sees_the_fourteen_cities_grid(self):
        services.city_deliverable_report(row=row("建立生产企业清单", "210200"), actor=self.users["dalian_office"],
                                         evidence_note="已建立", completed_on=D(2020, 5, 22))
        self.login("province_office")
        page = self.client.get(reverse("home"))
        panel = page.context["deliverables"]
        self.assertFalse(panel.one_city)
        self.assertEqual(len(panel.grid), 14)
        self.assertEqual(len(panel.columns), 4)
        self.assertEqual([city.name for city, _ in panel.grid][:2], ["沈阳市", "大连市"])
        producers = next(c for c in panel.columns if c.deliverable.name == "建立生产企业清单")
        self.assertEqual((producers.reported, producers.overdue), (1, 13))
        self.assertContains(page, "deliverables-grid")
        self.assertContains(page, "1 项待确认")
        self.assertContains(page, "0 / 14", count=4)

    def test_a_unit_covering_several_cities_sees_their_grid_and_a_county_unit_no_panel(self):
        panel = deliverables_panel(self.users["customs_dl"], campaign())
        self.assertEqual([c.code for c in panel.cities], ["210200", "210600", "210700", "210800", "211100", "211400"])
        self.assertIsNone(deliverables_panel(self.users["heping_samr"], campaign()))
        self.login("heping_samr")
        self.assertNotContains(self.client.get(reverse("home")), 'id="deliverables-panel"')

    def test_the_panel_shows_the_phase_of_the_day_and_the_unfinished_ones_of_earlier_phases(self):
        implementation = Phase.objects.get(campaign=campaign(), name="实施阶段")
        later = Deliverable.objects.create(phase=implementation, name="开展集中约谈", due=D(2020, 6, 20), order=1)
        services.deliverable_open_for_cities(deliverable=later)
        office = self.users["shenyang_office"]
        during_preparation = deliverables_panel(office, campaign(), today=D(2020, 5, 20))
        self.assertEqual(during_preparation.phase.order, 1)
        self.assertEqual(len(during_preparation.columns), 4, "the next phase's is not shown yet")
        self.assertFalse(any(c.overdue for c in during_preparation.items))
        during_implementation = deliverables_panel(office, campaign(), today=D(2020, 6, 1))
        self.assertEqual([c.deliverable.name for c in during_implementation.columns][-1], "开展集中约谈")
        self.assertEqual(len(during_implementation.columns), 5, "the preparation's unfinished ones stay, overdue")
        province = self.users["province_office"]
        for name in ("集中宣传报道", "公布投诉举报渠道", "建立生产企业清单", "建立出口企业清单"):
            target = services.city_deliverable_report(row=row(name), actor=office, evidence_note="已完成",
                                                      completed_on=D(2020, 5, 24))
            services.city_deliverable_confirm(row=target, actor=province)
        finished = deliverables_panel(office, campaign(), today=D(2020, 6, 1))
        self.assertEqual([c.deliverable.name for c in finished.columns], ["开展集中约谈"])
        self.assertEqual(len(deliverables_panel(province, campaign(), today=D(2020, 6, 1)).columns), 5,
                         "the province still sees the cities that have not finished")

    def test_no_campaign_or_no_unit_no_panel(self):
        self.assertIsNone(deliverables_panel(self.users["shenyang_office"], None))
        self.login("sysadmin")  # the provincial office's system administrator reads no business records
        self.assertIsNone(self.client.get(reverse("home")).context["deliverables"])
