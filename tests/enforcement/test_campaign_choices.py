"""Choices come from the current campaign only (issue 17, point 8): with a second campaign whose case
and product categories are named like the first's, the case forms, the list filters and the API
offer (and accept) the current campaign's rows only, each once; a case of the earlier campaign keeps
its own category when edited."""
from __future__ import annotations

import datetime

from django.urls import reverse

from rectify.enforcement.models import Case
from rectify.enforcement.workflow_forms import CaseFromLeadForm
from rectify.organisations.models import Campaign, CaseCategory, ProductCategory
from rectify.testing import WorldTestCase

from .helpers import case, enterprise, unit


class CampaignChoiceTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.first = Campaign.objects.get(code="ln-2020-epidemic-supplies")
        # A case of the first campaign, filed before the second exists.
        cls.old_case = case(unit("210100-samr"), ent=enterprise("210100"), cat="price")
        # The next campaign, being prepared: the same catalogues, under the same names.
        cls.second = Campaign.objects.create(
            code="ln-2021-cold-chain", name="2021年冷链食品专项整治", region=cls.first.region,
            start=datetime.date(2021, 3, 1), end=datetime.date(2021, 6, 30),
            final_summary_due=datetime.date(2021, 6, 25), is_active=False)
        for row in CaseCategory.objects.filter(campaign=cls.first):
            CaseCategory.objects.create(campaign=cls.second, code=row.code, name=row.name, order=row.order,
                                        line=row.line)
        for row in ProductCategory.objects.filter(campaign=cls.first):
            ProductCategory.objects.create(campaign=cls.second, code=row.code, name=row.name, order=row.order)

    def start_second(self) -> None:
        Campaign.objects.filter(pk=self.second.pk).update(is_active=True)
        self.assertEqual(Campaign.current(), self.second)

    def campaigns_of(self, queryset) -> set[int]:
        return set(queryset.values_list("campaign", flat=True))

    def test_the_case_form_offers_each_case_category_once(self):
        self.assertEqual(Campaign.current(), self.first)
        self.login("shenyang_samr")
        response = self.client.get(reverse("enforcement:case_add"))
        self.assertEqual(response.status_code, 200)
        fields = response.context["form"].fields
        self.assertEqual(self.campaigns_of(fields["case_category"].queryset), {self.first.pk})
        self.assertEqual(self.campaigns_of(fields["product_category"].queryset), {self.first.pk})
        self.assertContains(response, ">质量违法类</option>", count=1)
        self.assertContains(response, ">口罩</option>", count=1)

    def test_once_the_next_campaign_runs_its_categories_are_offered_instead(self):
        self.start_second()
        self.login("shenyang_samr")
        response = self.client.get(reverse("enforcement:case_add"))
        fields = response.context["form"].fields
        self.assertEqual(self.campaigns_of(fields["case_category"].queryset), {self.second.pk})
        self.assertContains(response, ">质量违法类</option>", count=1)
        step = CaseFromLeadForm()
        self.assertEqual(self.campaigns_of(step.fields["case_category"].queryset), {self.second.pk})
        self.assertEqual(self.campaigns_of(step.fields["product_category"].queryset), {self.second.pk})

    def test_the_step_that_files_a_case_on_a_lead_offers_the_current_campaign_only(self):
        step = CaseFromLeadForm()
        self.assertEqual(self.campaigns_of(step.fields["case_category"].queryset), {self.first.pk})
        self.assertEqual(step.fields["product_category"].queryset.filter(name="口罩").count(), 1)

    def test_the_list_filters_offer_the_current_campaign_only(self):
        self.login("province_office")
        response = self.client.get(reverse("enforcement:case_list"))
        form = response.context["filterset"].form
        self.assertEqual(self.campaigns_of(form.fields["case_category"].queryset), {self.first.pk})
        self.assertEqual(self.campaigns_of(form.fields["product_category"].queryset), {self.first.pk})
        self.assertContains(response, ">质量违法类</option>", count=1)

    def test_the_api_refuses_a_category_of_another_campaign(self):
        other = CaseCategory.objects.get(campaign=self.second, code="price")
        mine = CaseCategory.objects.get(campaign=self.first, code="price")
        data = {"unit": unit("210100-samr").pk, "number": "SY-2020-CHOICE", "title": "哄抬口罩价格",
                "product_category": ProductCategory.objects.get(campaign=self.first, code="mask").pk,
                "case_category": other.pk, "source": "complaint", "goods_value": "1000", "units_investigated": 1,
                "staff_dispatched": 4, "facts": "事实"}
        api = self.api("shenyang_samr")
        response = api.post("/api/enforcement/case/", data, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("case_category", response.json())
        self.assertFalse(Case.objects.filter(number="SY-2020-CHOICE").exists())
        response = api.post("/api/enforcement/case/", {**data, "case_category": mine.pk}, format="json")
        self.assertEqual(response.status_code, 201, response.content)

    def test_a_case_of_the_earlier_campaign_keeps_its_own_category_when_edited(self):
        self.start_second()
        self.login("shenyang_samr")
        response = self.client.get(reverse("enforcement:case_edit", args=[self.old_case.pk]))
        self.assertEqual(response.status_code, 200)
        offered = response.context["form"].fields["case_category"].queryset
        self.assertIn(self.old_case.case_category, offered)
        earlier = set(offered.filter(campaign=self.first).values_list("pk", flat=True))
        self.assertEqual(earlier, {self.old_case.case_category_id})  # not the earlier campaign's others
        # and the API takes it back unchanged on an update
        api = self.api("shenyang_samr")
        url = f"/api/enforcement/case/{self.old_case.pk}/"
        response = api.patch(url, {"case_category": self.old_case.case_category_id, "facts": "补充事实"}, format="json",
                             HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(Case.objects.get(pk=self.old_case.pk).facts, "补充事实")
