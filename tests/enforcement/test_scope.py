"""Generic page/API/scope tests for every registered enforcement model."""
from rectify.enforcement.models import Case as CaseModel
from rectify.enforcement.models import (
    Complaint,
    CreditRecord,
    Exposure,
    JointPunishment,
    JointPunishmentAction,
    Lead,
    Problem,
    Supervision,
    Transfer,
    TransferThreshold,
    ViolationType,
)
from rectify.organisations.models import Unit
from rectify.testing import ModelScopeTests, ReferenceScopeTests

from .helpers import case, case_category, category, d, enterprise, unit


class ComplaintScopeTests(ModelScopeTests):
    model = Complaint

    @classmethod
    def make_object(cls, owner):
        return Complaint.objects.create(unit=owner, number="C-0001", received_on=d("2020-05-20"),
                                        content="口罩价格过高", reporter_name="张三", reporter_phone="13812341234",
                                        subject_name="某口罩店")

    def form_data(self, owner):
        return {"unit": owner.pk, "number": "C-0002", "kind": "complaint", "channel": "hotline",
                "received_on": "2020-05-21", "anonymous": "", "reporter_name": "李四", "reporter_phone": "13900001111",
                "reporter_id_number": "", "enterprise": "", "subject_name": "某药店", "subject_credit_code": "",
                "product_category": category().pk, "content": "高价销售口罩"}


class LeadScopeTests(ModelScopeTests):
    model = Lead

    @classmethod
    def make_object(cls, owner):
        return Lead.objects.create(unit=owner, source="complaint", description="某店高价销售口罩")

    def form_data(self, owner):
        return {"unit": owner.pk, "source": "inspection", "description": "检查发现三无口罩", "enterprise": "",
                "product_category": category().pk}


class TransferScopeTests(ModelScopeTests):
    model = Transfer
    visible_to = ModelScopeTests.visible_to + ("heping_samr",)  # the receiver

    @classmethod
    def make_object(cls, owner):
        lead = Lead.objects.create(unit=owner, source="complaint", description="线索")
        return Transfer.objects.create(unit=owner, lead=lead, to_unit=Unit.objects.get(code="210102-samr"),
                                       reason="属地管辖", sent_at="2020-05-22T10:00:00+08:00")

    def update_data(self, obj):
        return {"reason": "属地管辖（补充说明）"}


class CaseScopeTests(ModelScopeTests):
    model = CaseModel

    @classmethod
    def make_object(cls, owner):
        return case(owner, ent=enterprise("210100"))

    def form_data(self, owner):
        return {"unit": owner.pk, "number": "SY-NEW-1", "title": "哄抬口罩价格", "enterprise": "",
                "product_category": category().pk, "case_category": case_category("price").pk, "police_kind": "",
                "violation_types": [ViolationType.objects.get(code="price_gouging").pk], "source": "complaint",
                "source_lead": "", "source_complaint": "", "goods_value": "1000", "units_investigated": 1,
                "staff_dispatched": 4, "facts": "事实"}


class SupervisionScopeTests(ModelScopeTests):
    model = Supervision
    writer = "province_office"
    deleter = "province_office"  # the listing is the province's: the city cannot remove it

    @classmethod
    def make_object(cls, owner):
        c = case(owner, ent=enterprise("210100"))
        return Supervision.objects.create(case=c, listed_by=unit("210000-office"), listed_on=d("2020-05-25"),
                                          deadline=d("2020-06-20"), requirement="限期查结")

    def form_data(self, owner):
        # Another case of the same owner: the object's own case is listed already, and is listed once.
        listed = case(self.obj.case.unit, ent=enterprise("210100"))
        return {"case": listed.pk, "listed_on": "2020-05-26", "deadline": "2020-06-24", "requirement": "从严查处"}


class CreditRecordScopeTests(ModelScopeTests):
    model = CreditRecord
    region_only = True

    @classmethod
    def make_object(cls, owner):
        cls.ent = enterprise("210100")
        return CreditRecord.objects.create(unit=owner, enterprise=cls.ent, recorded_on=d("2020-06-01"),
                                           summary="行政处罚")

    def form_data(self, owner):
        return {"unit": owner.pk, "enterprise": self.ent.pk, "case": "", "kind": "abnormal",
                "recorded_on": "2020-06-02", "decision_number": "", "amount": "0", "summary": "列入经营异常名录",
                "restrictions": "不得享受评优评先", "ends_on": "", "is_public": "on"}


class JointPunishmentScopeTests(ModelScopeTests):
    model = JointPunishment
    region_only = True

    @classmethod
    def make_object(cls, owner):
        cls.ent = enterprise("210100")
        return JointPunishment.objects.create(unit=owner, enterprise=cls.ent, decided_on=d("2020-06-05"),
                                              basis="多次违法")

    def form_data(self, owner):
        return {"unit": owner.pk, "enterprise": self.ent.pk, "case": "", "decided_on": "2020-06-06",
                "basis": "联合约谈"}


class JointPunishmentActionScopeTests(ModelScopeTests):
    model = JointPunishmentAction

    @classmethod
    def make_object(cls, owner):
        p = JointPunishment.objects.create(unit=unit("210100-office"), enterprise=enterprise("210100"),
                                           decided_on=d("2020-06-05"), basis="多次违法")
        return JointPunishmentAction.objects.create(punishment=p, unit=owner, measure="interview")

    def form_data(self, owner):
        return {"punishment": self.obj.punishment_id, "unit": owner.pk, "measure": "publicity", "action": "已公示",
                "done_on": "2020-06-08"}


class ExposureScopeTests(ModelScopeTests):
    model = Exposure
    region_only = True

    @classmethod
    def make_object(cls, owner):
        return Exposure.objects.create(unit=owner, title="沈阳某店哄抬口罩价格案",
                                       public_text="当事人哄抬口罩价格，被罚款5万元。")

    def form_data(self, owner):
        return {"unit": owner.pk, "case": "", "title": "某店销售三无口罩案",
                "public_text": "当事人销售三无口罩，被没收违法所得。"}


class ProblemScopeTests(ModelScopeTests):
    model = Problem

    @classmethod
    def make_object(cls, owner):
        return Problem.objects.create(unit=owner, source="inspection", description="进货台账不全",
                                      requirement="建立购销台账", deadline=d("2020-06-10"))

    def form_data(self, owner):
        return {"unit": owner.pk, "source": "visit", "enterprise": "", "description": "标签不规范",
                "requirement": "整改标签", "deadline": "2020-06-15", "rectification": ""}


class ViolationTypeScopeTests(ReferenceScopeTests):
    model = ViolationType

    @classmethod
    def make_object(cls, owner):
        return ViolationType.objects.create(code="smuggling", name="走私", order=99)

    def form_data(self, owner):
        return {"code": "fraud", "name": "虚假宣传", "order": 100}


class TransferThresholdScopeTests(ReferenceScopeTests):
    model = TransferThreshold

    @classmethod
    def make_object(cls, owner):
        return TransferThreshold.objects.create(name="测试标准", penalty_amount="100000")

    def form_data(self, owner):
        return {"name": "新标准", "penalty_amount": "80000", "goods_value": "", "violation_types": [],
                "is_active": "on", "basis": "测试"}
