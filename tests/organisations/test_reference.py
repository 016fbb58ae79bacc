"""The organisation loaded by migrations (organisations/reference.py)."""
import datetime

from django.test import TestCase

from rectify.organisations.models import Campaign, Department, Region, Unit


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
                         ["口罩", "呼吸机", "防护服", "红外体温计（额温枪）", "新型冠状病毒检测试剂", "熔喷布",
                          "无纺布", "红外传感器"])
        self.assertEqual(campaign.case_categories.count(), 6)
