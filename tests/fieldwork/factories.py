"""Small builders for field-work tests (plain ORM; the services are tested separately), and the
factory of each registered field-work model (tests/factories.py: `inspection`, `sample`, ...)."""
from __future__ import annotations

import datetime
import itertools

from rectify.accounts.models import User
from rectify.enterprises.models import Enterprise
from rectify.fieldwork.models import (
    Bulletin,
    CollectiveInterview,
    CovertVisit,
    Disposal,
    ExportCheck,
    FastTest,
    IndustryAssociation,
    Inspection,
    InspectionOutcome,
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
from rectify.organisations.models import Department, ProductCategory, Region
from tests.enforcement.factories import case as enforcement_case
from tests.enterprises.factories import enterprise as placed_enterprise
from tests.factories import number
from tests.factories import unit as unit_of

_seq = itertools.count(1)
D = datetime.date


def enterprise(city: str = "210100", name: str | None = None, county: str | None = None) -> Enterprise:
    return Enterprise.objects.create(name=name or f"测试防护用品有限公司{next(_seq)}号",
                                     region=Region.objects.get(code=city),
                                     county=Region.objects.get(code=county) if county else None, is_producer=True)


def category(code: str = "mask") -> ProductCategory:
    return ProductCategory.objects.get(code=code)


def officers(unit, n: int = 2) -> list[User]:
    return [User.objects.create_user(username=f"officer_{unit.code}_{next(_seq)}", password="x", unit=unit,
                                     full_name=f"执法员{i}", is_enforcement_officer=True) for i in range(n)]


def inspection(unit=None, ent=None, outcome: str = "passed") -> Inspection:
    unit = unit or unit_of("210100-samr")
    ent = ent or enterprise(unit.city.code if unit.city.level == "city" else "210100")
    obj = Inspection.objects.create(unit=unit, enterprise=ent, date=D(2020, 5, 20), staff_dispatched=2)
    obj.inspectors.set(officers(unit))
    InspectionOutcome.objects.create(inspection=obj, category=category(), outcome=outcome, enterprise=ent,
                                     date=obj.date,
                                     region=obj.region, county=obj.county, line=obj.line)
    return obj


def sample(unit=None, ent=None, result: str = "conforming", batch: str = "B20200501") -> Sample:
    unit = unit or unit_of("210100-samr")
    ent = ent or enterprise()
    return Sample.objects.create(unit=unit, enterprise=ent, product_name="一次性使用医用口罩", category=category(),
                                 batch_number=batch, sampled_on=D(2020, 5, 25), result=result, final_result=result,
                                 failing_items="细菌过滤效率" if result == "nonconforming" else "")


# The factories of the registered field-work models (tests/factories.py). Their enterprises are
# placed where the owner unit's users see them, their searched values numbered.

def measure(unit=None) -> Measure:
    n = number()
    return Measure.objects.create(inspection=inspection(unit, placed_enterprise(unit)), kind="interview",
                                  date=D(2020, 5, 21), case_number=f"责令{n}号", notes=f"约谈记录{n}号")


def sampling_task(unit=None) -> SamplingTask:
    n = number()
    return SamplingTask.objects.create(unit=unit or unit_of("210100-samr"), name=f"监督抽查任务{n}号",
                                       category=category(),
                                       period_start=D(2020, 5, 20), period_end=D(2020, 6, 20), planned_batches=30)


def disposal(unit=None) -> Disposal:
    s = sample(unit, placed_enterprise(unit), result="nonconforming", batch=f"FB{number()}号")
    return Disposal.objects.create(sample=s, unit=s.unit, enterprise=s.enterprise, category=s.category,
                                   batch_number=s.batch_number, case_number=f"处置{number()}号")


def export_check(unit=None) -> ExportCheck:
    n = number()
    unit = unit or unit_of("210200-customs_dl")
    producer = placed_enterprise(unit)
    return ExportCheck.objects.create(unit=unit, declaration_number=f"0901{n:08d}", checked_on=D(2020, 5, 30),
                                      exporter=producer, producer=producer, enterprise=producer, category=category(),
                                      product_name=f"KN95口罩{n}号", batches_checked=3, batches_nonconforming=1,
                                      destination_country="意大利", action_taken="returned")


def recall(unit=None) -> Recall:
    n = number()
    unit = unit or unit_of("210100-commerce")
    return Recall.objects.create(unit=unit, enterprise=placed_enterprise(unit), category=category(),
                                 product_name=f"召回口罩{n}号", batch_number=f"RB{n}号", quantity=500,
                                 recalled_on=D(2020, 6, 3), reason="抽检不合格")


def ledger_entry(unit=None) -> LedgerEntry:
    n = number()
    unit = unit or unit_of("210100-samr")
    return LedgerEntry.objects.create(unit=unit, seller=placed_enterprise(unit), buyer=placed_enterprise(unit),
                                      product_name=f"口罩{n}号", batch_number=f"LB{n}号", quantity=100,
                                      traded_on=D(2020, 5, 20))


def testing_institution(unit=None) -> TestingInstitution:
    n = number()
    return TestingInstitution.objects.create(unit=unit or unit_of("210000-samr"), name=f"测试检验院{n}号",
                                             is_testing_lab=True, accreditation_number=f"CMA-{n}号",
                                             scope_text=f"口罩检验{n}号")


def covert_visit(unit=None) -> CovertVisit:
    n = number()
    return CovertVisit.objects.create(unit=unit or unit_of("210000-office"),
                                      visited_city=Region.objects.get(code="210100"),
                                      start_date=D(2020, 6, 2), end_date=D(2020, 6, 4), team=f"暗访{n}组",
                                      findings=f"暗访发现{n}号", requirements=f"整改要求{n}号",
                                      response_due=D(2020, 6, 10))


def collective_interview(unit=None) -> CollectiveInterview:
    n = number()
    unit = unit or unit_of("210100-samr")
    invited = [placed_enterprise(unit), placed_enterprise(unit)]
    obj = CollectiveInterview.objects.create(unit=unit, date=D(2020, 6, 5), topic=f"集中约谈{n}号",
                                             commitments_signed=1, follow_up=f"回访核实{n}号")
    obj.invited.set(invited)
    obj.attended.set(invited[:1])
    return obj


def scheduling_meeting(unit=None, attendees: tuple[str, ...] = ("210100-commerce",)) -> SchedulingMeeting:
    n = number()
    obj = SchedulingMeeting.objects.create(unit=unit or unit_of("210100-samr"), date=D(2020, 6, 1),
                                           title=f"调度会议{n}号", minutes=f"会议纪要{n}号")
    obj.attendees.set([unit_of(code) for code in attendees])
    return obj


def meeting_task(unit=None, assignee: str = "210100-commerce") -> MeetingTask:
    """A task of a new meeting convened by `unit`, assigned to an attending unit."""
    n = number()
    meeting = scheduling_meeting(unit, attendees=(assignee,))
    return MeetingTask.objects.create(meeting=meeting, description=f"议定事项{n}号：督促企业落实召回",
                                      assignee=unit_of(assignee), deadline=D(2020, 6, 10))


def bulletin(unit=None, to: tuple[str, ...] = ("210100-police",), kind: str = "public_opinion") -> Bulletin:
    """A bulletin of `unit` already sent to the units `to` (their departments and cities chosen)."""
    n = number()
    receivers = [unit_of(code) for code in to]
    obj = Bulletin.objects.create(unit=unit or unit_of("210100-samr"), kind=kind, title=f"舆情通报{n}号",
                                  content=f"网传口罩哄抬价格{n}号", issued_on=D(2020, 6, 2))
    obj.to_departments.set(Department.objects.filter(pk__in={u.department_id for u in receivers}))
    obj.to_regions.set(Region.objects.filter(pk__in={u.region_id for u in receivers}))
    obj.recipients.set(receivers)
    return obj


def fast_test(unit=None) -> FastTest:
    """A fast-track test of a new case of `unit`, sent to a new testing institution."""
    n = number()
    return FastTest.objects.create(case=enforcement_case(unit or unit_of("210100-samr")),
                                   institution=testing_institution(),
                                   requested_on=D(2020, 5, 25), samples=f"涉案口罩{n}号", items="细菌过滤效率",
                                   deadline=D(2020, 5, 28))


def industry_association(unit=None) -> IndustryAssociation:
    """An association guided by `unit`, with two member enterprises its users see."""
    n = number()
    unit = unit or unit_of("210100-samr")
    obj = IndustryAssociation.objects.create(unit=unit, name=f"防护用品行业协会{n}号", contact=f"联系人{n}号")
    obj.members.set([placed_enterprise(unit), placed_enterprise(unit)])
    return obj


def self_discipline_convention(unit=None) -> SelfDisciplineConvention:
    n = number()
    return SelfDisciplineConvention.objects.create(association=industry_association(unit),
                                                   title=f"诚信经营自律公约{n}号", adopted_on=D(2020, 5, 20),
                                                   content=f"不哄抬价格{n}号")


def member_commitment(unit=None) -> MemberCommitment:
    """A member's commitment to a new convention of a new association guided by `unit`."""
    n = number()
    convention = self_discipline_convention(unit)
    return MemberCommitment.objects.create(convention=convention, enterprise=convention.association.members.first(),
                                           signed_on=D(2020, 5, 22), content=f"承诺明码标价{n}号")


def publicity_report(unit=None) -> PublicityReport:
    n = number()
    return PublicityReport.objects.create(unit=unit or unit_of("210100-samr"), published_on=D(2020, 5, 20),
                                          channel="wechat", outlet="沈阳市场监管", title=f"防疫物资专项整治宣传{n}号",
                                          link=f"https://example.gov.cn/news/{n}")
