"""Generic scope tests for every model the organisations app registers (reference data)."""
import datetime

from rectify.organisations.models import (
    Campaign,
    CaseCategory,
    CityDeliverable,
    Deliverable,
    Department,
    Phase,
    ProductCategory,
    Region,
    Unit,
)
from rectify.testing import ModelScopeTests, ReferenceScopeTests


class RegionTests(ReferenceScopeTests):
    model = Region

    @classmethod
    def make_object(cls, unit):
        return Region.objects.create(code="210115", name="辽中区", level="county",
                                     parent=Region.objects.get(code="210100"))

    def form_data(self, unit):
        return {"code": "210123", "name": "康平县", "level": "county", "parent": Region.objects.get(code="210100").pk}


class DepartmentTests(ReferenceScopeTests):
    model = Department

    @classmethod
    def make_object(cls, unit):
        return Department.objects.create(code="health", name="卫生健康委员会", short_name="卫健", line="market",
                                         order=9)

    def form_data(self, unit):
        return {"code": "sport", "name": "体育局", "short_name": "体育", "line": "market", "order": 10}


class UnitTests(ReferenceScopeTests):
    model = Unit

    @classmethod
    def make_object(cls, unit):
        return Unit.objects.create(code="210103-samr-2", name="沈阳市沈河区市场监督管理局分局",
                                   department=Department.objects.get(code="samr"),
                                   region=Region.objects.get(code="210103"))

    def form_data(self, unit):
        return {"code": "210104-samr-2", "name": "沈阳市大东区市场监督管理局分局",
                "department": Department.objects.get(code="samr").pk, "region": Region.objects.get(code="210104").pk,
                "is_active": "on"}


def _campaign_data(code):
    return {"code": code, "name": "2021年专项整治", "region": Region.objects.get(code="210000").pk,
            "start": "2021-03-01", "end": "2021-05-31", "weekly_deadline_weekday": 4, "weekly_deadline_time": "16:00",
            "final_summary_due": "2021-05-25", "is_active": ""}


class CampaignTests(ReferenceScopeTests):
    model = Campaign

    @classmethod
    def make_object(cls, unit):
        return Campaign.objects.create(code="next", name="下一次专项行动", region=Region.objects.get(code="210000"),
                                       start=datetime.date(2021, 1, 1), end=datetime.date(2021, 2, 1),
                                       final_summary_due=datetime.date(2021, 1, 25), is_active=False)

    def form_data(self, unit):
        return _campaign_data("c2021")

    def update_data(self, obj):
        return _campaign_data(obj.code)

    def test_end_before_start_is_refused_with_a_reason(self):
        self.login("sysadmin")
        response = self.client.post("/org/campaign/add/", {**_campaign_data("bad"), "end": "2021-01-01"})
        self.assertEqual(response.status_code, 400)


class PhaseTests(ReferenceScopeTests):
    model = Phase

    @classmethod
    def make_object(cls, unit):
        return Phase.objects.create(campaign=Campaign.objects.get(code="ln-2020-epidemic-supplies"), name="回头看",
                                    start=datetime.date(2020, 7, 1), end=datetime.date(2020, 7, 10), order=4)

    def form_data(self, unit):
        return {"campaign": Campaign.objects.get(code="ln-2020-epidemic-supplies").pk, "name": "巩固阶段",
                "start": "2020-07-11", "end": "2020-07-20", "order": 5, "tasks": "巩固成果"}


class ProductCategoryTests(ReferenceScopeTests):
    model = ProductCategory

    @classmethod
    def make_object(cls, unit):
        return ProductCategory.objects.create(campaign=Campaign.objects.get(code="ln-2020-epidemic-supplies"),
                                              code="goggles", name="护目镜", order=9)

    def form_data(self, unit):
        return {"campaign": Campaign.objects.get(code="ln-2020-epidemic-supplies").pk, "code": "gloves",
                "name": "医用手套", "name_en": "Gloves", "order": 10}


class CaseCategoryTests(ReferenceScopeTests):
    model = CaseCategory

    @classmethod
    def make_object(cls, unit):
        return CaseCategory.objects.create(campaign=Campaign.objects.get(code="ln-2020-epidemic-supplies"), code="ip",
                                           name="知识产权类", order=7)

    def form_data(self, unit):
        return {"campaign": Campaign.objects.get(code="ln-2020-epidemic-supplies").pk, "code": "env", "name": "环境类",
                "order": 8, "line": ""}


def _first_phase():
    return Campaign.objects.get(code="ln-2020-epidemic-supplies").phases.get(name="准备阶段")


class DeliverableTests(ReferenceScopeTests):
    model = Deliverable

    @classmethod
    def make_object(cls, unit):
        return Deliverable.objects.create(phase=_first_phase(), name="梳理违法问题线索", due=datetime.date(2020, 5, 25),
                                          order=5)

    def form_data(self, unit):
        return {"phase": _first_phase().pk, "name": "成立市级专项工作组", "description": "明确责任分工",
                "due": "2020-05-20", "order": 6, "kind": "other"}

    def update_data(self, obj):
        return {"phase": obj.phase_id, "name": obj.name, "description": "", "due": "2020-05-24", "order": 5,
                "kind": "other"}


class CityDeliverableTests(ModelScopeTests):
    """A city's row is seen by every unit of its city (no line) and by the provincial units; it is
    written only by the workflow's steps, so the generic write pages do not exist."""

    model = CityDeliverable
    owner_unit = "210100-office"
    region_only = True
    writer = None
    deleter = None

    @classmethod
    def make_object(cls, unit):
        deliverable = Deliverable.objects.create(phase=_first_phase(), name="梳理违法问题线索",
                                                 due=datetime.date(2020, 5, 25), order=5)
        return CityDeliverable.objects.create(deliverable=deliverable, unit=unit, due=deliverable.due)
