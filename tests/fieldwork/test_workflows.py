"""Field work's workflows through the API's step actions (core/workflow/api.py): a sample's result,
notice, objection within 15 days and retest; a disposal's steps and the flow trace that tells the
cities downstream; a covert visit's feedback and its verification by the province. And a sale to a
buyer in another city, recorded by the seller's city."""
from __future__ import annotations

import datetime

from rectify.accounts.models import Role, User
from rectify.core import clock
from rectify.core.audit.events import events_for
from rectify.core.models import Notification
from rectify.core.workflow.desk import desk_for
from rectify.fieldwork import services
from rectify.fieldwork.models import CovertVisit, Disposal, LedgerEntry, Sample
from rectify.fieldwork.selectors import trace_batch
from rectify.organisations.models import Region
from rectify.testing import WorldTestCase
from tests.enterprises.files import code

from . import factories as f

API = "/api/fieldwork"


def days_ago(n: int) -> datetime.date:
    return clock.today() - datetime.timedelta(days=n)


class StepClient(WorldTestCase):
    def step(self, who: str, model: str, pk: int, name: str, data: dict | None = None, status: int = 200) -> dict:
        response = self.api(who).post(f"{API}/{model}/{pk}/{name}/", data or {}, format="json")
        self.assertEqual(response.status_code, status, response.content.decode())
        return response.json()

    def steps(self, who: str, model: str, pk: int) -> tuple[dict, dict, dict]:
        """The state read, the allowed steps and the refused ones with their reasons."""
        response = self.api(who).get(f"{API}/{model}/{pk}/steps/")
        self.assertEqual(response.status_code, 200, response.content.decode())
        body = response.json()
        return (body, {s["name"]: s for s in body["steps"] if s["allowed"]},
                {s["name"]: s["reason"] for s in body["steps"] if not s["allowed"]})

    def sample(self, batch: str, result: str = "pending", **fields) -> Sample:
        clerk = self.users["shenyang_samr"]
        extra = {"failing_items": "细菌过滤效率"} if result == "nonconforming" else {}
        return services.sample_record(unit=clerk.unit, enterprise=fields.pop("enterprise", None) or f.enterprise(),
                                      category=f.category(), product_name="一次性使用医用口罩", batch_number=batch,
                                      sampled_on=days_ago(30), result=result, actor=clerk, **extra, **fields)


class SampleWorkflowTests(StepClient):
    def test_result_notice_objection_and_retest(self):
        sample = self.sample("S1")
        read, allowed, refused = self.steps("shenyang_samr", "sample", sample.pk)
        self.assertEqual((read["state"], read["state_label"]), ("pending", "待出检验结论"))
        self.assertEqual(set(allowed), {"conforming", "nonconforming"})
        self.assertIn("须为“不合格待告知”才能告知不合格结论", refused["notify"])
        self.assertIn("须为“已告知不合格结论”才能登记异议", refused["object"])
        self.assertEqual(allowed["nonconforming"]["required"], ["failing_items"])

        # Out of scope: 404; seen but not the user's to write: 403 with the reason.
        self.step("dalian_samr", "sample", sample.pk, "nonconforming", {"failing_items": "x"}, status=404)
        refusal = self.step("shenyang_leader", "sample", sample.pk, "nonconforming", {"failing_items": "x"}, status=403)
        self.assertIn("您的角色没有此操作的权限", refusal["detail"])
        missing = self.step("shenyang_samr", "sample", sample.pk, "nonconforming", {}, status=400)
        self.assertIn("failing_items", missing)
        self.assertEqual(Sample.objects.get(pk=sample.pk).result, "pending", "a refusal writes nothing")

        done = self.step("shenyang_samr", "sample", sample.pk, "nonconforming",
                         {"failing_items": "细菌过滤效率", "report_number": "JY-2020-07"})
        self.assertEqual((done["state"], done["state_label"]), ("nonconforming", "不合格待告知"))
        sample.refresh_from_db()
        self.assertEqual((sample.result, sample.final_result, sample.report_number),
                         ("nonconforming", "nonconforming", "JY-2020-07"))
        self.assertTrue(Disposal.objects.filter(sample=sample).exists(), "a nonconforming result starts a disposal")
        again = self.step("shenyang_samr", "sample", sample.pk, "conforming", status=409)
        self.assertEqual(again["state"], "nonconforming")
        early = self.step("shenyang_samr", "sample", sample.pk, "object",
                          {"objection_filed_on": days_ago(1).isoformat()}, status=409)
        self.assertEqual(early["state"], "nonconforming")

        notified = self.step("shenyang_samr", "sample", sample.pk, "notify", {"notified_on": days_ago(3).isoformat()})
        self.assertEqual(notified["state"], "notified")
        # The objection window is on the unit's desk, due 15 days after the notice.
        item = next(i for i in desk_for(self.users["shenyang_samr"]).items if i.obj == sample)
        self.assertEqual((item.step.name, item.due), ("object", days_ago(3) + datetime.timedelta(days=15)))
        missing = self.step("shenyang_samr", "sample", sample.pk, "object", {}, status=400)
        self.assertIn("objection_filed_on", missing)
        before = self.step("shenyang_samr", "sample", sample.pk, "object",
                           {"objection_filed_on": days_ago(4).isoformat()}, status=400)
        self.assertIn("异议日期不能早于告知日期", str(before))
        objected = self.step("shenyang_samr", "sample", sample.pk, "object",
                             {"objection_filed_on": days_ago(1).isoformat()})
        self.assertEqual(objected["state"], "objected")

        retested = self.step("shenyang_samr", "sample", sample.pk, "retest",
                             {"retest_result": "conforming", "retested_on": clock.today().isoformat(),
                              "retest_report_number": "FJ-1"})
        self.assertEqual((retested["state"], retested["state_label"]), ("retested", "已复检"))
        sample.refresh_from_db()
        self.assertEqual((sample.retest_result, sample.final_result), ("conforming", "conforming"))
        self.assertFalse(Disposal.objects.filter(sample=sample).exists(), "the retest clears the batch")
        self.assertEqual([e.event for e in events_for(sample) if e.event.startswith("sample.")],
                         ["sample.retest", "sample.objection", "sample.notify", "sample.result", "sample.record"])
        _read, allowed, refused = self.steps("shenyang_samr", "sample", sample.pk)
        self.assertEqual(allowed, {})
        self.assertIn("不能再登记复检结果", refused["retest"])

    def test_an_objection_after_fifteen_days_is_refused_and_the_result_stands(self):
        late = self.sample("S2", "nonconforming", notified_on=days_ago(16))
        _read, allowed, refused = self.steps("shenyang_samr", "sample", late.pk)
        self.assertNotIn("object", allowed)
        self.assertTrue(refused["object"].startswith("已超过异议期限"), refused["object"])
        answer = self.step("shenyang_samr", "sample", late.pk, "object",
                           {"objection_filed_on": days_ago(1).isoformat()}, status=409)
        self.assertIn("已超过异议期限", answer["detail"])
        self.assertEqual(answer["state"], "notified")
        late.refresh_from_db()
        self.assertIsNone(late.objection_filed_on)
        self.assertEqual(late.final_result, "nonconforming")
        self.assertFalse(any(i.obj == late for i in desk_for(self.users["shenyang_samr"]).items),
                         "a closed window leaves the desk")
        # Day 15 is still in time.
        last_day = self.sample("S3", "nonconforming", notified_on=days_ago(15))
        self.step("shenyang_samr", "sample", last_day.pk, "object", {"objection_filed_on": clock.today().isoformat()})

    def test_a_conforming_result_is_final_and_the_notice_cannot_be_moved_by_an_edit(self):
        sample = self.sample("S4")
        done = self.step("shenyang_samr", "sample", sample.pk, "conforming", {"report_number": "JY-8"})
        self.assertEqual(done["state"], "conforming")
        refused = self.step("shenyang_samr", "sample", sample.pk, "object",
                            {"objection_filed_on": days_ago(1).isoformat()}, status=409)
        self.assertIn("不能再登记异议", refused["detail"])
        notified = self.sample("S5", "nonconforming", notified_on=days_ago(20))
        api, url = self.api("shenyang_samr"), f"{API}/sample/{notified.pk}/"
        response = api.patch(url, {"notified_on": days_ago(2).isoformat()}, format="json",
                             HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(response.status_code, 400, "the window cannot be reopened by editing the notice's date")
        self.assertIn("notified_on", response.json())
        self.assertEqual(Sample.objects.get(pk=notified.pk).notified_on, days_ago(20))


class DisposalWorkflowTests(StepClient):
    def test_the_dated_steps_and_the_recall(self):
        sample = services.sample_result(sample=self.sample("D1"), result="nonconforming", failing_items="过滤效率",
                                        actor=self.users["shenyang_samr"])
        disposal = Disposal.objects.get(sample=sample)
        read, allowed, refused = self.steps("shenyang_samr", "disposal", disposal.pk)
        self.assertEqual(read["state"], "open")
        self.assertLessEqual({"cause_analysis", "recall_ordered", "flow_traced", "case_opened", "exposed"},
                             set(allowed))
        self.assertIn("须为“召回中”", refused["recall_returned"])
        self.assertEqual(refused["notify_downstream"], "请先登记流向排查。")

        self.step("dalian_samr", "disposal", disposal.pk, "recall_ordered", {"quantity": 10}, status=404)
        refusal = self.step("shenyang_leader", "disposal", disposal.pk, "recall_ordered", {"quantity": 10}, status=403)
        self.assertIn("您的角色没有此操作的权限", refusal["detail"])
        early = self.step("shenyang_samr", "disposal", disposal.pk, "recall_returned", {"quantity": 10}, status=409)
        self.assertEqual(early["state"], "open")
        self.assertIn("quantity", self.step("shenyang_samr", "disposal", disposal.pk, "recall_ordered", {}, status=400))
        ordered = self.step("shenyang_samr", "disposal", disposal.pk, "recall_ordered",
                            {"quantity": 1000, "on": days_ago(5).isoformat()})
        self.assertEqual((ordered["state"], ordered["state_label"]), ("recalling", "召回中"))
        self.step("shenyang_samr", "disposal", disposal.pk, "recall_returned", {"quantity": 1200}, status=400)
        self.assertIsNone(Disposal.objects.get(pk=disposal.pk).quantity_returned, "more returned than ordered")
        self.step("shenyang_samr", "disposal", disposal.pk, "recall_returned",
                  {"quantity": 800, "on": days_ago(1).isoformat()})
        disposal.refresh_from_db()
        self.assertEqual((str(disposal.recall_effectiveness), disposal.recall_completed_on), ("80.0", days_ago(1)))

        analysed = self.step("shenyang_samr", "disposal", disposal.pk, "cause_analysis", {"text": "熔喷布原料不合格"})
        self.assertEqual(analysed["state"], "recalled", "a follow-up step leaves the state as it is")
        twice = self.step("shenyang_samr", "disposal", disposal.pk, "cause_analysis", {"text": "再次"}, status=409)
        self.assertIn("已登记原因分析", twice["detail"])
        self.assertEqual(Disposal.objects.get(pk=disposal.pk).cause_analysis, "熔喷布原料不合格")
        self.assertIn("case_number", self.step("shenyang_samr", "disposal", disposal.pk, "case_opened", {}, status=400))
        self.step("shenyang_samr", "disposal", disposal.pk, "case_opened", {"case_number": "沈市监立〔2020〕31号"})
        self.assertEqual([e.event for e in events_for(disposal)][:4],
                         ["disposal.case_opened", "disposal.cause_analysis", "disposal.recall_returned",
                          "disposal.recall_ordered"])


class DownstreamNoticeTests(StepClient):
    """A failed batch sold on from Shenyang to Dalian and from there to Anshan: the flow trace tells
    the market-regulation bureau and the office of each city it reached, once, and they can open
    the disposal and the trace, without owning either."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.anshan = User.objects.create_user(username="t_anshan_samr", password="x",
                                              unit=cls.unit("210300-samr"), full_name="鞍山录入员")
        cls.anshan.roles.set([Role.objects.get(code="clerk")])

    def sale(self, seller, buyer, quantity: int, batch: str = "FX1") -> None:
        LedgerEntry.objects.create(unit=self.unit("210100-samr"), seller=seller, buyer=buyer, product_name="口罩",
                                   batch_number=batch, quantity=quantity, traded_on=days_ago(20))

    def told(self, user) -> list[Notification]:
        return list(Notification.objects.filter(user=user, key__startswith="trace:"))

    def test_the_trace_tells_the_downstream_cities_once_and_shares_the_disposal(self):
        maker = f.enterprise("210100", name="沈阳甲防护用品有限公司")
        dalian_shop, dalian_pharmacy = f.enterprise("210200", name="大连乙医药有限公司"), f.enterprise("210200")
        shenyang_shop, anshan_shop = f.enterprise("210100"), f.enterprise("210300", name="鞍山丙大药房")
        self.sale(maker, dalian_shop, 600)
        self.sale(dalian_shop, dalian_pharmacy, 200)
        self.sale(maker, shenyang_shop, 100)
        self.sale(maker, f.enterprise("210200"), 999, batch="OTHER")  # another batch: not traced
        disposal = Disposal.objects.get(sample=self.sample("FX1", "nonconforming", enterprise=maker))
        url = f"{API}/disposal/{disposal.pk}/"
        self.assertEqual(self.api("dalian_samr").get(url).status_code, 404, "not Dalian's before the trace")

        done = self.step("shenyang_samr", "disposal", disposal.pk, "flow_traced", {"text": "经台账追溯流入大连"})
        self.assertEqual(done["state"], "open")
        disposal.refresh_from_db()
        self.assertEqual({u.code for u in disposal.downstream_units.all()}, {"210200-samr", "210200-office"})
        for key in ("dalian_samr", "dalian_office"):
            notices = self.told(self.users[key])
            self.assertEqual(len(notices), 1, key)
            self.assertEqual(notices[0].url, disposal.get_absolute_url())
            self.assertIn("批号FX1", notices[0].title)
            self.assertIn("大连乙医药有限公司（600）", notices[0].body)
        for key in ("customs_dl", "shenyang_office", "shenyang_samr", "shenyang_police"):
            self.assertEqual(self.told(self.users[key]), [], f"{key}: not a downstream city's market regulator")

        # Dalian reads the disposal, its trace and its notice's link; the disposal stays Shenyang's.
        dalian = self.api("dalian_samr")
        response = dalian.get(url)
        self.assertEqual(response.status_code, 200)
        patch = dalian.patch(url, {"exposure_notes": "x"}, format="json", HTTP_IF_MATCH=response["ETag"])
        self.assertEqual(patch.status_code, 403)
        refused = self.step("dalian_samr", "disposal", disposal.pk, "exposed", {"text": "x"}, status=403)
        self.assertIn("只能查看", refused["detail"])
        self.login("dalian_samr")
        self.assertEqual(self.client.get(disposal.get_absolute_url()).status_code, 200)
        trace = self.client.get("/fieldwork/trace/", {"enterprise": maker.pk, "batch": "FX1"})
        self.assertContains(trace, "大连乙医药有限公司")
        self.assertEqual(self.client.get("/fieldwork/trace/", {"enterprise": maker.pk, "batch": "OTHER"}).status_code,
                         404, "only the batch shared with Dalian")
        self.assertFalse(Disposal.objects.restrict(self.users["dalian_samr"], "change").filter(pk=disposal.pk).exists())

        # A ledger imported later reaches Anshan: telling again reaches Anshan only, each user once.
        self.sale(dalian_pharmacy, anshan_shop, 50)
        self.step("shenyang_samr", "disposal", disposal.pk, "notify_downstream")
        self.assertEqual(len(self.told(self.anshan)), 1)
        self.assertIn("鞍山丙大药房（50）", self.told(self.anshan)[0].body)
        self.assertEqual(len(self.told(self.users["dalian_samr"])), 1, "once per disposal and user")
        self.assertTrue(Disposal.objects.restrict(self.anshan).filter(pk=disposal.pk).exists())


    def test_a_trace_dated_on_the_edit_page_tells_them_too(self):
        maker = f.enterprise("210100")
        self.sale(maker, f.enterprise("210200"), 40, batch="FX2")
        disposal = Disposal.objects.get(sample=self.sample("FX2", "nonconforming", enterprise=maker))
        api, url = self.api("shenyang_samr"), f"{API}/disposal/{disposal.pk}/"
        response = api.patch(url, {"flow_traced_on": days_ago(1).isoformat()}, format="json",
                             HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(response.status_code, 200, response.content.decode())
        self.assertEqual(len(self.told(self.users["dalian_office"])), 1)
        self.assertTrue(Disposal.objects.restrict(self.users["dalian_office"]).filter(pk=disposal.pk).exists())


class SamplePageTests(StepClient):
    def test_the_record_page_offers_the_declared_steps_instead_of_the_old_buttons(self):
        sample = self.sample("P1", "nonconforming")
        self.login("shenyang_samr")
        page = self.client.get(sample.get_absolute_url())
        self.assertContains(page, f"/fieldwork/sample/{sample.pk}/step/notify/")
        self.assertContains(page, "须为“已告知不合格结论”才能登记异议")
        for gone in ("objection", "retest"):
            self.assertNotContains(page, f"/fieldwork/sample/{sample.pk}/{gone}/")
            self.assertEqual(self.client.get(f"/fieldwork/sample/{sample.pk}/{gone}/").status_code, 404)
        response = self.client.post(f"/fieldwork/sample/{sample.pk}/step/notify/",
                                    {"notified_on": days_ago(2).isoformat()})
        self.assertRedirects(response, sample.get_absolute_url(), fetch_redirect_response=False)
        page = self.client.get(sample.get_absolute_url())
        self.assertContains(page, f"/fieldwork/sample/{sample.pk}/step/object/")
        self.assertContains(page, 'id="workflow-story"')
        self.assertContains(page, "<strong>告知不合格结论</strong>", msg_prefix="the story of the steps taken")


class CovertVisitWorkflowTests(StepClient):
    def setUp(self):
        self.visit = CovertVisit.objects.create(unit=self.unit("210000-office"),
                                                visited_city=Region.objects.get(code="210100"),
                                                start_date=days_ago(10), end_date=days_ago(9), team="省专项办暗访组",
                                                findings="药店销售三无口罩", requirements="三日内下架并立案",
                                                response_due=days_ago(-5))

    def test_the_city_answers_and_the_province_verifies_or_returns(self):
        pk = self.visit.pk
        read, allowed, refused = self.steps("shenyang_office", "covertvisit", pk)
        self.assertEqual((read["state"], set(allowed)), ("open", {"respond"}))
        self.assertEqual(refused["verify"], "仅省专项工作组办公室可以核查销号。")
        for key in ("shenyang_samr", "dalian_office"):
            self.step(key, "covertvisit", pk, "respond", {"response": "x"}, status=404)
        refusal = self.step("shenyang_leader", "covertvisit", pk, "respond", {"response": "x"}, status=403)
        self.assertIn("您的角色不能反馈整改情况", refusal["detail"])
        early = self.step("province_office", "covertvisit", pk, "verify", status=409)
        self.assertEqual(early["state"], "open")
        self.assertIn("response", self.step("shenyang_office", "covertvisit", pk, "respond", {}, status=400))

        answered = self.step("shenyang_office", "covertvisit", pk, "respond", {"response": "已下架并立案查处"})
        self.assertEqual((answered["state"], answered["state_label"]), ("responded", "已反馈待核查"))
        province = self.users["province_office"]
        self.assertTrue(Notification.objects.filter(user=province, title__contains="待核查销号").exists(),
                        "the province is told its step is open")
        refused = self.step("shenyang_office", "covertvisit", pk, "verify", status=403)
        self.assertEqual(refused["detail"], "仅省专项工作组办公室可以核查销号。")
        self.assertIn("reason", self.step("province_office", "covertvisit", pk, "return", {}, status=400))
        returned = self.step("province_office", "covertvisit", pk, "return", {"reason": "未附立案文书"})
        self.assertEqual(returned["state"], "open")
        city = self.users["shenyang_office"]
        notice = Notification.objects.filter(user=city, title__contains="待反馈整改情况").latest("pk")
        self.assertIn("未附立案文书", notice.body)
        self.visit.refresh_from_db()
        self.assertEqual((self.visit.response, self.visit.responded_on), ("已下架并立案查处", None))

        self.step("shenyang_office", "covertvisit", pk, "respond", {"response": "已下架，立案文书见附件"})
        verified = self.step("province_office", "covertvisit", pk, "verify", {"note": "整改到位"})
        self.assertEqual((verified["state"], verified["state_label"]), ("verified", "已核查销号"))
        self.visit.refresh_from_db()
        self.assertEqual((self.visit.verified_on, self.visit.response), (clock.today(), "已下架，立案文书见附件"))
        self.assertIn("整改到位", self.visit.follow_up)
        self.assertTrue(Notification.objects.filter(user=city, title__startswith="核查销号").exists(),
                        "the city is told the outcome")
        _read, allowed, refused = self.steps("shenyang_office", "covertvisit", pk)
        self.assertEqual(allowed, {})
        self.assertIn("不能再反馈整改情况", refused["respond"])
        self.assertEqual([e.event for e in events_for(self.visit)][:4],
                         ["covert_visit.verify", "covert_visit.respond", "covert_visit.return",
                          "covert_visit.respond"])

    def test_the_visited_city_reads_the_visit_and_writes_only_its_step(self):
        api, url = self.api("shenyang_office"), f"{API}/covertvisit/{self.visit.pk}/"
        response = api.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(api.patch(url, {"findings": "无问题"}, format="json",
                                   HTTP_IF_MATCH=response["ETag"]).status_code, 403)
        self.login("shenyang_office")
        page = self.client.get(self.visit.get_absolute_url())
        self.assertContains(page, f"/fieldwork/covertvisit/{self.visit.pk}/step/respond/")
        self.assertNotContains(page, f"/fieldwork/covertvisit/{self.visit.pk}/respond/",
                               msg_prefix="the old per-app page is gone")
        self.assertEqual(self.client.get(f"/fieldwork/covertvisit/{self.visit.pk}/respond/").status_code, 404)


class CrossCitySaleTests(WorldTestCase):
    """A Shenyang clerk records a sale to a Dalian buyer, which Shenyang's users do not see in the
    registry: named by its credit code or exact name, found in the whole registry; the entry stays
    Shenyang's (its unit, placed in the seller's city)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.seller = f.enterprise("210100", name="沈阳甲口罩有限公司")
        cls.buyer = f.enterprise("210200", name="大连乙医药有限公司")
        cls.buyer.credit_code = code(77, "210200")
        cls.buyer.save()

    def form(self, **over) -> dict:
        return {"unit": self.users["shenyang_samr"].unit.pk, "seller": self.seller.pk, "buyer": "", "buyer_name": "",
                "buyer_key": "", "product_name": "医用口罩", "category": f.category().pk, "batch_number": "K7",
                "quantity": 300, "traded_on": "2020-05-21", **over}

    def test_the_page_takes_a_buyer_in_another_city_by_credit_code(self):
        self.login("shenyang_samr")
        listed = self.client.post("/fieldwork/ledgerentry/add/", self.form(buyer=self.buyer.pk))
        self.assertEqual(listed.status_code, 400, "the buyer list offers the enterprises the clerk sees")
        self.assertIn("buyer", listed.context["form"].errors)
        unknown = self.client.post("/fieldwork/ledgerentry/add/", self.form(buyer_key="91210200XXXXXXXXXX"))
        self.assertEqual(unknown.status_code, 400)
        self.assertIn("buyer_key", unknown.context["form"].errors)
        self.assertFalse(LedgerEntry.objects.exists())

        response = self.client.post("/fieldwork/ledgerentry/add/", self.form(buyer_key=self.buyer.credit_code.lower()))
        self.assertEqual(response.status_code, 302, response.content[:2000])
        entry = LedgerEntry.objects.get()
        self.assertEqual((entry.buyer, entry.unit.code, entry.region.code), (self.buyer, "210100-samr", "210100"))
        self.assertFalse(LedgerEntry.objects.restrict(self.users["dalian_samr"]).filter(pk=entry.pk).exists())
        # Its edit page keeps the buyer selectable, and saving keeps it.
        page = self.client.get(f"/fieldwork/ledgerentry/{entry.pk}/edit/")
        self.assertContains(page, "大连乙医药有限公司")
        data = self.form(buyer=self.buyer.pk, quantity=320, version=entry.version)
        self.assertEqual(self.client.post(f"/fieldwork/ledgerentry/{entry.pk}/edit/", data).status_code, 302)
        entry.refresh_from_db()
        self.assertEqual((entry.buyer, entry.quantity), (self.buyer, 320))

    def test_the_api_takes_a_buyer_in_another_city_by_name(self):
        api = self.api("shenyang_samr")
        body = {k: v for k, v in self.form().items() if v != ""}
        refused = api.post(f"{API}/ledgerentry/", {**body, "buyer": self.buyer.pk}, format="json")
        self.assertEqual(refused.status_code, 400, refused.content.decode())
        self.assertIn("buyer", refused.json())
        created = api.post(f"{API}/ledgerentry/", {**body, "buyer_key": "大连乙医药有限公司"}, format="json")
        self.assertEqual(created.status_code, 201, created.content.decode())
        entry = LedgerEntry.objects.get(pk=created.json()["id"])
        self.assertEqual((entry.buyer, entry.unit.code, entry.region.code), (self.buyer, "210100-samr", "210100"))
        missing = api.post(f"{API}/ledgerentry/", {**body, "buyer_key": "不存在的公司"}, format="json")
        self.assertEqual(missing.status_code, 400)
        self.assertIn("buyer_key", missing.json())
        # The sale is an edge of the batch's trace: it follows the batch into Dalian.
        trace = trace_batch(enterprise_id=self.seller.pk, batch_number="K7", user=self.users["shenyang_samr"])
        self.assertEqual([(h.name, h.region_name, h.received) for h in trace.holders],
                         [("大连乙医药有限公司", "大连市", 300)])
