"""The organisation loaded by migrations, and the generic scope tests for reference models."""
import datetime

from django.test import TestCase

from rectify.organisations.models import (
    Campaign,
    CaseCategory,
    Department,
    Phase,
    ProductCategory,
    Region,
    Unit,
)
from rectify.testing import ReferenceScopeTests


class ReferenceDataTests(TestCase):
    def test_province_and_fourteen_cities_with_gb2260_codes(self):
        self.assertEqual(Region.objects.get(level="province").code, "210000")
        cities = dict(Region.objects.filter(level="city").values_list("code", "name"))
        self.assertEqual(len(cities), 14)
        self.assertEqual(cities["210100"], "沈阳市")
        self.assertEqual(cities["211400"], "葫芦岛市")
        self.assertTrue(all(r.parent.code == "210000" for r in Region.objects.filter(level="city")))

    def test_eight_departments_and_customs_cover_several_cities(self):
        self.assertEqual(Department.objects.count(), 8)
        shenyang_customs = Unit.objects.get(code="210100-customs_sy")
        dalian_customs = Unit.objects.get(code="210200-customs_dl")
        sy = set(shenyang_customs.covers.values_list("code", flat=True))
        dl = set(dalian_customs.covers.values_list("code", flat=True))
        self.assertIn("210400", sy)
        self.assertIn("210600", dl)
        self.assertFalse(sy & dl, "a city is in one customs district only")
        self.assertEqual(len(sy | dl), 14)

    def test_every_city_has_an_office_and_member_units(self):
        for city in Region.objects.filter(level="city"):
            self.assertTrue(Unit.objects.filter(region=city, is_office=True).exists(), city)
            self.assertTrue(Unit.objects.filter(region=city, department__code="samr", is_office=False).exists(), city)
        self.assertTrue(Unit.objects.get(code="210000-office").is_provincial_office)

    def test_campaign_phases_and_table_row_order(self):
        campaign = Campaign.objects.get(code="ln-2020-epidemic-supplies")
        self.assertEqual(campaign.start, datetime.date(2020, 5, 15))
        self.assertEqual(campaign.final_summary_due, datetime.date(2020, 6, 25))
        self.assertEqual(campaign.weekly_deadline_weekday, 3)
        self.assertEqual(campaign.weekly_deadline_time, datetime.time(14, 0))
        self.assertEqual([p.start for p in campaign.phases.all()],
                         [datetime.date(2020, 5, 15), datetime.date(2020, 5, 26), datetime.date(2020, 6, 25)])
        self.assertEqual([c.name for c in campaign.categories.all()],
                         ["口罩", "呼吸机", "防护服", "红外体温计（额温枪）", "新型冠状病毒检测试剂", "熔喷布", "无纺布", "红外传感器"])
        self.assertEqual(campaign.case_categories.count(), 6)


class RegionTests(ReferenceScopeTests):
    model = Region

    @classmethod
    def make_object(cls, unit):
        return Region.objects.create(code="210115", name="辽中区", level="county", parent=Region.objects.get(code="210100"))

    def form_data(self, unit):
        return {"code": "210123", "name": "康平县", "level": "county", "parent": Region.objects.get(code="210100").pk}


class DepartmentTests(ReferenceScopeTests):
    model = Department

    @classmethod
    def make_object(cls, unit):
        return Department.objects.create(code="health", name="卫生健康委员会", short_name="卫健", line="market", order=9)

    def form_data(self, unit):
        return {"code": "sport", "name": "体育局", "short_name": "体育", "line": "market", "order": 10}


class UnitTests(ReferenceScopeTests):
    model = Unit

    @classmethod
    def make_object(cls, unit):
        return Unit.objects.create(code="210103-samr-2", name="沈阳市沈河区市场监督管理局分局", department=Department.objects.get(code="samr"),
                                   region=Region.objects.get(code="210103"))

    def form_data(self, unit):
        return {"code": "210104-samr-2", "name": "沈阳市大东区市场监督管理局分局", "department": Department.objects.get(code="samr").pk,
                "region": Region.objects.get(code="210104").pk, "is_active": "on"}


def _campaign_data(code):
    return {"code": code, "name": "2021年专项整治", "region": Region.objects.get(code="210000").pk, "start": "2021-03-01",
            "end": "2021-05-31", "weekly_deadline_weekday": 4, "weekly_deadline_time": "16:00",
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
        return ProductCategory.objects.create(campaign=Campaign.objects.get(code="ln-2020-epidemic-supplies"), code="goggles",
                                              name="护目镜", order=9)

    def form_data(self, unit):
        return {"campaign": Campaign.objects.get(code="ln-2020-epidemic-supplies").pk, "code": "gloves", "name": "医用手套",
                "name_en": "Gloves", "order": 10}


class CaseCategoryTests(ReferenceScopeTests):
    model = CaseCategory

    @classmethod
    def make_object(cls, unit):
        return CaseCategory.objects.create(campaign=Campaign.objects.get(code="ln-2020-epidemic-supplies"), code="ip",
                                           name="知识产权类", order=7)

    def form_data(self, unit):
        return {"campaign": Campaign.objects.get(code="ln-2020-epidemic-supplies").pk, "code": "env", "name": "环境类",
                "order": 8, "line": ""}
