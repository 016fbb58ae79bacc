"""Generic scope tests for every model the enterprise app registers."""
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from rectify.enterprises.models import Enterprise, Letter, LetterBatch, ListEntry, Qualification
from rectify.organisations.models import Region
from rectify.testing import ModelScopeTests

from .factories import enterprise as producer
from .files import code


def make_enterprise(n: int = 900, region: str = "210100") -> Enterprise:
    return Enterprise.objects.create(name=f"沈阳华康医用防护用品有限公司{n}", credit_code=code(n, region),
                                     region=Region.objects.get(code=region))


class EnterpriseScopeTests(ModelScopeTests):
    model = Enterprise
    region_only = True

    @classmethod
    def make_object(cls, unit):
        return make_enterprise()

    def form_data(self, unit):
        return {"name": "沈阳新纪元口罩有限公司", "credit_code": code(901), "entity_type": "company",
                "region": Region.objects.get(code="210100").pk, "county": "", "legal_representative": "李强",
                "address": "", "contact": "", "phone": "", "credit_status": "normal", "notes": "", "approved_on": ""}

    def update_data(self, obj):
        return {**self.form_data(None), "credit_code": obj.credit_code, "name": "沈阳华康医用防护用品有限公司（改）"}


class QualificationScopeTests(ModelScopeTests):
    model = Qualification
    region_only = True

    @classmethod
    def make_object(cls, unit):
        return Qualification.objects.create(enterprise=make_enterprise(), kind="device_registration",
                                            number="辽械注准20202140001")

    def form_data(self, unit):
        return {"enterprise": Enterprise.objects.get(credit_code=code(900)).pk, "kind": "production_licence",
                "number": "辽XK16-205-00001", "issuer": "辽宁省市场监督管理局", "scope_text": "",
                "valid_from": "2020-01-01", "valid_to": "2025-01-01"}

    def update_data(self, obj):
        return {**self.form_data(None), "kind": obj.kind, "number": obj.number}


class ListEntryScopeTests(ModelScopeTests):
    model = ListEntry
    region_only = True

    @classmethod
    def make_object(cls, unit):
        return ListEntry.objects.create(enterprise=make_enterprise(), kind="producer",
                                        listed_on=datetime.date(2020, 5, 20), unit=unit)

    def form_data(self, unit):
        return {"enterprise": Enterprise.objects.get(credit_code=code(900)).pk, "kind": "exporter",
                "listed_on": "2020-05-21", "source": "商务部门", "unit": unit.pk if unit else ""}

    def update_data(self, obj):
        return {**self.form_data(obj.unit), "kind": obj.kind}


class LetterScopeTests(ModelScopeTests):
    model = Letter

    @classmethod
    def make_object(cls, unit):
        return Letter.objects.create(enterprise=make_enterprise(), unit=unit, kind="warning",
                                     date=datetime.date(2020, 5, 18))

    def form_data(self, unit):
        return {"unit": unit.pk, "enterprise": Enterprise.objects.get(credit_code=code(900)).pk, "kind": "commitment",
                "date": "2020-05-19", "number": "", "notes": ""}

    def test_scan_must_be_pdf_or_image(self):
        self.login("shenyang_samr")
        data = self.form_data(self.users["shenyang_samr"].unit)
        fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
        response = self.client.post("/enterprises/letter/add/", {**data, "document": fake})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "不是 PDF 或图片", status_code=400)
        exe = SimpleUploadedFile("scan.exe", b"%PDF-1.4", content_type="application/octet-stream")
        self.assertEqual(self.client.post("/enterprises/letter/add/", {**data, "document": exe}).status_code, 400)
        ok = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf")
        self.assertEqual(self.client.post("/enterprises/letter/add/", {**data, "document": ok}).status_code, 302)
        self.assertTrue(Letter.objects.filter(kind="commitment").exclude(document="").exists())

    def test_enterprise_detail_shows_panels(self):
        self.login("shenyang_samr")
        response = self.client.get(self.obj.enterprise.get_absolute_url())
        self.assertContains(response, "panel-letters")
        self.assertContains(response, "提醒告诫函")
        self.login("shenyang_police")  # sees the enterprise, not the market line's letter
        response = self.client.get(self.obj.enterprise.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "提醒告诫函</a>")


class LetterBatchScopeTests(ModelScopeTests):
    model = LetterBatch

    @classmethod
    def make_object(cls, unit):
        return LetterBatch.objects.create(unit=unit, kind="warning", date=datetime.date(2020, 5, 22),
                                          number_prefix="沈市监告〔2020〕甲", body="请落实主体责任。")

    def form_data(self, unit):
        producer(unit)  # somebody to write to, in the unit's area
        return {"unit": unit.pk, "kind": "warning", "category": "", "date": "2020-05-22",
                "number_prefix": "沈市监告〔2020〕", "body": "{{ 企业名称 }}：请落实主体责任。"}
