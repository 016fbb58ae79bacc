"""Coverage of listed producers by field work: counts per city × category from inspections and
samples, scoped by the user, and the not-yet-inspected producers listed on the page."""
from django.urls import reverse

from rectify.core.generic.navigation import menu_for
from rectify.enterprises.models import Enterprise
from rectify.fieldwork.models import InspectionOutcome
from rectify.fieldwork.selectors import coverage_counts, coverage_table
from rectify.organisations.models import ProductCategory, Region, Unit
from rectify.testing import WorldTestCase
from tests.fieldwork import factories as f


class CoverageTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        mask, meltblown = f.category("mask"), f.category("meltblown")
        cls.a = f.enterprise("210100", name="沈阳甲口罩厂")
        cls.b = f.enterprise("210100", name="沈阳乙口罩厂")
        cls.c = f.enterprise("210100", name="沈阳丙口罩厂")
        cls.d = f.enterprise("210200", name="大连丁口罩厂")
        cls.a.categories.add(mask, meltblown)
        for e in (cls.b, cls.c, cls.d):
            e.categories.add(mask)
        samr_sy = Unit.objects.get(code="210100-samr")
        # A failed inspection is still an inspection; two inspections of A count it once.
        f.inspection(samr_sy, cls.a, outcome="failed_other")
        second = f.inspection(samr_sy, cls.a)
        InspectionOutcome.objects.create(inspection=second, category=meltblown, outcome="passed", enterprise=cls.a,
                                         date=second.date, region=second.region, county=second.county, line=second.line)
        f.sample(samr_sy, cls.b)
        # C inspected by customs: another line of work, seen by the city office, not by SAMR.
        f.inspection(Unit.objects.get(code="210100-customs_sy"), cls.c)
        f.inspection(Unit.objects.get(code="210200-samr"), cls.d)
        cls.mask, cls.meltblown = mask, meltblown

    def test_counts_are_scoped_by_the_user(self):
        coverage_counts(user=self.users["shenyang_samr"])  # loads the user's roles and unit once
        with self.assertNumQueries(2):  # one DISTINCT (category, enterprise) query per kind
            samr = coverage_counts(user=self.users["shenyang_samr"])
        self.assertEqual(samr["inspected"], {self.mask.pk: {self.a.pk}, self.meltblown.pk: {self.a.pk}})
        self.assertEqual(samr["sampled"], {self.mask.pk: {self.b.pk}})
        office = coverage_counts(user=self.users["shenyang_office"])
        self.assertEqual(office["inspected"][self.mask.pk], {self.a.pk, self.c.pk})
        province = coverage_counts(user=self.users["province_office"])
        self.assertEqual(province["inspected"][self.mask.pk], {self.a.pk, self.c.pk, self.d.pk})
        # Narrowed to given enterprises (ids or a queryset).
        self.assertEqual(coverage_counts([self.d.pk])["inspected"], {self.mask.pk: {self.d.pk}})

    def test_table_and_page_list_the_not_inspected(self):
        categories, rows = coverage_table(self.users["shenyang_samr"])
        self.assertEqual([r.city.code for r in rows], ["210100"])
        cells = {c["category"].code: c for c in rows[0].cells}
        self.assertEqual((cells["mask"]["listed"], cells["mask"]["inspected"], cells["mask"]["sampled"]), (3, 1, 1))
        self.assertEqual([name for _pk, name in cells["mask"]["not_inspected"]], ["沈阳丙口罩厂", "沈阳乙口罩厂"])
        self.assertEqual((cells["meltblown"]["listed"], cells["meltblown"]["inspected"]), (1, 1))
        self.assertEqual(cells["meltblown"]["not_inspected_count"], 0)

        self.login("shenyang_samr")
        page = self.client.get(reverse("fieldwork:coverage"))
        self.assertContains(page, "3 / 1 / 1")
        self.assertContains(page, "未排查 2 家")
        self.assertContains(page, f'href="{reverse("enterprises:enterprise_detail", args=[self.b.pk])}"')
        self.assertContains(page, f'href="{reverse("enterprises:enterprise_detail", args=[self.c.pk])}"')
        self.assertNotContains(page, f'href="{reverse("enterprises:enterprise_detail", args=[self.a.pk])}"')
        self.assertNotContains(page, "大连丁口罩厂")

        self.login("shenyang_office")  # sees customs' inspection of C too
        page = self.client.get(reverse("fieldwork:coverage"))
        self.assertContains(page, "3 / 2 / 1")
        self.assertContains(page, "未排查 1 家")

        self.login("province_office")
        page = self.client.get(reverse("fieldwork:coverage"))
        self.assertContains(page, "大连市")
        self.assertContains(page, "1 / 1 / 0")

    def test_the_page_is_in_the_registry_menu_and_old_links_lead_to_it(self):
        url = reverse("fieldwork:coverage")
        self.assertEqual(url, "/fieldwork/coverage/")
        registry_area = next(a for a in menu_for(self.users["shenyang_samr"]) if a.key == "registry")
        self.assertIn(("排查覆盖情况", url), [(str(label), href) for label, href in registry_area.links])
        self.login("shenyang_samr")
        response = self.client.get("/enterprises/coverage/")
        self.assertRedirects(response, url, status_code=301)


class ListedProducerTests(WorldTestCase):
    def test_a_listed_producer_without_field_work_counts_in_each_of_its_categories(self):
        city = Region.objects.get(code="210100")
        producer = Enterprise.objects.create(name="沈阳口罩厂", region=city, is_producer=True)
        producer.categories.add(*ProductCategory.objects.filter(code__in=["mask", "meltblown"]))
        Enterprise.objects.create(name="沈阳非清单企业", region=city)
        self.assertEqual(coverage_counts([producer.pk]), {"inspected": {}, "sampled": {}})
        self.login("shenyang_samr")
        response = self.client.get(reverse("fieldwork:coverage"))
        self.assertContains(response, "沈阳市")
        self.assertContains(response, "1 / 0 / 0", count=2)
        self.assertNotContains(response, "沈阳非清单企业")
        self.login("dalian_samr")
        self.assertNotContains(self.client.get(reverse("fieldwork:coverage")), "沈阳市</th>")
