"""core/access/scope.py can(): a user whose rows nothing narrows is answered without a query; everyone
else is still checked against the database. The detail page joins the foreign keys it shows."""
from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rectify.core.access.scope import can
from rectify.core.registry import registry
from rectify.enterprises.models import Enterprise, Letter
from rectify.organisations.models import Region
from rectify.testing import WorldTestCase
from tests.enterprises.files import code


class CanTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dalian = Enterprise.objects.create(name="大连范围测试企业", credit_code=code(601, "210200"),
                                               region=Region.objects.get(code="210200"))

    def _warm(self, key: str):
        user = self.users[key]
        can(user, "view", Enterprise)  # roles and unit are read once per request, not per check
        user.unit.region, user.unit.department  # noqa: B018
        return user

    def test_the_provincial_office_needs_no_query(self):
        self._warm("province_office")
        with CaptureQueriesContext(connection) as queries:
            self.assertTrue(can(self.users["province_office"], "change", self.dalian))
        self.assertEqual(len(queries.captured_queries), 0)

    def test_a_city_is_checked_against_the_database(self):
        self._warm("shenyang_office")
        with CaptureQueriesContext(connection) as queries:
            self.assertFalse(can(self.users["shenyang_office"], "change", self.dalian))
        self.assertIn('FROM "enterprises_enterprise"', queries.captured_queries[-1]["sql"])
        self.assertTrue(can(self.users["dalian_office"], "change", self.dalian))

    def test_roles_still_decide_and_unsaved_objects_are_nobodys(self):
        self.assertFalse(can(self.users["shenyang_leader"], "change", self.dalian))  # a leader only reads
        self.assertFalse(can(self.users["province_office"], "change", Enterprise(name="未保存")))
        self.assertFalse(can(self.users["province_office"], "change", Enterprise(pk=10**9)))  # no such record


class DetailJoinTests(WorldTestCase):
    def test_detail_page_joins_the_foreign_keys_it_shows(self):
        """A letter's county is shown but not in its config's select_related."""
        enterprise = Enterprise.objects.create(name="和平详情测试企业", credit_code=code(602),
                                               region=Region.objects.get(code="210100"),
                                               county=Region.objects.get(code="210102"))
        letter = Letter.objects.create(enterprise=enterprise, unit=self.unit("210102-samr"), kind="warning",
                                       date=datetime.date(2020, 5, 18))
        self.assertIsNotNone(letter.county_id)
        self.assertNotIn("county", registry.get(Letter).select_related)
        self.login("heping_samr")
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(letter.get_absolute_url())
        self.assertContains(response, letter.county.name)
        one_county = f'"organisations_region"."id" = {letter.county_id} LIMIT 21'
        self.assertFalse([q["sql"] for q in queries.captured_queries if one_county in q["sql"]])
