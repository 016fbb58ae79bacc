"""The directory knows what each body does: a body tests, certifies or both, and a sample's lab is
chosen from the bodies that test — on the page, through the API and in the service alike."""
from __future__ import annotations

from django.core.exceptions import ValidationError

from rectify.enterprises.models import Qualification
from rectify.fieldwork import services
from rectify.fieldwork.models import Sample, TestingInstitution
from rectify.targeting.models import CertificateCheck
from rectify.targeting.services import certificate_check
from rectify.testing import WorldTestCase

from . import factories as f

SAMPLE_API = "/api/fieldwork/sample/"
DIRECTORY_API = "/api/fieldwork/testinginstitution/"


class DirectoryTestCase(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        province = cls.unit("210000-samr")
        cls.lab = TestingInstitution.objects.create(unit=province, name="辽宁省产品质量监督检验院", is_testing_lab=True,
                                                    accreditation_number="CMA-2020-001")
        cls.certifier = TestingInstitution.objects.create(unit=province, name="方圆标志认证集团",
                                                          is_certification_body=True,
                                                          accreditation_number="CNCA-R-2002-002")
        cls.both = TestingInstitution.objects.create(unit=province, name="通标标准技术服务有限公司",
                                                     is_testing_lab=True,
                                                     is_certification_body=True, accreditation_number="CNAS-L0599")
        cls.ent = f.enterprise("210100")

    def sample_data(self, lab: TestingInstitution | None, batch: str = "P0601") -> dict:
        return {"unit": self.users["shenyang_samr"].unit.pk, "task": "", "enterprise": self.ent.pk,
                "product_name": "医用防护口罩", "category": f.category().pk, "batch_number": batch, "quantity": 20,
                "production_date": "2020-05-01", "sampled_on": "2020-05-28", "stage": "circulation",
                "testing_institution": lab.pk if lab else "", "report_number": "R-2020-0601",
                "items_tested": "过滤效率",
                "standard": "GB 19083-2010", "result": "conforming", "failing_items": "", "notified_on": ""}

    def api_sample_data(self, lab: TestingInstitution, batch: str = "P0602") -> dict:
        data = self.sample_data(lab, batch)
        return {**data, "task": None, "notified_on": None}


class BothKindsTests(DirectoryTestCase):
    def test_a_body_that_tests_and_certifies_is_one_row_with_both_roles(self):
        self.login("province_samr")
        response = self.client.post("/fieldwork/testinginstitution/add/", {
            "unit": self.users["province_samr"].unit.pk, "name": "中国质量认证中心", "is_testing_lab": "on",
            "is_certification_body": "on", "accreditation_number": "CNCA-R-2002-001", "scope_text": "口罩",
            "jurisdiction": "domestic", "status": "valid", "valid_from": "", "valid_to": "", "website": "",
            "notes": ""})
        self.assertEqual(response.status_code, 302, response.content[:3000])
        cqc = TestingInstitution.objects.get(name="中国质量认证中心")
        self.assertEqual((cqc.is_testing_lab, cqc.is_certification_body), (True, True))
        self.assertEqual(cqc.get_kinds_display(), "检验检测机构、认证机构")
        self.assertEqual(set(TestingInstitution.objects.doing("testing")), {self.lab, self.both, cqc})
        self.assertEqual(set(TestingInstitution.objects.doing("certification")), {self.certifier, self.both, cqc})

    def test_through_the_api_too_and_a_body_doing_neither_is_refused(self):
        api = self.api("province_samr")
        data = {"unit": self.users["province_samr"].unit.pk, "name": "SGS", "is_testing_lab": True,
                "is_certification_body": True, "accreditation_number": "CNAS-L0001", "jurisdiction": "eu"}
        response = api.post(DIRECTORY_API, data, format="json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["is_certification_body"], True)
        response = api.post(DIRECTORY_API, {**data, "name": "某咨询公司", "is_testing_lab": False,
                                            "is_certification_body": False, "accreditation_number": ""}, format="json")
        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn("请至少勾选一项：检验检测机构或认证机构", response.content.decode())
        self.assertFalse(TestingInstitution.objects.filter(name="某咨询公司").exists())

    def test_the_public_directory_lists_a_body_under_each_of_its_roles(self):
        for kind, shown, hidden in (("testing", self.lab, self.certifier), ("certification", self.certifier, self.lab)):
            page = self.client.get("/public/directory/", {"kind": kind}).content.decode()
            self.assertIn(shown.name, page, kind)
            self.assertIn(self.both.name, page, kind)
            self.assertNotIn(hidden.name, page, kind)


class SampleLabTests(DirectoryTestCase):
    def test_the_form_offers_only_bodies_that_test(self):
        self.login("shenyang_samr")
        form = self.client.get("/fieldwork/sample/add/").context["form"]
        self.assertEqual(set(form.fields["testing_institution"].queryset), {self.lab, self.both})

    def test_the_form_refuses_a_certification_body_by_name(self):
        self.login("shenyang_samr")
        response = self.client.post("/fieldwork/sample/add/", self.sample_data(self.certifier))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["testing_institution"],
                         ["“方圆标志认证集团”在名录中登记为认证机构，不是检验检测机构，不能作为样品的检验机构。"])
        self.assertFalse(Sample.objects.exists())
        self.assertFalse(CertificateCheck.objects.exists())

    def test_the_api_refuses_a_certification_body_by_name(self):
        response = self.api("shenyang_samr").post(SAMPLE_API, self.api_sample_data(self.certifier), format="json")
        self.assertEqual(response.status_code, 400, response.content)
        self.assertEqual(response.json()["testing_institution"],
                         ["“方圆标志认证集团”在名录中登记为认证机构，不是检验检测机构，不能作为样品的检验机构。"])
        self.assertFalse(Sample.objects.exists())

    def test_the_service_refuses_it_too(self):
        actor = self.users["shenyang_samr"]
        with self.assertRaises(ValidationError) as caught:
            services.sample_record(unit=actor.unit, enterprise=self.ent, category=f.category(), product_name="口罩",
                                   batch_number="S1", sampled_on=f.D(2020, 5, 28), testing_institution=self.certifier,
                                   report_number="R-1", actor=actor)
        self.assertIn("不是检验检测机构", caught.exception.message_dict["testing_institution"][0])
        self.assertFalse(Sample.objects.exists())

    def test_a_body_doing_both_is_accepted_on_the_form_and_the_api(self):
        self.login("shenyang_samr")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post("/fieldwork/sample/add/", self.sample_data(self.both, "P0601"))
        self.assertEqual(response.status_code, 302, response.content[:3000])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.api("shenyang_samr").post(SAMPLE_API, self.api_sample_data(self.both, "P0602"),
                                                      format="json")
        self.assertEqual(response.status_code, 201, response.content)
        samples = Sample.objects.filter(testing_institution=self.both)
        self.assertEqual(sorted(samples.values_list("batch_number", flat=True)), ["P0601", "P0602"])
        # the test-report check of each finds nothing wrong with the lab
        checks = CertificateCheck.objects.filter(content_type__model="sample", object_id__in=samples.values("pk"))
        self.assertEqual(checks.count(), 2)
        self.assertFalse([c.reason for c in checks if c.flagged])
        # and the same body issues certificates without a finding against its kind
        Qualification.objects.create(enterprise=self.ent, kind="certification", number="CNAS-C-2020-01",
                                     issuer=self.both.name)
        findings = certificate_check(number="CNAS-C-2020-01", kind="certification", on_date=f.D(2020, 5, 28),
                                     institution=self.both)
        self.assertEqual([x.message for x in findings if not x.ok], [])

    def test_a_lab_already_on_a_sample_stays_and_a_new_choice_must_test(self):
        # recorded before the rule (or the body stopped testing since): editing other fields keeps it
        old = Sample.objects.create(unit=self.users["shenyang_samr"].unit, enterprise=self.ent, product_name="口罩",
                                    category=f.category(), batch_number="OLD1", sampled_on=f.D(2020, 5, 20),
                                    result="conforming", final_result="conforming", testing_institution=self.certifier)
        self.login("shenyang_samr")
        data = {**self.sample_data(self.certifier, "OLD1"), "version": old.version, "quantity": 30}
        response = self.client.post(f"/fieldwork/sample/{old.pk}/edit/", data)
        self.assertEqual(response.status_code, 302, response.content[:3000])
        old.refresh_from_db()
        self.assertEqual((old.quantity, old.testing_institution), (30, self.certifier))
        other = TestingInstitution.objects.create(unit=self.certifier.unit, name="某认证公司",
                                                  is_certification_body=True)
        data = {**data, "version": old.version, "testing_institution": other.pk}
        api, url = self.api("shenyang_samr"), f"{SAMPLE_API}{old.pk}/"
        response = api.patch(url, {"testing_institution": other.pk}, format="json", HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn("“某认证公司”在名录中登记为认证机构", response.json()["testing_institution"][0])
        response = self.client.post(f"/fieldwork/sample/{old.pk}/edit/", data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("不是检验检测机构", response.context["form"].errors["testing_institution"][0])
        old.refresh_from_db()
        self.assertEqual(old.testing_institution, self.certifier)
