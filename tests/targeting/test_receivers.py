"""What the apps below announce reaches targeting: every service that changes an enterprise's risk
inputs, one record at a time or a whole import, ends in one recompute per transaction of exactly
the enterprises named (targeting/receivers.py; the certificate and export checks are in
test_rules.py)."""
import io
from unittest import mock

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from rectify.enforcement.services import complaint_receive, complaints_import_12315
from rectify.enterprises.models import Enterprise, ImportJob
from rectify.fieldwork import services as fw
from rectify.fieldwork.models import Sample
from rectify.targeting import tasks
from rectify.targeting.models import RiskScore
from rectify.testing import WorldTestCase
from tests.enterprises.files import rows, xlsx
from tests.fieldwork import factories as f


def factors(enterprise: Enterprise) -> set[str]:
    return {r["factor"] for score in RiskScore.objects.filter(enterprise=enterprise) for r in score.reasons}


class RiskInputTests(WorldTestCase):
    def setUp(self):
        super().setUp()
        self.samr, self.actor = self.unit("210100-samr"), self.users["shenyang_samr"]
        self.ents = [f.enterprise("210100") for _ in range(3)]
        # The task's own call of the service, counted: the ids of each recompute.
        patcher = mock.patch.object(tasks, "risk_recompute", wraps=tasks.risk_recompute)
        self.recompute = patcher.start()
        self.addCleanup(patcher.stop)

    def recomputed(self) -> list[list[int]]:
        return [sorted(call.kwargs["enterprise_ids"]) for call in self.recompute.call_args_list]

    def sample(self, ent: Enterprise, batch: str) -> Sample:
        return fw.sample_record(unit=self.samr, enterprise=ent, category=f.category(), product_name="口罩",
                                batch_number=batch, sampled_on=f.D(2020, 5, 25), result="nonconforming",
                                failing_items="过滤效率", actor=self.actor)

    def test_inputs_recorded_in_one_transaction_are_one_recompute(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.sample(self.ents[0], "B1")
            self.sample(self.ents[1], "B2")
            complaint_receive(unit=self.samr, actor=self.actor, number="TS-1", received_on=f.D(2020, 5, 20),
                              enterprise=self.ents[1], product_category=f.category(), content="口罩无合格证")
        self.assertEqual(self.recomputed(), [sorted([self.ents[0].pk, self.ents[1].pk])])
        self.assertIn("nonconforming_samples", factors(self.ents[0]))
        self.assertLessEqual({"nonconforming_samples", "complaints"}, factors(self.ents[1]))

    def test_a_rolled_back_write_leaves_nothing_to_the_next_transaction(self):
        with self.assertRaisesMessage(RuntimeError, "rolled back"), transaction.atomic():
            self.sample(self.ents[0], "B8")
            raise RuntimeError("rolled back")
        with self.captureOnCommitCallbacks(execute=True):
            self.sample(self.ents[1], "B9")
        self.assertEqual(self.recomputed(), [[self.ents[1].pk]])
        self.assertEqual(set(RiskScore.objects.values_list("enterprise_id", flat=True)), {self.ents[1].pk})

    def test_an_enterprise_import_is_one_recompute_of_its_ids(self):
        self.login("shenyang_samr")
        self.client.post("/enterprises/import/", {"file": SimpleUploadedFile("list.xlsx", xlsx(rows(5)))})
        job = ImportJob.objects.latest("pk")
        self.assertEqual(job.status, ImportJob.Status.READY, job.errors)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/enterprises/import/{job.pk}/commit/")
        imported = Enterprise.objects.exclude(pk__in=[e.pk for e in self.ents])
        self.assertEqual(imported.count(), 5)
        self.assertEqual(self.recomputed(), [sorted(imported.values_list("pk", flat=True))])
        self.assertEqual(set(RiskScore.objects.values_list("enterprise_id", flat=True)),
                         set(imported.values_list("pk", flat=True)))

    def test_a_12315_import_is_one_recompute_of_the_enterprises_it_names(self):
        book = openpyxl.Workbook()
        book.active.append(["登记编号", "类型", "登记日期", "来源渠道", "姓名", "联系电话", "被投诉举报主体",
                            "诉求内容"])
        for n, ent in enumerate(self.ents[:2]):
            book.active.append([f"121010000{n}", "投诉", "2020-05-25", "12315热线", "王五", "13700001111", ent.name,
                                "口罩涨价"])
        book.active.append(["1210100009", "举报", "2020-05-26", "全国12315平台", "", "", "不在名录的某厂", "三无口罩"])
        data = io.BytesIO()
        book.save(data)
        with self.captureOnCommitCallbacks(execute=True):
            result = complaints_import_12315(name="12315.xlsx", data=data.getvalue(), unit=self.samr, actor=self.actor)
        self.assertEqual((result.created, result.errors), (3, []))
        self.assertEqual(self.recomputed(), [sorted([self.ents[0].pk, self.ents[1].pk])])
        self.assertIn("complaints", factors(self.ents[0]))
        self.assertNotIn("complaints", factors(self.ents[2]))

    def test_an_inspection_moved_to_another_enterprise_recomputes_both(self):
        first, second = self.ents[0], self.ents[1]
        with self.captureOnCommitCallbacks(execute=True):
            inspection = fw.inspection_record(unit=self.samr, enterprise=first, date=f.D(2020, 5, 20),
                                              inspectors=f.officers(self.samr), actor=self.actor,
                                              outcomes={f.category(): "failed_other"})
        self.assertIn("failed_inspections", factors(first))
        api, url = self.api("shenyang_samr"), f"/api/fieldwork/inspection/{inspection.pk}/"
        with self.captureOnCommitCallbacks(execute=True):
            response = api.patch(url, {"enterprise": second.pk}, format="json", HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(self.recomputed()[-1], sorted([first.pk, second.pk]))
        self.assertNotIn("failed_inspections", factors(first))
        self.assertIn("failed_inspections", factors(second))

    def test_a_sample_deleted_on_its_page_recomputes_its_enterprise(self):
        with self.captureOnCommitCallbacks(execute=True):
            sample = self.sample(self.ents[2], "B3")
        self.assertIn("nonconforming_samples", factors(self.ents[2]))
        self.login("shenyang_samr_admin")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/fieldwork/sample/{sample.pk}/delete/", {"reason": "重复录入"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.recomputed()[-1], [self.ents[2].pk])
        self.assertNotIn("nonconforming_samples", factors(self.ents[2]))

    def test_an_enterprise_edited_through_the_api_is_recomputed(self):
        ent = self.ents[0]
        api, url = self.api("shenyang_samr"), f"/api/enterprises/enterprise/{ent.pk}/"
        with self.captureOnCommitCallbacks(execute=True):
            response = api.patch(url, {"credit_status": "abnormal"}, format="json", HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(self.recomputed(), [[ent.pk]])
        self.assertIn("abnormal_list", factors(ent))
