"""The business rules of field work, through the services and pages."""
from __future__ import annotations

import datetime
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from openpyxl import Workbook

from rectify.core import clock
from rectify.core.audit.models import Event
from rectify.enforcement.models import Problem
from rectify.fieldwork import services
from rectify.fieldwork.models import (
    CovertVisit,
    Disposal,
    ExportCheck,
    Inspection,
    InspectionOutcome,
    LedgerEntry,
    Recall,
    Sample,
)
from rectify.fieldwork.selectors import trace_batch
from rectify.organisations.models import Region
from rectify.testing import WorldTestCase

from . import factories as f


class InspectionRuleTests(WorldTestCase):
    def test_at_least_two_inspectors(self):
        actor = self.users["shenyang_samr"]
        unit = actor.unit
        with self.assertRaisesMessage(ValidationError, "至少两名执法人员"):
            services.inspection_record(unit=unit, enterprise=f.enterprise(), date=f.D(2020, 5, 20),
                                       inspectors=f.officers(unit, 1),
                                       outcomes={f.category(): "passed"}, actor=actor)
        team = f.officers(unit)
        with self.assertRaisesMessage(ValidationError, "出动人次不能少于"):
            services.inspection_record(unit=unit, enterprise=f.enterprise(), date=f.D(2020, 5, 20), inspectors=team,
                                       outcomes={f.category(): "passed"}, staff_dispatched=1, actor=actor)
        self.assertFalse(Inspection.objects.exists())

    def test_county_inspector_records_a_failed_category_and_the_problem(self):
        actor = self.login("heping_samr")
        unit = actor.unit
        partner = f.officers(unit, 1)[0]
        ent = f.enterprise("210100", county="210102")
        response = self.client.post("/fieldwork/inspection/add/", {
            "unit": unit.pk, "enterprise": ent.pk, "date": "2020-05-27", "inspectors": [actor.pk, partner.pk],
            "staff_dispatched": 2, "check_licence": "on", "check_labels": "on", "outcome_mask": "failed_certification",
            "outcome_meltblown": "passed", "problem_description": "口罩无CE认证却标注CE",
            "problem_requirement": "停止销售",
            "problem_deadline": "2020-06-05"})
        self.assertEqual(response.status_code, 302, response.content[:2000])
        inspection = Inspection.objects.get()
        self.assertEqual(inspection.county.code, "210102")
        failed = inspection.outcomes.get(category__code="mask")
        self.assertEqual(failed.outcome, "failed_certification")
        self.assertEqual((failed.enterprise_id, failed.date, failed.county_id),
                         (ent.pk, inspection.date, inspection.county_id))
        problem = Problem.objects.get()
        self.assertEqual(problem.source_object, inspection)
        self.assertEqual(problem.deadline, f.D(2020, 6, 5))
        self.assertTrue(Event.objects.filter(event="inspection.record", object_id=str(inspection.pk)).exists())
        page = self.client.get(inspection.get_absolute_url())
        self.assertContains(page, "认证等不合格")
        self.assertTrue(Inspection.objects.restrict(self.users["shenyang_office"]).filter(pk=inspection.pk).exists())
        self.assertFalse(Inspection.objects.restrict(self.users["dalian_office"]).filter(pk=inspection.pk).exists())

    def test_annex1_counts_are_one_group_by(self):
        actor = self.users["shenyang_samr"]
        a, b = f.enterprise(), f.enterprise()
        for ent, mask in ((a, "passed"), (a, "failed_review"), (b, "no_standard")):
            services.inspection_record(unit=actor.unit, enterprise=ent, date=f.D(2020, 5, 20),
                                       inspectors=f.officers(actor.unit),
                                       outcomes={f.category("mask"): mask, f.category("nonwoven"): "passed"},
                                       actor=actor)
        rows = {r["category__code"]: r for r in InspectionOutcome.objects.filter(date__lte=f.D(2020, 6, 18))
                .values("category__code").annotate(
                    inspected=Count("enterprise", distinct=True),
                    failed_review=Count("enterprise", distinct=True, filter=Q(outcome="failed_review")),
                    no_standard=Count("enterprise", distinct=True, filter=Q(outcome="no_standard")))}
        self.assertEqual((rows["mask"]["inspected"], rows["mask"]["failed_review"], rows["mask"]["no_standard"]),
                         (2, 1, 1))
        self.assertEqual(rows["nonwoven"]["inspected"], 2)


class SampleRuleTests(WorldTestCase):
    def _nonconforming(self, batch="N1"):
        actor = self.users["shenyang_samr"]
        return services.sample_record(unit=actor.unit, enterprise=f.enterprise(), category=f.category(),
                                      product_name="口罩",
                                      batch_number=batch, sampled_on=f.D(2020, 5, 25), result="nonconforming",
                                      failing_items="过滤效率", notified_on=f.D(2020, 6, 1), actor=actor)

    def test_nonconforming_starts_a_disposal_and_recall_effectiveness(self):
        actor = self.users["shenyang_samr"]
        sample = self._nonconforming()
        disposal = Disposal.objects.get(sample=sample)
        self.assertEqual((disposal.unit, disposal.region), (sample.unit, sample.region))
        disposal = services.disposal_step(disposal=disposal, step="recall_ordered", on=f.D(2020, 6, 3), quantity=1000,
                                          actor=actor)
        disposal = services.disposal_step(disposal=disposal, step="recall_returned", on=f.D(2020, 6, 9), quantity=800,
                                          actor=actor)
        self.assertEqual(str(disposal.recall_effectiveness), "80.0")
        with self.assertRaises(ValidationError):
            services.disposal_step(disposal=disposal, step="recall_returned", on=f.D(2020, 6, 9), quantity=1200,
                                   actor=actor)
        with self.assertRaises(ValidationError):
            services.disposal_step(disposal=disposal, step="case_opened", on=f.D(2020, 6, 9), actor=actor)
        self.assertTrue(Event.objects.filter(event="disposal.recall_returned").exists())

    def test_the_disposal_page_and_api_keep_the_rules_of_the_steps(self):
        actor = self.users["shenyang_samr"]
        disposal = Disposal.objects.get(sample=self._nonconforming("N5"))  # sampled on 2020-05-25
        blank = {name: "" for name in ("cause_analysis_on", "cause_analysis", "recall_ordered_on", "quantity_to_recall",
                                       "quantity_returned", "recall_completed_on", "flow_traced_on", "flow_trace_notes",
                                       "case_number", "case_opened_on", "exposed_on", "exposure_notes")}
        page = f"/fieldwork/disposal/{disposal.pk}/edit/"
        self.login("shenyang_samr")
        early = self.client.post(page, {**blank, "version": disposal.version, "cause_analysis_on": "2020-05-20",
                                        "cause_analysis": "原料不合格"})
        self.assertEqual(early.status_code, 400)
        self.assertEqual(early.context["form"].errors["cause_analysis_on"], ["处置日期不能早于抽样日期。"])
        returns = {"quantity_returned": 800, "recall_completed_on": "2020-06-09"}
        response = self.client.post(page, {**blank, "version": disposal.version, **returns})
        self.assertContains(response, "请先登记责令召回及应召回数量。", status_code=400)
        api, url = self.api("shenyang_samr"), f"/api/fieldwork/disposal/{disposal.pk}/"
        response = api.patch(url, returns, format="json", HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn("请先登记责令召回及应召回数量。", response.content.decode())
        disposal.refresh_from_db()
        self.assertEqual((disposal.cause_analysis_on, disposal.quantity_returned, disposal.recall_completed_on),
                         (None, None, None))
        self.assertFalse(Event.objects.filter(event__startswith="disposal.").exclude(event="disposal.start").exists())
        # the step service keeps the same order of the recall
        ordered = services.disposal_step(disposal=disposal, step="recall_ordered", on=f.D(2020, 6, 3), quantity=1000,
                                         actor=actor)
        with self.assertRaisesMessage(ValidationError, "召回完成日期不能早于责令召回日期。"):
            services.disposal_step(disposal=ordered, step="recall_returned", on=f.D(2020, 6, 2), quantity=800,
                                   actor=actor)
        # in order, the page records it with the step's event
        response = self.client.post(page, {**blank, "version": ordered.version, "recall_ordered_on": "2020-06-03",
                                           "quantity_to_recall": 1000, **returns})
        self.assertEqual(response.status_code, 302, response.content[:3000])
        disposal.refresh_from_db()
        self.assertEqual(str(disposal.recall_effectiveness), "80.0")
        self.assertTrue(Event.objects.filter(event="disposal.recall_returned", object_id=str(disposal.pk)).exists())

    def _notified(self, batch: str, days_ago: int):
        """A nonconforming sample whose result was notified `days_ago` days before today (the
        objection window runs on today's Beijing date)."""
        actor, today = self.users["shenyang_samr"], clock.today()
        return services.sample_record(unit=actor.unit, enterprise=f.enterprise(), category=f.category(),
                                      product_name="口罩", batch_number=batch,
                                      sampled_on=today - datetime.timedelta(days=30), result="nonconforming",
                                      failing_items="过滤效率", notified_on=today - datetime.timedelta(days=days_ago),
                                      actor=actor)

    def test_objection_within_fifteen_days_and_the_retest_stands(self):
        actor, today = self.users["shenyang_samr"], clock.today()
        late = self._notified("N2", days_ago=16)
        with self.assertRaisesMessage(ValidationError, "已超过异议期限"):
            services.sample_object(sample=late, objection_filed_on=today, actor=actor)
        self.assertIsNone(Sample.objects.get(pk=late.pk).objection_filed_on)
        in_time = self._notified("N2b", days_ago=15)
        services.sample_object(sample=in_time, objection_filed_on=today, actor=actor)  # day 15: in time
        cleared = services.sample_retest(sample=in_time, retest_result="conforming", retested_on=today, actor=actor)
        self.assertEqual(cleared.final_result, "conforming")
        self.assertFalse(Disposal.objects.filter(sample=cleared).exists())  # nothing done yet: dropped
        confirmed = self._notified("N3", days_ago=10)
        services.sample_object(sample=confirmed, objection_filed_on=today - datetime.timedelta(days=6), actor=actor)
        confirmed = services.sample_retest(sample=confirmed, retest_result="nonconforming",
                                           retested_on=today - datetime.timedelta(days=3), actor=actor)
        self.assertEqual(confirmed.final_result, "nonconforming")
        self.assertTrue(Disposal.objects.filter(sample=confirmed).exists())

    def test_objection_and_retest_pages(self):
        today = clock.today()
        late = self._notified("N4", days_ago=20)
        self.login("shenyang_samr")
        page = self.client.get(f"/fieldwork/sample/{late.pk}/step/object/")
        self.assertContains(page, "已超过异议期限", status_code=403)
        sample = self._notified("N4b", days_ago=3)
        self.client.post(f"/fieldwork/sample/{sample.pk}/step/object/",
                         {"objection_filed_on": (today - datetime.timedelta(days=1)).isoformat()})
        self.client.post(f"/fieldwork/sample/{sample.pk}/step/retest/",
                         {"retest_result": "conforming", "retested_on": today.isoformat()})
        sample.refresh_from_db()
        self.assertEqual((sample.retest_result, sample.final_result), ("conforming", "conforming"))
        self.login("dalian_samr")
        self.assertEqual(self.client.get(f"/fieldwork/sample/{sample.pk}/step/retest/").status_code, 404)


class TraceTests(WorldTestCase):
    def test_trace_three_levels_with_a_cycle(self):
        unit = self.unit("210100-samr")
        a, b, c = f.enterprise("210100"), f.enterprise("210100"), f.enterprise("210300")
        d = f.enterprise("210200")
        other = f.enterprise("210100")

        def sale(s, buyer, qty, batch="X1", name=""):
            LedgerEntry.objects.create(unit=unit, seller=s, buyer=buyer, buyer_name=name, product_name="口罩",
                                       batch_number=batch,
                                       quantity=qty, traded_on=f.D(2020, 5, 20))
        sale(a, b, 1000)
        sale(b, c, 600)
        sale(c, d, 200)
        sale(d, b, 50)            # a cycle back up the chain
        sale(c, None, 100, name="某某大药房")
        sale(a, other, 999, batch="OTHER")  # another batch: not traced
        Recall.objects.create(unit=self.unit("210100-commerce"), enterprise=c, category=f.category(),
                              product_name="口罩",
                              batch_number="X1", quantity=150, recalled_on=f.D(2020, 6, 5))
        with self.assertNumQueries(4):  # start enterprise, the one recursive query, recalls at the start, units
            trace_batch(enterprise_id=a.pk, batch_number="X1")
        trace = trace_batch(enterprise_id=a.pk, batch_number="X1", user=self.users["shenyang_samr"])
        holders = {h.name: h for h in trace.holders}
        self.assertEqual(holders[b.name].received, 1050)
        self.assertEqual(holders[b.name].depth, 1)
        self.assertEqual((holders[c.name].depth, holders[c.name].received, holders[c.name].recalled), (2, 600, 150))
        self.assertEqual((holders[d.name].depth, holders[d.name].sold_on), (3, 50))
        self.assertEqual(holders["某某大药房"].received, 100)
        self.assertNotIn(other.name, holders)
        self.assertEqual(trace.total_shipped, 1000)
        self.assertEqual({r.code for r in trace.units_by_region}, {"210100", "210200", "210300"})
        self.assertIn("210200-office", {u.code for units in trace.units_by_region.values() for u in units})
        shallow = trace_batch(enterprise_id=a.pk, batch_number="X1", max_depth=2)
        self.assertEqual(shallow.depth_reached, 2)
        self.assertTrue(shallow.depth_limited)
        self.login("shenyang_samr")
        page = self.client.get("/fieldwork/trace/", {"enterprise": a.pk, "batch": "X1"})
        self.assertContains(page, "某某大药房")
        self.login("dalian_samr")
        self.assertEqual(self.client.get("/fieldwork/trace/", {"enterprise": a.pk, "batch": "X1"}).status_code, 404)

    def test_ledger_import_from_excel(self):
        seller, buyer = f.enterprise(name="沈阳甲口罩有限公司"), f.enterprise(name="沈阳乙医药有限公司")
        book = Workbook()
        sheet = book.active
        sheet.append(["销售方", "购买方", "产品名称", "产品类别", "批号", "数量", "交易日期"])
        sheet.append([seller.name, buyer.name, "口罩", "口罩", "K1", 500, "2020-05-21"])
        sheet.append([seller.name, "名录外诊所", "口罩", "", "K1", 20, "2020-05-22"])
        data = io.BytesIO()
        book.save(data)
        data.seek(0)
        data.name = "ledger.xlsx"
        actor = self.login("shenyang_samr")
        response = self.client.post("/fieldwork/ledgerentry/import/", {"unit": actor.unit.pk, "file": data})
        self.assertEqual(response.status_code, 302, response.content[:1500])
        self.assertEqual(LedgerEntry.objects.filter(batch_number="K1").count(), 2)
        self.assertEqual(LedgerEntry.objects.get(buyer__isnull=True).buyer_name, "名录外诊所")


class ExportAndVisitTests(WorldTestCase):
    def test_export_check_region_is_the_producers(self):
        actor = self.users["customs_dl"]
        exporter, producer = f.enterprise("210200"), f.enterprise("210600")
        check = services.export_check_record(unit=actor.unit, declaration_number="0901", checked_on=f.D(2020, 6, 1),
                                             exporter=exporter,
                                             producer=producer, category=f.category(), batches_checked=4,
                                             batches_nonconforming=1,
                                             destination_country="法国", action_taken="returned", actor=actor)
        self.assertEqual((check.region.code, check.enterprise_id, check.line), ("210600", producer.pk, "customs"))
        only_exporter = services.export_check_record(unit=actor.unit, declaration_number="0902",
                                                     checked_on=f.D(2020, 6, 1),
                                                     exporter=exporter, category=f.category(), batches_checked=2,
                                                     destination_country="法国", actor=actor)
        self.assertEqual(only_exporter.region.code, "210200")
        with self.assertRaisesMessage(ValidationError, "不能直接放行"):
            services.export_check_record(unit=actor.unit, declaration_number="0903", checked_on=f.D(2020, 6, 1),
                                         exporter=exporter,
                                         category=f.category(), batches_checked=2, batches_nonconforming=1,
                                         destination_country="法国", actor=actor)
        totals = ExportCheck.objects.aggregate(checked=Sum("batches_checked"), bad=Sum("batches_nonconforming"))
        self.assertEqual((totals["checked"], totals["bad"]), (6, 1))

    def test_city_office_answers_a_covert_visit(self):
        visit = CovertVisit.objects.create(unit=self.unit("210000-office"),
                                           visited_city=Region.objects.get(code="210100"),
                                           start_date=f.D(2020, 6, 2), end_date=f.D(2020, 6, 3), team="暗访组",
                                           findings="问题")
        self.login("shenyang_office")
        self.assertEqual(self.client.post(f"/fieldwork/covertvisit/{visit.pk}/edit/", {}).status_code in (400, 403),
                         True)
        response = self.client.post(f"/fieldwork/covertvisit/{visit.pk}/step/respond/",
                                    {"response": "已全部整改", "responded_on": "2020-06-08"})
        self.assertEqual(response.status_code, 302)
        visit.refresh_from_db()
        self.assertEqual(visit.response, "已全部整改")
        self.assertTrue(Event.objects.filter(event="covert_visit.respond").exists())
        with self.assertRaises(PermissionDenied):
            services.covert_visit_respond(visit=visit, response="x", responded_on=f.D(2020, 6, 9),
                                          actor=self.users["dalian_office"])
        self.login("province_office")
        self.assertContains(self.client.get(visit.get_absolute_url()), "已全部整改")
