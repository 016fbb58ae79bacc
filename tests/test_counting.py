"""core/counting.py and the data version it keys on: a list's row count is reused only while no
record has changed, never crosses users' scopes, and is never kept for tables whose writes are
not change-logged."""
from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rectify.core.changelog import data_version
from rectify.core.counting import cached_count, count_key
from rectify.core.models import ObjectChange
from rectify.core.testing import WorldTestCase
from rectify.enterprises.models import Enterprise
from rectify.organisations.models import Region
from rectify.targeting.models import RiskScore
from tests.enterprises.files import code


def _enterprise(n: int, region: str = "210100") -> Enterprise:
    return Enterprise.objects.create(name=f"计数测试企业{n}", credit_code=code(n, region),
                                     region=Region.objects.get(code=region))


def _counts(queries) -> int:
    return sum('COUNT(*) AS "__count"' in q["sql"] for q in queries)


class DataVersionTests(WorldTestCase):
    def test_moves_on_every_logged_write(self):
        before = data_version()
        obj = _enterprise(801)
        after_create = data_version()
        self.assertNotEqual(before, after_create)
        obj.name = "计数测试企业（改）"
        obj.save()
        self.assertNotEqual(after_create, data_version())

    def test_moves_when_an_earlier_id_becomes_visible(self):
        """A transaction holding a lower change id may commit after one holding a higher id; the
        latest id stays the same, the version must not."""
        _enterprise(810)
        latest = ObjectChange.objects.order_by("-id").first()

        def insert_copy(pk: int) -> None:
            copy = ObjectChange(**{f.attname: getattr(latest, f.attname) for f in ObjectChange._meta.concrete_fields})
            copy.pk = pk
            copy.save(force_insert=True)

        insert_copy(latest.id + 2)  # the later transaction commits first
        while_pending = data_version()
        insert_copy(latest.id + 1)  # then the earlier one, below the latest id
        self.assertEqual(ObjectChange.objects.order_by("-id").values_list("id", flat=True).first(), latest.id + 2)
        self.assertNotEqual(while_pending, data_version())


class CachedCountTests(WorldTestCase):
    def test_reused_until_a_record_changes(self):
        _enterprise(820)
        qs = Enterprise.objects.filter(region__code="210100")
        expected = qs.count()
        with CaptureQueriesContext(connection) as first:
            self.assertEqual(cached_count(qs), expected)
        self.assertEqual(_counts(first.captured_queries), 1)
        with CaptureQueriesContext(connection) as again:
            self.assertEqual(cached_count(qs.order_by("name")), expected)  # ordering does not matter
        self.assertEqual(_counts(again.captured_queries), 0)

        _enterprise(821)
        with CaptureQueriesContext(connection) as after:
            self.assertEqual(cached_count(qs), expected + 1)
        self.assertEqual(_counts(after.captured_queries), 1)

    def test_other_filters_and_other_scopes_are_other_keys(self):
        _enterprise(830, "210100")
        _enterprise(831, "210200")
        shenyang = Enterprise.objects.restrict(self.users["shenyang_office"], "view")
        dalian = Enterprise.objects.restrict(self.users["dalian_office"], "view")
        self.assertNotEqual(count_key(shenyang), count_key(dalian))
        self.assertEqual(cached_count(shenyang), shenyang.count())
        self.assertEqual(cached_count(dalian), dalian.count())
        self.assertEqual(cached_count(shenyang.filter(name__contains="830")), 1)
        self.assertEqual(cached_count(shenyang.filter(name__contains="831")), 0)

    def test_tables_without_change_log_are_always_counted(self):
        self.assertFalse(RiskScore.change_logged)
        self.assertIsNone(count_key(RiskScore.objects.all()))
        # a join to an unlogged table spoils the key as well
        self.assertIsNone(count_key(Enterprise.objects.filter(risk_scores__score__gte=1)))
        self.assertIsNone(count_key(Enterprise.objects.none()))
        self.assertIsNotNone(count_key(Enterprise.objects.all()))


class PagesUseTheCachedCountTests(WorldTestCase):
    def test_list_page_and_api_show_the_new_total_after_a_write(self):
        for n in range(3):
            _enterprise(840 + n)
        self.login("shenyang_office")
        api = self.api("shenyang_office")
        total = Enterprise.objects.restrict(self.users["shenyang_office"], "view").count()

        self.assertEqual(api.get("/api/enterprises/enterprise/").json()["count"], total)
        page = self.client.get("/enterprises/enterprise/?per_page=2")
        self.assertEqual(page.context["table"].paginator.count, total)
        with CaptureQueriesContext(connection) as second:
            self.assertEqual(api.get("/api/enterprises/enterprise/?page=2&page_size=2").json()["count"], total)
        self.assertEqual(_counts(second.captured_queries), 0)

        _enterprise(850)
        self.assertEqual(api.get("/api/enterprises/enterprise/").json()["count"], total + 1)
        page = self.client.get("/enterprises/enterprise/?per_page=2")
        self.assertEqual(page.context["table"].paginator.count, total + 1)
