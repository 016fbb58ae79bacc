"""The generic scope tests for every registered field-work model."""
from rectify.fieldwork.models import (
    Bulletin,
    CollectiveInterview,
    CovertVisit,
    Disposal,
    ExportCheck,
    FastTest,
    IndustryAssociation,
    Inspection,
    LedgerEntry,
    Measure,
    MeetingTask,
    MemberCommitment,
    PublicityReport,
    Recall,
    Sample,
    SamplingTask,
    SchedulingMeeting,
    SelfDisciplineConvention,
    TestingInstitution,
)
from rectify.organisations.models import Department, Region
from rectify.testing import ModelScopeTests

from . import factories as f

EVERYONE = ("province_office", "province_samr", "shenyang_office", "shenyang_samr", "dalian_office", "customs_dl",
            "shenyang_police")


class InspectionTests(ModelScopeTests):
    model = Inspection

    @classmethod
    def make_object(cls, unit):
        cls.ent = f.enterprise("210100")
        cls.team = f.officers(unit)
        return f.inspection(unit, cls.ent)

    def form_data(self, unit):
        return {"unit": unit.pk, "enterprise": self.ent.pk, "date": "2020-05-21",
                "inspectors": [u.pk for u in self.team],
                "staff_dispatched": 3, "check_licence": "on", "notes": "现场检查", "outcome_mask": "passed",
                "outcome_nonwoven": "failed_other"}

    def api_data(self, unit):
        data = super().api_data(unit)
        data["outcomes"] = [{"category": f.category("mask").pk, "outcome": "passed"}]
        return data


class MeasureTests(ModelScopeTests):
    model = Measure

    @classmethod
    def make_object(cls, unit):
        cls.inspection = f.inspection(unit)
        return Measure.objects.create(inspection=cls.inspection, kind="interview", date=f.D(2020, 5, 21))

    def form_data(self, unit):
        return {"inspection": self.inspection.pk, "kind": "order_rectify", "date": "2020-05-22",
                "deadline": "2020-06-05",
                "case_number": "", "notes": "限期整改"}


class SamplingTaskTests(ModelScopeTests):
    model = SamplingTask

    @classmethod
    def make_object(cls, unit):
        return SamplingTask.objects.create(unit=unit, name="口罩监督抽查", category=f.category(),
                                           period_start=f.D(2020, 5, 20),
                                           period_end=f.D(2020, 6, 20), planned_batches=30)

    def form_data(self, unit):
        return {"unit": unit.pk, "name": "防护服专项抽查", "category": f.category("protective_suit").pk,
                "period_start": "2020-05-26", "period_end": "2020-06-24", "planned_batches": 20, "notes": ""}


class SampleTests(ModelScopeTests):
    model = Sample

    @classmethod
    def make_object(cls, unit):
        cls.ent = f.enterprise()
        return f.sample(unit, cls.ent)

    def form_data(self, unit):
        return {"unit": unit.pk, "task": "", "enterprise": self.ent.pk, "product_name": "医用防护口罩",
                "category": f.category().pk, "batch_number": "P0601", "quantity": 20, "production_date": "2020-05-01",
                "sampled_on": "2020-05-28", "stage": "circulation", "testing_institution": "", "report_number": "R-1",
                "items_tested": "过滤效率", "standard": "GB 19083-2010", "result": "conforming", "failing_items": "",
                "notified_on": ""}


class DisposalTests(ModelScopeTests):
    model = Disposal

    @classmethod
    def make_object(cls, unit):
        s = f.sample(unit, result="nonconforming")
        return Disposal.objects.create(sample=s, unit=unit, enterprise=s.enterprise, category=s.category,
                                       batch_number=s.batch_number)

    def update_data(self, obj):
        return {"cause_analysis_on": "2020-06-01", "cause_analysis": "原料不合格", "recall_ordered_on": "2020-06-02",
                "quantity_to_recall": 1000, "quantity_returned": 800, "recall_completed_on": "2020-06-10",
                "flow_traced_on": "", "flow_trace_notes": "", "case_number": "", "case_opened_on": "", "exposed_on": "",
                "exposure_notes": ""}


class ExportCheckTests(ModelScopeTests):
    """Customs (Dalian district) checks an export whose producer is in Dandong: the record belongs
    to Dandong, so Dalian's own office does not see it, Dalian Customs (covering Dandong) does."""

    model = ExportCheck
    owner_unit = "210200-customs_dl"
    visible_to = ("province_office", "customs_dl")
    hidden_from = ("dalian_office", "dalian_samr", "customs_sy", "shenyang_office", "shenyang_samr", "province_samr")
    writer = "customs_dl"
    deleter = "province_office"

    @classmethod
    def make_object(cls, unit):
        cls.exporter, cls.producer = f.enterprise("210200"), f.enterprise("210600")
        return ExportCheck.objects.create(unit=unit, declaration_number="090120200001", checked_on=f.D(2020, 5, 30),
                                          exporter=cls.exporter, producer=cls.producer, enterprise=cls.producer,
                                          category=f.category(), batches_checked=3, batches_nonconforming=1,
                                          destination_country="意大利", action_taken="returned")

    def form_data(self, unit):
        return {"unit": unit.pk, "declaration_number": "090120200002", "checked_on": "2020-06-01",
                "exporter": self.exporter.pk,
                "producer": self.producer.pk, "category": f.category().pk, "product_name": "KN95口罩",
                "batches_checked": 5,
                "batches_nonconforming": 0, "destination_country": "德国", "certification_body": "",
                "certification_body_text": "TÜV", "action_taken": "released", "notes": ""}


class RecallTests(ModelScopeTests):
    model = Recall
    owner_unit = "210100-commerce"
    visible_to = ("province_office", "shenyang_office")
    hidden_from = ("shenyang_samr", "province_samr", "dalian_office", "shenyang_police", "customs_dl")
    writer = "shenyang_office"
    deleter = "province_office"  # deleting is the commerce line's (or the province's), not the city office's

    @classmethod
    def make_object(cls, unit):
        cls.ent = f.enterprise()
        return Recall.objects.create(unit=unit, enterprise=cls.ent, category=f.category(), product_name="口罩",
                                     batch_number="B1", quantity=500, recalled_on=f.D(2020, 6, 3), reason="抽检不合格")

    def form_data(self, unit):
        return {"unit": unit.pk, "enterprise": self.ent.pk, "category": f.category().pk, "product_name": "防护服",
                "batch_number": "F2", "quantity": 120, "recalled_on": "2020-06-05", "reason": "标签不合格",
                "sample": ""}


class LedgerEntryTests(ModelScopeTests):
    model = LedgerEntry

    @classmethod
    def make_object(cls, unit):
        cls.seller, cls.buyer = f.enterprise(), f.enterprise()
        return LedgerEntry.objects.create(unit=unit, seller=cls.seller, buyer=cls.buyer, product_name="口罩",
                                          batch_number="L1",
                                          quantity=100, traded_on=f.D(2020, 5, 20))

    def form_data(self, unit):
        return {"unit": unit.pk, "seller": self.seller.pk, "buyer": "", "buyer_name": "某某大药房",
                "product_name": "口罩",
                "category": "", "batch_number": "L2", "quantity": 30, "traded_on": "2020-05-22"}


class TestingInstitutionTests(ModelScopeTests):
    """Kept by the province, read by everyone (cities and customs pick it on their records)."""

    model = TestingInstitution
    owner_unit = "210000-samr"
    visible_to = EVERYONE
    hidden_from = ()
    writer = "province_samr"
    deleter = "province_office"

    @classmethod
    def make_object(cls, unit):
        return TestingInstitution.objects.create(unit=unit, name="辽宁省产品质量监督检验院", is_testing_lab=True,
                                                 accreditation_number="CMA-2020-001")

    def form_data(self, unit):
        return {"unit": unit.pk, "name": "SGS 通标标准技术服务有限公司", "is_testing_lab": "on",
                "is_certification_body": "on",
                "accreditation_number": "CNCA-R-1", "scope_text": "口罩 CE", "jurisdiction": "eu", "status": "valid",
                "valid_from": "2020-01-01", "valid_to": "2022-12-31", "website": "", "notes": ""}

    def test_city_clerk_cannot_add_to_the_directory(self):
        self.login("shenyang_samr")
        response = self.client.post("/fieldwork/testinginstitution/add/",
                                    self.form_data(self.users["shenyang_samr"].unit))
        self.assertEqual(response.status_code, 403)
        self.assertFalse(TestingInstitution.objects.filter(name__startswith="SGS").exists())


class CovertVisitTests(ModelScopeTests):
    """Owned by the provincial office, visible to the visited city's office only."""

    model = CovertVisit
    owner_unit = "210000-office"
    visible_to = ("province_office", "shenyang_office")
    hidden_from = ("shenyang_samr", "province_samr", "dalian_office", "shenyang_police", "customs_dl")
    writer = "province_office"
    deleter = "province_office"

    @classmethod
    def make_object(cls, unit):
        return CovertVisit.objects.create(unit=unit, visited_city=Region.objects.get(code="210100"),
                                          start_date=f.D(2020, 6, 2),
                                          end_date=f.D(2020, 6, 4), team="省专项办 张三、李四",
                                          findings="药店销售三无口罩",
                                          requirements="三日内整改", response_due=f.D(2020, 6, 10))

    def form_data(self, unit):
        return {"unit": unit.pk, "visited_city": Region.objects.get(code="210100").pk, "start_date": "2020-06-08",
                "end_date": "2020-06-09", "team": "暗访组", "findings": "哄抬价格", "requirements": "立即查处",
                "response_due": "2020-06-15", "follow_up": ""}


class CollectiveInterviewTests(ModelScopeTests):
    model = CollectiveInterview

    @classmethod
    def make_object(cls, unit):
        cls.firms = [f.enterprise(), f.enterprise(), f.enterprise()]
        obj = CollectiveInterview.objects.create(unit=unit, date=f.D(2020, 6, 3), topic="口罩价格行为提醒告诫",
                                                 commitments_signed=2, follow_up="三家企业已整改")
        obj.invited.set(cls.firms)
        obj.attended.set(cls.firms[:2])
        return obj

    def form_data(self, unit):
        return {"unit": unit.pk, "date": "2020-06-08", "topic": "防护服质量安全主体责任约谈",
                "invited": [e.pk for e in self.firms], "attended": [self.firms[0].pk], "commitments_signed": 1,
                "follow_up": "", "notes": "行政指导"}


class SchedulingMeetingTests(ModelScopeTests):
    """Convened by Shenyang's market regulator; Dalian Customs attended, so it sees the meeting too
    (read only), though the record is of another city and line."""

    model = SchedulingMeeting
    visible_to = ("province_office", "province_samr", "shenyang_office", "shenyang_samr", "customs_dl")
    hidden_from = ("dalian_office", "dalian_samr", "shenyang_police", "province_police", "customs_sy")

    @classmethod
    def make_object(cls, unit):
        return f.scheduling_meeting(unit, attendees=("210200-customs_dl",))

    def form_data(self, unit):
        return {"unit": unit.pk, "date": "2020-06-03", "title": "防疫物资专项整治第二次调度会",
                "attendees": [self.unit("210100-commerce").pk, self.unit("210100-police").pk],
                "minutes": "通报排查进度，部署下一阶段抽检", "notes": ""}


class MeetingTaskTests(ModelScopeTests):
    """A task belongs to its meeting (Shenyang's market regulator convened it) and is seen by the unit
    it is assigned to — here Shenyang's public security bureau, of another line."""

    model = MeetingTask
    visible_to = ("province_office", "province_samr", "shenyang_office", "shenyang_samr", "shenyang_police")
    hidden_from = ("dalian_office", "dalian_samr", "province_police", "customs_dl")

    @classmethod
    def make_object(cls, unit):
        task = f.meeting_task(unit, assignee="210100-police")
        cls.meeting = task.meeting
        return task

    def form_data(self, unit):
        return {"meeting": self.meeting.pk, "description": "对重点企业开展联合检查",
                "assignee": self.unit("210100-police").pk, "deadline": "2020-06-15"}


class BulletinTests(ModelScopeTests):
    """Sent by Shenyang's market regulator to the public-security line in Shenyang and the province:
    both police units see it (read only), though it is of another line."""

    model = Bulletin
    visible_to = ("province_office", "province_samr", "shenyang_office", "shenyang_samr", "shenyang_police",
                  "province_police")
    hidden_from = ("dalian_office", "dalian_samr", "customs_dl", "customs_sy")

    @classmethod
    def make_object(cls, unit):
        return f.bulletin(unit, to=("210100-police", "210000-police"))

    def form_data(self, unit):
        return {"unit": unit.pk, "kind": "complaint_analysis", "issued_on": "2020-06-05", "title": "本周投诉举报分析",
                "content": "口罩价格类投诉占六成", "to_departments": [Department.objects.get(code="police").pk],
                "to_regions": [Region.objects.get(code="210100").pk]}


class FastTestTests(ModelScopeTests):
    """A test belongs to its case: seen and written as the case is (Shenyang's market regulator)."""

    model = FastTest

    @classmethod
    def make_object(cls, unit):
        test = f.fast_test(unit)
        cls.case, cls.lab = test.case, test.institution
        return test

    def form_data(self, unit):
        return {"case": self.case.pk, "institution": self.lab.pk, "requested_on": "2020-05-26",
                "samples": "涉案KN95口罩20只", "items": "过滤效率、标识", "deadline": "2020-05-29"}


class IndustryAssociationTests(ModelScopeTests):
    model = IndustryAssociation

    @classmethod
    def make_object(cls, unit):
        obj = f.industry_association(unit)
        cls.members = list(obj.members.all())
        return obj

    def form_data(self, unit):
        return {"unit": unit.pk, "name": "沈阳市医疗器械行业协会", "credit_code": "", "contact": "王某 024-0000",
                "members": [e.pk for e in self.members], "notes": ""}


class SelfDisciplineConventionTests(ModelScopeTests):
    model = SelfDisciplineConvention

    @classmethod
    def make_object(cls, unit):
        obj = f.self_discipline_convention(unit)
        cls.association = obj.association
        return obj

    def form_data(self, unit):
        return {"association": self.association.pk, "title": "防疫用品价格自律公约", "adopted_on": "2020-05-21",
                "content": "不囤积居奇，不哄抬价格"}


class MemberCommitmentTests(ModelScopeTests):
    model = MemberCommitment

    @classmethod
    def make_object(cls, unit):
        obj = f.member_commitment(unit)
        cls.convention = obj.convention
        cls.other_member = obj.convention.association.members.exclude(pk=obj.enterprise_id).get()
        return obj

    def form_data(self, unit):
        return {"convention": self.convention.pk, "enterprise": self.other_member.pk, "signed_on": "2020-05-23",
                "content": "承诺明码标价"}

    def update_data(self, obj):
        return {"convention": obj.convention_id, "enterprise": obj.enterprise_id, "signed_on": "2020-05-24",
                "content": "承诺不销售三无产品"}


class PublicityReportTests(ModelScopeTests):
    """A city's publicity, seen by every unit of the city (no line of work)."""

    model = PublicityReport
    region_only = True

    @classmethod
    def make_object(cls, unit):
        return f.publicity_report(unit)

    def form_data(self, unit):
        return {"unit": unit.pk, "published_on": "2020-05-22", "channel": "newspaper", "outlet": "辽沈晚报",
                "title": "我市开展防疫物资专项整治", "link": "https://example.gov.cn/news/2020-05-22", "notes": ""}
