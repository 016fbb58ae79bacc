"""Collective interviews: the attendance rules hold on the pages, the API and the services alike."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.test import TestCase

from rectify.core.generic.services import ConflictError
from rectify.fieldwork import demo, services
from rectify.fieldwork.models import CollectiveInterview
from rectify.organisations.demo import DemoContext
from rectify.testing import WorldTestCase

from . import factories as f

ADD = "/fieldwork/collectiveinterview/add/"
API = "/api/fieldwork/collectiveinterview/"


class CollectiveInterviewRuleTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.a, cls.b, cls.c = f.enterprise(name="沈阳甲防护用品有限公司"), f.enterprise(), f.enterprise()
        cls.outsider = f.enterprise(name="沈阳未约谈口罩有限公司")

    def post(self, **changes):
        unit = self.users["shenyang_samr"].unit
        data = {"unit": unit.pk, "date": "2020-06-08", "topic": "口罩价格行为提醒告诫",
                "invited": [self.a.pk, self.b.pk], "attended": [self.a.pk], "commitments_signed": 1,
                "follow_up": "", "notes": "", **changes}
        self.login("shenyang_samr")
        return self.client.post(ADD, data)

    def interview(self, invited=None, attended=None, signed: int = 1) -> CollectiveInterview:
        return services.interview_create(
            model=CollectiveInterview, actor=self.users["shenyang_samr"],
            data={"unit": self.users["shenyang_samr"].unit, "date": f.D(2020, 6, 3), "topic": "集中约谈",
                  "invited": [self.a, self.b, self.c] if invited is None else invited,
                  "attended": [self.a, self.b] if attended is None else attended, "commitments_signed": signed})

    def test_the_page_records_the_invited_and_the_attending(self):
        response = self.post()
        self.assertEqual(response.status_code, 302, response.content[:1000])
        interview = CollectiveInterview.objects.get()
        self.assertEqual(set(interview.invited.all()), {self.a, self.b})
        self.assertEqual(list(interview.attended.all()), [self.a])
        self.assertEqual(interview.region.code, "210100")

    def test_an_enterprise_attending_without_invitation_is_a_field_error_naming_it(self):
        response = self.post(attended=[self.a.pk, self.outsider.pk])
        self.assertEqual(response.status_code, 400)
        errors = response.context["form"].errors
        self.assertEqual(list(errors), ["attended"])
        self.assertIn("沈阳未约谈口罩有限公司", errors["attended"][0])
        self.assertNotIn("沈阳甲防护用品有限公司", errors["attended"][0])
        self.assertFalse(CollectiveInterview.objects.exists())

    def test_more_commitment_letters_than_attending_enterprises_is_a_field_error(self):
        response = self.post(commitments_signed=2)
        self.assertEqual(response.status_code, 400)
        self.assertIn("不能多于到会企业数（1）", response.context["form"].errors["commitments_signed"][0])
        self.assertFalse(CollectiveInterview.objects.exists())

    def test_the_api_create_answers_400_naming_the_field(self):
        api = self.api("shenyang_samr")
        body = {"unit": self.users["shenyang_samr"].unit.pk, "date": "2020-06-08", "topic": "行政指导",
                "invited": [self.a.pk], "attended": [self.a.pk, self.outsider.pk], "commitments_signed": 0}
        response = api.post(API, body, format="json")
        self.assertEqual(response.status_code, 400, response.content[:500])
        self.assertIn("attended", response.json())
        self.assertFalse(CollectiveInterview.objects.exists())
        self.assertEqual(api.post(API, {**body, "attended": [self.a.pk]}, format="json").status_code, 201)

    def test_an_api_patch_is_checked_against_what_the_record_keeps(self):
        interview = self.interview()
        api = self.api("shenyang_samr")
        url = f"{API}{interview.pk}/"
        # dropping an enterprise that attended from the invited leaves the attendance outside them
        response = api.patch(url, {"invited": [self.b.pk, self.c.pk]}, format="json",
                             HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(response.status_code, 400, response.content[:500])
        self.assertIn("沈阳甲防护用品有限公司", str(response.json()["attended"]))
        response = api.patch(url, {"commitments_signed": 3}, format="json", HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(response.status_code, 400, response.content[:500])
        self.assertIn("commitments_signed", response.json())
        interview.refresh_from_db()
        self.assertEqual((set(interview.invited.all()), interview.commitments_signed, interview.version),
                         ({self.a, self.b, self.c}, 1, 1))
        response = api.patch(url, {"attended": [self.a.pk, self.b.pk, self.c.pk], "commitments_signed": 3},
                             format="json", HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(response.status_code, 200, response.content[:500])
        self.assertEqual(CollectiveInterview.objects.get().attended.count(), 3)

    def test_the_edit_page_keeps_the_rule(self):
        interview = self.interview()
        self.login("shenyang_samr")
        response = self.client.post(f"/fieldwork/collectiveinterview/{interview.pk}/edit/", {
            "unit": interview.unit_id, "date": "2020-06-03", "topic": "集中约谈", "invited": [self.b.pk],
            "attended": [self.a.pk], "commitments_signed": 0, "version": interview.version})
        self.assertEqual(response.status_code, 400)
        self.assertIn("attended", response.context["form"].errors)
        self.assertEqual(set(CollectiveInterview.objects.get().invited.all()), {self.a, self.b, self.c})

    def test_an_edit_of_an_older_version_is_a_conflict_before_the_rules(self):
        interview = self.interview()
        with self.assertRaises(ConflictError):
            services.interview_update(obj=interview, data={"attended": [self.outsider]},
                                      actor=self.users["shenyang_samr"], expected_version=interview.version - 1)

    def test_nobody_invited_and_enterprises_out_of_scope_are_refused(self):
        with self.assertRaises(ValidationError) as refused:
            self.interview(invited=[], attended=[], signed=0)
        self.assertEqual(list(refused.exception.message_dict), ["invited"])
        dalian = f.enterprise("210200")  # ids, as a caller other than the form or the API passes them
        with self.assertRaises(ValidationError) as refused:
            self.interview(invited=[self.a.pk, dalian.pk], attended=[self.a.pk])
        self.assertIn("不在您的数据范围内", refused.exception.message_dict["invited"][0])
        self.assertFalse(CollectiveInterview.objects.exists())

    def test_a_date_after_beijing_today_is_refused(self):
        response = self.post(date="2999-01-01")
        self.assertEqual(response.status_code, 400)
        self.assertIn("date", response.context["form"].errors)
        self.assertFalse(CollectiveInterview.objects.exists())


class CollectiveInterviewDemoTests(TestCase):
    @staticmethod
    def interviews() -> list[tuple]:
        return [(i.unit.code, i.date, i.topic, i.commitments_signed, {e.pk for e in i.invited.all()},
                 {e.pk for e in i.attended.all()})
                for i in CollectiveInterview.objects.order_by("pk").select_related("unit")
                .prefetch_related("invited", "attended")]

    def test_the_demo_interviews_keep_the_rules(self):
        demo.seed(DemoContext())
        rows = self.interviews()
        self.assertEqual(len(rows), 2 * 14)
        self.assertEqual({unit for unit, *_ in rows}, {f"{city.code}-samr" for city in DemoContext().cities()})
        for unit, _date, _topic, signed, invited, attended in rows:
            self.assertTrue(invited, unit)
            self.assertLessEqual(attended, invited, unit)
            self.assertLessEqual(signed, len(attended), unit)

    def test_the_same_seed_draws_the_same_interviews(self):
        ctx = DemoContext()
        cities = ctx.cities()
        by_city = demo._enterprises(ctx, cities)
        units = {f"{c.code}-samr": ctx.unit(f"{c.code}-samr") for c in cities}
        demo._interviews(DemoContext(), cities, by_city, units)
        first = self.interviews()
        CollectiveInterview.objects.all().delete()
        demo._interviews(DemoContext(), cities, by_city, units)
        self.assertEqual(self.interviews(), first)
        demo._interviews(DemoContext(seed=7), cities, by_city, units)
        self.assertNotEqual(self.interviews()[len(first):], first)
