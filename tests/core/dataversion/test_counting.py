"""core/dataversion/counting.py: a list's row count and a filter's options are reused only while no
record has changed (the data version, test_version.py), never cross users' scopes, and are never
kept for tables whose writes are not change-logged."""
from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rectify.core.dataversion.counting import CHOICES_CACHE_ROWS, cached_choices, cached_count, count_key
from rectify.enterprises.models import Enterprise
from rectify.organisations.models import ProductCategory, Region
from rectify.targeting.models import RiskScore
from rectify.testing import WorldTestCase
from tests.enterprises.files import code


def _enterprise(n: int, region: str = "210100") -> Enterprise:
    return Enterprise.objects.create(name=f"计数测试企业{n}", credit_code=code(n, region),
                                     region=Region.objects.get(code=region))


def _counts(queries) -> int:
    return sum('COUNT(*) AS "__count"' in q["sql"] for q in queries)


def _reads_of(table: str, queries) -> int:
    return sum(f'FROM "{table}"' in q["sql"] for q in queries)


class CachedChoicesTests(WorldTestCase):
    def test_options_reused_until_a_record_changes(self):
        qs = Region.objects.order_by("code")
        expected = list(qs)
        with CaptureQueriesContext(connection) as first:
            self.assertEqual(cached_choices(qs.all()), expected)
        self.assertEqual(_reads_of("organisations_region", first.captured_queries), 1)
        with CaptureQueriesContext(connection) as again:
            self.assertEqual(cached_choices(qs.all()), expected)
        self.assertEqual(_reads_of("organisations_region", again.captured_queries), 0)
        self.assertEqual([str(r) for r in cached_choices(qs.all())], [str(r) for r in expected])

        region = Region.objects.get(code="210100")
        region.name = "沈阳市（改）"
        region.save()
        self.assertIn("沈阳市（改）", [r.name for r in cached_choices(qs.all())])
        # another order is another query, so another entry
        self.assertEqual([r.code for r in cached_choices(qs.order_by("-code"))], [r.code for r in expected][::-1])

    def test_large_and_unlogged_results_are_read_every_time(self):
        for n in range(CHOICES_CACHE_ROWS + 1 - Enterprise.objects.count()):
            _enterprise(2000 + n)
        qs = Enterprise.objects.order_by("pk")
        self.assertEqual(len(cached_choices(qs.all())), CHOICES_CACHE_ROWS + 1)
        with CaptureQueriesContext(connection) as again:
            cached_choices(qs.all())
        self.assertEqual(_reads_of("enterprises_enterprise", again.captured_queries), 1)
        with CaptureQueriesContext(connection) as unlogged:
            cached_choices(RiskScore.objects.all())
            cached_choices(RiskScore.objects.all())
        self.assertEqual(_reads_of("targeting_riskscore", unlogged.captured_queries), 2)

    def test_a_filter_select_shows_a_new_option_at_once(self):
        self.login("province_office")
        page = self.client.get("/enforcement/case/").content.decode()
        self.assertNotIn("测试新类别", page)
        category = ProductCategory.objects.order_by("order").first()
        category.name = "测试新类别"
        category.save()
        self.assertIn("测试新类别", self.client.get("/enforcement/case/").content.decode())


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
