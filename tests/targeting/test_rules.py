"""The targeting rules: risk from grouped queries, plans from risk, reproducible 双随机 draws with
recusal, certificate checks flagged on the record, export lists flagged at entry, public pages."""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rectify.core.audit.models import Event
from rectify.core.generic.importing import ImportFileError
from rectify.enforcement.models import Complaint, Lead
from rectify.enterprises.models import Qualification
from rectify.fieldwork import services as fw
from rectify.fieldwork.models import ExportCheck, SamplingTask, TestingInstitution
from rectify.targeting import services
from rectify.targeting.models import (
    CertificateCheck,
    ConflictOfInterest,
    Draw,
    ExportFlag,
    ExportListEntry,
    ExportListRule,
    RiskScore,
    RiskWeight,
)
from rectify.testing import WorldTestCase
from tests.fieldwork import factories as f

D = datetime.date
ON = D(2020, 6, 1)


def complaint(unit, ent, n: int) -> Complaint:
    return Complaint.objects.create(unit=unit, number=f"TS-{n}", received_on=D(2020, 5, 20), enterprise=ent,
                                    product_category=f.category(), content="口罩无合格证")


class RiskTests(WorldTestCase):
    def setUp(self):
        self.samr = self.unit("210100-samr")
        self.ents = [f.enterprise("210100") for _ in range(4)]
        for e in self.ents:
            e.categories.add(f.category())

    def test_factors_and_reasons(self):
        risky = self.ents[0]
        risky.approved_on, risky.credit_status = D(2020, 5, 1), "abnormal"
        risky.save()
        complaint(self.samr, risky, 1)
        f.sample(self.samr, risky, result="nonconforming")
        f.inspection(self.samr, risky, outcome="failed_other")
        services.risk_recompute(enterprise_ids=[e.pk for e in self.ents], on=ON)
        score = RiskScore.objects.get(enterprise=risky, category=f.category())
        factors = {r["factor"] for r in score.reasons}
        self.assertEqual(factors,
                         {"new_enterprise", "abnormal_list", "complaints", "nonconforming_samples",
                          "failed_inspections"})
        self.assertEqual(score.score, sum(r["points"] for r in score.reasons))
        quiet = RiskScore.objects.get(enterprise=self.ents[1])
        self.assertEqual([r["factor"] for r in quiet.reasons], ["never_sampled"])
        self.assertGreater(score.score, quiet.score)
        # Rendered on the enterprise page through the panel template.
        panel = Template("{% include 'targeting/enterprise_risk_panel.html' %}")
        html = panel.render(Context({"object": risky, "request": None}))
        self.assertIn("enterprise-risk", html)

    def test_grouped_queries_do_not_grow_with_enterprises(self):
        services.risk_recompute(enterprise_ids=[e.pk for e in self.ents], on=ON)  # both runs then replace rows
        with CaptureQueriesContext(connection) as one:
            services.risk_recompute(enterprise_ids=[self.ents[0].pk], on=ON)
        with CaptureQueriesContext(connection) as four:
            services.risk_recompute(enterprise_ids=[e.pk for e in self.ents], on=ON)
        self.assertEqual(len(one), len(four))

    def test_weights_are_configuration(self):
        RiskWeight.objects.create(factor="never_sampled", weight=33, max_count=1)
        services.risk_recompute(enterprise_ids=[self.ents[1].pk], on=ON)
        self.assertEqual(RiskScore.objects.get(enterprise=self.ents[1]).score, 33)

    def test_risk_list_sorts_and_filters(self):
        services.risk_recompute(enterprise_ids=[e.pk for e in self.ents], on=ON)
        self.login("shenyang_samr")
        response = self.client.get("/targeting/riskscore/",
                                   {"min_score": 1, "category": f.category().pk, "sort": "-score"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["table"].rows), 4)


class PlanTests(WorldTestCase):
    def test_plan_from_risk_becomes_sampling_task(self):
        samr, user = self.unit("210100-samr"), self.users["shenyang_samr"]
        ents = [f.enterprise("210100") for _ in range(6)]
        for i, e in enumerate(ents):
            e.categories.add(f.category())
            for n in range(i % 3):
                complaint(samr, e, 100 + 10 * i + n)
        services.risk_recompute(enterprise_ids=[e.pk for e in ents], on=ON)
        plan = services.sampling_plan_generate(unit=samr, category=f.category(), name="口罩风险抽检", period_start=ON,
                                               period_end=D(2020, 6, 20), size=4, threshold=25, random_percent=25,
                                               seed=42,
                                               actor=user)
        by = [p["by"] for p in plan.proposed]
        self.assertEqual(by, ["risk", "risk", "risk", "random"])
        self.assertTrue(all(p["score"] >= 25 for p in plan.proposed[:3]))
        candidates = [(p["enterprise_id"], p["name"], p["score"], "") for p in plan.proposed]
        again = services.propose_targets(candidates=candidates, size=4, threshold=25, random_percent=25, seed=42)
        self.assertEqual(len(again), 4)
        keep = [p["enterprise_id"] for p in plan.proposed[:3]]
        extra = next(e for e in ents if e.pk not in {p["enterprise_id"] for p in plan.proposed})
        self.login("shenyang_samr")
        response = self.client.post(reverse("targeting:samplingplan_step", kwargs={"pk": plan.pk, "step": "accept"}),
                                    {"targets": keep, "extra": [extra.pk], "task_name": "口罩监督抽查（风险）"})
        plan.refresh_from_db()
        self.assertRedirects(response, plan.task.get_absolute_url(), fetch_redirect_response=False)
        task = SamplingTask.objects.get(pk=plan.task_id)
        self.assertEqual(set(task.targets.values_list("pk", flat=True)), {*keep, extra.pk})
        self.assertEqual(task.planned_batches, 4)
        self.assertEqual(plan.status, "accepted")
        self.assertTrue(Event.objects.filter(event="sampling_plan.accept", object_id=str(plan.pk)).exists())
        with self.assertRaises(ValidationError):
            services.sampling_plan_accept(plan=plan, actor=user)


class DrawTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.samr = cls.unit("210100-samr")
        cls.ents = [f.enterprise("210100") for _ in range(10)]
        for e in cls.ents:
            e.categories.add(f.category())
        cls.ents[0].credit_status = "serious"
        cls.ents[0].save()
        complaint(cls.samr, cls.ents[1], 900)
        cls.extra_officers = f.officers(cls.samr, 3)

    def run_draw(self, **kw):
        params = {"unit": self.samr, "name": "口罩生产企业双随机检查", "period_start": ON, "period_end": D(2020, 6, 15),
                  "target_count": 5, "flagged_percent": 100, "category": f.category(),
                  "actor": self.users["shenyang_samr"]}
        return services.draw_run(**{**params, **kw})

    def test_reproducible_from_seed_and_every_draw_kept(self):
        draw = self.run_draw()
        self.assertEqual(len(draw.result), 5)
        stored = Draw.objects.get(pk=draw.pk)
        self.assertEqual(services.draw_rerun(stored), stored.result)
        self.assertTrue(services.draw_verify(stored))
        # flagged enterprises (serious list, complaint) are drawn at 100 %, and it says why
        flagged = {r["enterprise_id"]: r for r in stored.result if r["flagged"]}
        self.assertEqual(set(flagged), {self.ents[0].pk, self.ents[1].pk})
        self.assertIn("严重违法失信名单", flagged[self.ents[0].pk]["why"])
        self.assertIn("投诉举报", flagged[self.ents[1].pk]["why"])
        same_seed = self.run_draw(seed=stored.seed)
        self.assertEqual(same_seed.result, stored.result)
        self.assertEqual((stored.sequence, same_seed.sequence), (1, 2))
        self.assertNotEqual(stored.number, same_seed.number)
        self.assertEqual(Draw.objects.filter(unit=self.samr, period_start=ON).count(), 2)
        events = Event.objects.filter(event="draw.run", object_id=str(same_seed.pk)).get()
        self.assertEqual(events.detail["earlier_draws"], [stored.number])
        self.login("shenyang_samr")
        self.assertEqual(self.client.post(f"/targeting/draw/{stored.pk}/delete/").status_code, 404)
        page = self.client.get(f"/targeting/draw/{stored.pk}/")
        self.assertContains(page, "按种子复算结果一致")

    def test_a_draw_for_another_citys_unit_is_refused_naming_that_unit(self):
        dalian = self.unit("210200-samr")
        with self.assertRaises(PermissionDenied) as caught:
            self.run_draw(unit=dalian)
        self.assertEqual(str(caught.exception), f"您不能以“{dalian}”的名义录入记录。")
        self.assertFalse(Draw.objects.exists())

    def test_recusal_and_at_least_two_inspectors(self):
        recused = self.users["shenyang_samr"]
        for e in self.ents:
            ConflictOfInterest.objects.create(unit=self.samr, officer=recused, enterprise=e, reason="亲属任职",
                                              declared_on=ON)
        draw = self.run_draw(inspectors_per_target=3)
        for row in draw.result:
            self.assertNotIn(recused.pk, row["inspector_ids"])
            self.assertEqual(len(set(row["inspector_ids"])), 3)
            self.assertIn(str(recused), row["recused"])
        with self.assertRaises(ValidationError):
            self.run_draw(inspectors_per_target=1)
        with self.assertRaises(ValidationError):  # one recused: the register minus one is too few
            self.run_draw(inspectors_per_target=len(draw.inputs["inspectors"]))

    def test_public_page_needs_no_login_and_hides_internal_data(self):
        recused = self.users["shenyang_samr"]
        ConflictOfInterest.objects.create(unit=self.samr, officer=recused, enterprise=self.ents[0], reason="亲属任职",
                                          declared_on=ON)
        draw = self.run_draw()
        self.client.logout()
        listing = self.client.get("/public/draws/")
        self.assertContains(listing, draw.number)
        response = self.client.get(f"/public/draws/{draw.pk}/")
        self.assertContains(response, str(draw.seed))
        html = response.content.decode()
        page = html[html.index("<main"):html.index("</main>")]  # the portal's menu links to 投诉举报
        for row in draw.result:
            self.assertIn(row["name"], page)
            for name in row["inspector_names"]:
                self.assertNotIn(name, page)
        for secret in ("重点对象", "投诉", "严重违法", "回避", "亲属任职"):
            self.assertNotIn(secret, page)


class CertificateTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.samr, cls.province = cls.unit("210100-samr"), cls.unit("210000-samr")
        cls.ent = f.enterprise("210100")
        cls.body = TestingInstitution.objects.create(unit=cls.province, name="辽宁省医疗器械检验检测院",
                                                     is_testing_lab=True,
                                                     accreditation_number="CMA-001", scope_text="口罩、防护服",
                                                     valid_from=D(2019, 1, 1), valid_to=D(2024, 12, 31))
        cls.revoked = TestingInstitution.objects.create(unit=cls.province, name="某检测公司", is_testing_lab=True,
                                                        accreditation_number="CMA-002", status="revoked")
        cls.cert_body = TestingInstitution.objects.create(unit=cls.province, name="中国质量认证中心",
                                                          is_certification_body=True,
                                                          accreditation_number="CNCA-R-2002-001",
                                                          scope_text="口罩 masks")
        cls.qual = Qualification.objects.create(enterprise=cls.ent, kind="certification", number="CQC-2020-0001",
                                                issuer="中国质量认证中心", valid_from=D(2020, 1, 1),
                                                valid_to=D(2022, 12, 31))
        cls.qual.categories.add(f.category())

    def test_valid_certificate_passes_and_wrong_holder_fails(self):
        ok = services.certificate_check(number="CQC-2020-0001", kind="certification", enterprise=self.ent,
                                        category=f.category(), on_date=ON)
        self.assertTrue(all(x.ok for x in ok), ok)
        other = f.enterprise("210100")
        bad = services.certificate_check(number="CQC-2020-0001", kind="certification", enterprise=other, on_date=ON)
        self.assertIn("certificate_holder", {x.code for x in bad if not x.ok})
        late = services.certificate_check(number="CQC-2020-0001", kind="certification", on_date=D(2023, 1, 1))
        self.assertIn("certificate_valid", {x.code for x in late if not x.ok})
        suit = services.certificate_check(number="CQC-2020-0001", kind="certification",
                                          category=f.category("protective_suit"),
                                          on_date=ON)
        self.assertIn("certificate_category", {x.code for x in suit if not x.ok})

    def test_forged_number_at_inspection_is_flagged_and_becomes_a_lead(self):
        inspection = f.inspection(self.samr, self.ent)
        self.login("shenyang_samr")
        response = self.client.post(f"/targeting/check-at/fieldwork.inspection/{inspection.pk}/",
                                    {"number": "国械注准20209999999", "kind": "device_registration",
                                     "institution_name": ""})
        self.assertEqual(response.status_code, 302)
        check = CertificateCheck.objects.get(object_id=inspection.pk, content_type__model="inspection")
        self.assertTrue(check.flagged)
        self.assertIn("不存在", check.reason)
        html = Template("{% include 'targeting/certificate_check_panel.html' %}").render(
            Context({"object": inspection, "request": response.wsgi_request}))
        self.assertIn(check.reason, html)
        self.assertTrue(Event.objects.filter(event="certificate.flag", object_id=str(inspection.pk)).exists())
        flags = self.client.get("/targeting/certificatecheck/flags/", follow=True)
        self.assertIn(check.pk, {r.pk for r in flags.context["table"].data})
        to_lead = reverse("targeting:certificatecheck_step", kwargs={"pk": check.pk, "step": "to_lead"})
        self.assertEqual(self.client.post(to_lead).status_code, 302)
        check.refresh_from_db()
        lead = Lead.objects.get(pk=check.lead_id)
        self.assertEqual((lead.source, lead.enterprise_id, lead.unit_id), ("inspection", self.ent.pk, self.samr.pk))
        self.assertEqual(services.certificate_check_to_lead(check=check, actor=self.users["shenyang_samr"]), lead)

    def test_sample_report_checked_when_entered(self):
        actor = self.users["shenyang_samr"]
        sample_of = {"unit": self.samr, "enterprise": self.ent, "product_name": "口罩", "category": f.category(),
                     "sampled_on": ON, "actor": actor}
        with self.captureOnCommitCallbacks(execute=True):
            sample = fw.sample_record(batch_number="R1", **sample_of)
        self.assertFalse(CertificateCheck.objects.filter(object_id=sample.pk, content_type__model="sample").exists())
        with self.captureOnCommitCallbacks(execute=True):
            fw.sample_update(obj=sample, data={"report_number": "R-2020-001", "testing_institution": self.revoked},
                             actor=actor)
        check = CertificateCheck.objects.get(object_id=sample.pk, content_type__model="sample")
        self.assertTrue(check.flagged)
        self.assertIn("撤销", check.reason)
        self.assertEqual(Event.objects.get(event="certificate.flag", object_id=str(sample.pk)).user, actor)
        with self.captureOnCommitCallbacks(execute=True):
            good = fw.sample_record(batch_number="G1", report_number="R-2", testing_institution=self.body, **sample_of)
        self.assertFalse(CertificateCheck.objects.get(object_id=good.pk, content_type__model="sample").flagged)

    def test_public_lookup_gives_public_facts_only(self):
        rows = services.public_certificate_lookup("CQC-2020-0001", on_date=ON)
        self.assertEqual(len(rows), 1)
        self.assertEqual(set(rows[0]),
                         {"kind", "number", "holder", "issuer", "valid_from", "valid_to", "status", "categories"})
        self.assertEqual(rows[0]["status"], "有效")
        self.assertEqual(services.public_certificate_lookup("nope"), [])


class ExportListTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.customs, cls.province = cls.unit("210200-customs_dl"), cls.unit("210000-samr")
        cls.producer, cls.exporter = f.enterprise("210200"), f.enterprise("210200")

    def export(self, number: str, category="mask") -> ExportCheck:
        with self.captureOnCommitCallbacks(execute=True):
            return fw.export_check_record(unit=self.customs, declaration_number=number, checked_on=ON,
                                          exporter=self.exporter, producer=self.producer,
                                          category=f.category(category), batches_checked=2,
                                          destination_country="美国", actor=self.users["customs_dl"])

    def test_negative_listed_producer_is_flagged_at_entry(self):
        ExportListEntry.objects.create(unit=self.province, list_kind="negative", name=self.producer.name,
                                       listed_from=D(2020, 5, 1), source="市场监管总局不合格产品和企业名单")
        check = self.export("0901202000011")
        flag = ExportFlag.objects.get(export_check=check)
        self.assertEqual(flag.kind, "negative_listed")
        self.assertIn("负面清单", flag.reason)
        self.login("province_office")
        self.assertIn(flag.pk, {r.pk for r in self.client.get("/targeting/exportflag/").context["table"].data})
        self.login("shenyang_samr")
        self.assertNotIn(flag.pk, {r.pk for r in self.client.get("/targeting/exportflag/").context["table"].data})

    def test_white_list_required_category(self):
        ExportListRule.objects.create(category=f.category("mask"), white_list_required=True)
        flagged = self.export("0901202000021")
        self.assertEqual(ExportFlag.objects.get(export_check=flagged).kind, "not_white_listed")
        self.assertFalse(ExportFlag.objects.filter(export_check=self.export("0901202000022", "nonwoven")).exists())
        ExportListEntry.objects.create(unit=self.province, list_kind="white", enterprise=self.producer,
                                       name=self.producer.name,
                                       category=f.category("mask"), listed_from=D(2020, 4, 26))
        self.assertFalse(ExportFlag.objects.filter(export_check=self.export("0901202000023")).exists())

    def test_import_from_spreadsheet(self):
        actor = self.users["province_samr"]
        good = ("名单类型,企业名称,统一社会信用代码,产品类别,列入日期,来源\n白名单,{},,口罩,2020-04-26,商务部\n"
                "负面清单,某厂,,,2020/5/1,总局\n")
        result = services.export_list_import(unit=self.province, name="list.csv",
                                             data=good.format(self.producer.name).encode(),
                                             actor=actor)
        self.assertEqual((result.created, result.errors), (2, []))
        self.assertEqual(ExportListEntry.objects.get(list_kind="white").enterprise, self.producer)
        bad = "名单类型,企业名称,列入日期\n灰名单,某厂,2020-05-01\n负面清单,另一厂,2020-05-01\n".encode()
        result = services.export_list_import(unit=self.province, name="bad.csv", data=bad, actor=actor)
        self.assertEqual((result.created, [e.row for e in result.errors]), (0, [2]))
        self.assertEqual(ExportListEntry.objects.count(), 2)
        with self.assertRaises(ImportFileError):
            services.export_list_import(unit=self.province, name="x.xlsx", data=b"not a workbook", actor=actor)
        with self.assertRaises(PermissionDenied):
            services.export_list_import(unit=self.province, name="list.csv", data=bad,
                                        actor=self.users["shenyang_samr"])
