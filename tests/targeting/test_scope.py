"""The generic scope tests for every registered targeting model."""
from django.utils import timezone

from rectify.fieldwork.models import ExportCheck
from rectify.targeting.models import (
    CertificateCheck,
    ConflictOfInterest,
    Draw,
    ExportFlag,
    ExportListEntry,
    ExportListRule,
    RiskScore,
    RiskWeight,
    SamplingPlan,
)
from rectify.testing import ModelScopeTests, ReferenceScopeTests
from tests.fieldwork import factories as f

EVERYONE = ("province_office", "province_samr", "shenyang_office", "shenyang_samr", "dalian_office", "customs_dl",
            "shenyang_police")


class RiskScoreTests(ModelScopeTests):
    model = RiskScore
    region_only = True

    @classmethod
    def make_object(cls, unit):
        return RiskScore.objects.create(enterprise=f.enterprise("210100"), category=f.category(), score=40,
                                        reasons=[{"factor": "complaints", "label": "投诉举报", "count": 1, "points": 15,
                                                  "detail": "1次"}], computed_at=timezone.now())


class RiskWeightTests(ReferenceScopeTests):
    model = RiskWeight

    @classmethod
    def make_object(cls, unit):
        return RiskWeight.objects.create(factor="complaints", weight=15, description="投诉举报次数")

    def form_data(self, unit):
        return {"factor": "serious_list", "weight": 40, "max_count": 1, "window_days": 90, "is_active": "on",
                "description": "严重违法失信"}


class SamplingPlanTests(ModelScopeTests):
    model = SamplingPlan

    @classmethod
    def make_object(cls, unit):
        f.enterprise("210100").categories.add(f.category())
        return SamplingPlan.objects.create(unit=unit, name="口罩风险抽检计划", category=f.category(),
                                           period_start=f.D(2020, 6, 1),
                                           period_end=f.D(2020, 6, 20), seed=7)

    def form_data(self, unit):
        return {"unit": unit.pk, "name": "防护服风险抽检", "category": f.category().pk, "period_start": "2020-06-01",
                "period_end": "2020-06-20", "size": 3, "threshold": 20, "random_percent": 30, "seed": ""}


class DrawTests(ModelScopeTests):
    model = Draw

    @classmethod
    def make_object(cls, unit):
        f.enterprise("210100")
        return Draw.objects.create(unit=unit, number="SSJ-T-01", name="口罩生产企业双随机检查",
                                   period_start=f.D(2020, 6, 1),
                                   period_end=f.D(2020, 6, 10), target_count=1, seed=1, drawn_at=timezone.now(),
                                   inputs={"targets": [], "inspectors": [], "conflicts": [], "target_count": 1,
                                           "flagged_percent": 50, "inspectors_per_target": 2})

    def form_data(self, unit):
        return {"unit": unit.pk, "name": "双随机检查", "period_start": "2020-06-01", "period_end": "2020-06-10",
                "category": "", "target_region": "", "target_count": 1, "flagged_percent": 50,
                "inspectors_per_target": 2, "seed": ""}


class ConflictOfInterestTests(ModelScopeTests):
    model = ConflictOfInterest

    @classmethod
    def make_object(cls, unit):
        cls.ent = f.enterprise("210100")
        first, cls.other = f.officers(unit, 2)
        return ConflictOfInterest.objects.create(unit=unit, officer=first, enterprise=cls.ent, reason="亲属任职",
                                                 declared_on=f.D(2020, 5, 20))

    def form_data(self, unit):
        return {"unit": unit.pk, "officer": self.other.pk, "enterprise": self.ent.pk, "reason": "曾在该企业任职",
                "declared_on": "2020-05-21"}


class CertificateCheckTests(ModelScopeTests):
    model = CertificateCheck

    @classmethod
    def make_object(cls, unit):
        cls.ent = f.enterprise("210100")
        return CertificateCheck.objects.create(unit=unit, number="国械注准20200000001", kind="device_registration",
                                               enterprise=cls.ent, on_date=f.D(2020, 5, 20), flagged=True,
                                               reason="证书编号不存在")

    def form_data(self, unit):
        return {"unit": unit.pk, "number": "辽械注准20209999999", "kind": "device_registration",
                "enterprise": self.ent.pk,
                "category": f.category().pk, "on_date": "2020-05-21", "institution": "", "institution_name": ""}


class ExportListRuleTests(ReferenceScopeTests):
    model = ExportListRule

    @classmethod
    def make_object(cls, unit):
        return ExportListRule.objects.create(category=f.category("mask"), white_list_required=True,
                                             notes="商务部白名单公告")

    def form_data(self, unit):
        return {"category": f.category("nonwoven").pk, "white_list_required": "on", "notes": "商务部公告"}


class ExportListEntryTests(ModelScopeTests):
    model = ExportListEntry
    owner_unit = "210000-samr"
    visible_to = EVERYONE
    hidden_from = ()
    writer = "province_samr"
    deleter = "province_office"

    @classmethod
    def make_object(cls, unit):
        return ExportListEntry.objects.create(unit=unit, list_kind="negative", name="某某口罩有限公司",
                                              category=f.category(),
                                              listed_from=f.D(2020, 4, 26), source="市场监管总局")

    def form_data(self, unit):
        return {"unit": unit.pk, "list_kind": "white", "name": "辽宁佳禾防护用品有限公司", "credit_code": "",
                "enterprise": "",
                "category": f.category().pk, "product": "非医用口罩", "listed_from": "2020-04-26", "listed_to": "",
                "source": "商务部"}

    def test_city_clerk_cannot_write_the_list(self):
        self.login("shenyang_samr")
        response = self.client.post("/targeting/exportlistentry/add/", self.form_data(self.unit("210100-samr")))
        self.assertNotEqual(response.status_code, 302)
        self.assertFalse(ExportListEntry.objects.filter(name="辽宁佳禾防护用品有限公司").exists())


class ExportFlagTests(ModelScopeTests):
    model = ExportFlag
    owner_unit = "210200-customs_dl"
    visible_to = ("province_office", "customs_dl")
    hidden_from = ("dalian_office", "dalian_samr", "customs_sy", "shenyang_office", "shenyang_samr", "province_samr")
    writer = "customs_dl"

    @classmethod
    def make_object(cls, unit):
        producer = f.enterprise("210600")
        check = ExportCheck.objects.create(unit=unit, declaration_number="090120209001", checked_on=f.D(2020, 5, 30),
                                           exporter=f.enterprise("210200"), producer=producer, enterprise=producer,
                                           category=f.category(), batches_checked=1, destination_country="意大利")
        return ExportFlag.objects.create(unit=unit, export_check=check, kind="negative_listed", reason="列入负面清单")
