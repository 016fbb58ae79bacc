"""No query explosions: for every registered model — iterating the registry, so models
added later are covered without touching this file — the list page and the API list issue the
same number of queries for 2 rows as for 20, and a detail page stays under a fixed bound.

The rows are made once by the models' factories (tests/factories.py): 20 of every registered
model (all 9 of the risk weights, one per factor). Every model is checked: one no viewer may see,
or of which the best-placed viewer sees too few rows to tell a constant count from a growing one,
fails the test."""
from __future__ import annotations

import re

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rectify.core.access.scope import model_allows
from rectify.core.registry import ModelConfig, registry
from rectify.testing import make_world_user
from tests.factories import make_rows

# Who looks: the province office sees every business record; reference data is the system
# administrator's, audit data the audit administrator's (the three-admin separation).
VIEWERS = ("province_office", "sysadmin", "auditadmin")
ROWS = 20
MIN_ROWS = 5  # a page of ROWS must show more rows than the page of 2 it is compared with
DETAIL_MAX_QUERIES = 40


def _by_table(statements: list[str]) -> dict[str, int]:
    """How many statements read each table (the first FROM), to name the table an N+1 reads."""
    out: dict[str, int] = {}
    for sql in statements:
        match = re.search(r'FROM "?([\w.]+)"?', sql)
        key = match.group(1) if match else sql[:40]
        out[key] = out.get(key, 0) + 1
    return out


class QueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        make_rows(ROWS)
        cls.viewers = {key: make_world_user(key) for key in VIEWERS}

    def _viewer(self, config: ModelConfig):
        """The viewer allowed to see the model who sees the most rows (ties: the first listed)."""
        best, best_count = None, -1
        for user in self.viewers.values():
            if not model_allows(user, config.model, "view"):
                continue
            count = config.model.objects.restrict(user, "view").count()
            if count > best_count:
                best, best_count = user, count
        return best, best_count

    def _queries(self, url: str) -> tuple[int, int, list[str]]:
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(url)
        return response.status_code, len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]

    def _compare(self, label: str, base: str, param: str) -> None:
        sep = "&" if "?" in base else "?"
        self.client.get(f"{base}{sep}{param}=2")  # warm-up: per-process caches (content types, roles)
        status_small, small, sql_small = self._queries(f"{base}{sep}{param}=2")
        status_large, large, sql_large = self._queries(f"{base}{sep}{param}={ROWS}")
        self.assertEqual((status_small, status_large), (200, 200), f"{label}: {base}")
        if small != large:
            grown = {t: n for t, n in _by_table(sql_large).items() if n > _by_table(sql_small).get(t, 0)}
            self.fail(f"{label}: {small} queries for 2 rows, {large} for {ROWS} — an N+1; queries per table that "
                      f"grew (for {ROWS} rows): {grown}")

    def test_lists_detail_and_api_do_not_grow_with_rows(self) -> None:
        for config in registry:
            label = config.model._meta.label
            user, visible = self._viewer(config)
            with self.subTest(model=label, page="rows"):
                self.assertIsNotNone(user, f"{label}: none of {VIEWERS} may see it")
                self.assertGreaterEqual(visible, MIN_ROWS, f"{label}: only {visible} rows visible to "
                                                           f"{user.username}; its factory should make them")
            if user is None or visible < MIN_ROWS:
                continue  # failed just above
            self.client.force_login(user)
            with self.subTest(model=label, page="list"):
                self._compare(label, reverse(config.url_name("list")), "per_page")
            with self.subTest(model=label, page="api"):  # every registered model has its API list
                self._compare(f"{label} API", reverse(f"api-{config.app_label}-{config.model_name}-list"), "page_size")
            with self.subTest(model=label, page="detail"):
                obj = config.model.objects.restrict(user, "view").order_by("-pk").first()
                url = reverse(config.url_name("detail"), kwargs={"pk": obj.pk})
                self.client.get(url)
                status, count, _sql = self._queries(url)
                self.assertEqual(status, 200, f"{label} detail")
                self.assertLessEqual(count, DETAIL_MAX_QUERIES, f"{label} detail page: {count} queries")
