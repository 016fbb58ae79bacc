"""Indexes fit the lists' access paths: the record lists' order comes from an index.

1. The system check rectify.E001 (core/generic/checks.py) finds, for every registered record list, an
   index in the list's order; and it does report a list without one.
2. On PostgreSQL, the query behind each such list page and API list — as the province office, a
   province department, customs, a city office, a county bureau and the audit administrator send
   it (the system administrator reads reference data only, no record list), scope filter
   included — is planned without a sort when sorting is priced out: the rows arrive in list order
   from an index, so the first page is read without touching the rest (docs/performance.md).
   The models' factories (tests/factories.py) give the lists rows, owned by each model's usual
   unit and by a county bureau (an empty list sends no such query). A viewer who sees none of a
   model's rows is passed over for that model, but every record list is planned for some viewer
   and every viewer plans some list."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rectify.core.access.scope import model_allows
from rectify.core.generic.checks import (
    check_list_ordering_indexes,
    is_record_list,
    ordering_index_errors,
    served_by_index,
)
from rectify.core.registry import registry
from rectify.enforcement.models import Case
from rectify.fieldwork.models import LedgerEntry, Measure
from rectify.testing import WorldTestCase
from tests.factories import make_rows

VIEWERS = ("province_office", "province_samr", "customs_dl", "shenyang_office", "heping_samr", "auditadmin")


def test_every_record_list_has_an_index_in_its_order():
    assert check_list_ordering_indexes() == []


def test_served_by_index_reads_indexes_forwards_and_backwards():
    assert served_by_index(Case, ["-filed_on", "-id"])
    assert served_by_index(Case, ["filed_on", "id"])  # the same index read the other way
    assert served_by_index(Case, ["-filed_on"])  # a prefix of an index
    assert not served_by_index(Case, ["filed_on", "-id"])  # mixed directions: no index has them
    assert not served_by_index(Case, ["-decided_on", "-id"])  # (decided_on, case_category) does not continue with id
    assert served_by_index(LedgerEntry, ["-traded_on", "-id"])


def test_a_foreign_key_named_by_its_field_sorts_by_the_related_ordering():
    """`inspection` in an ordering sorts by the inspection's own ordering (a join); the column
    `inspection_id` is what the (inspection, date, id) index gives."""
    assert not served_by_index(Measure, ["inspection", "date", "id"])
    assert served_by_index(Measure, ["inspection_id", "date", "id"])


def test_a_list_without_an_index_in_its_order_is_reported():
    config = SimpleNamespace(model=Case, ordering=["-decided_on", "-id"])
    errors = ordering_index_errors([config])
    assert [e.id for e in errors] == ["rectify.E001"]
    assert "-decided_on" in errors[0].msg and "enforcement.Case" in errors[0].msg
    # a list ordered by name (reference data) is not the check's business
    assert ordering_index_errors([SimpleNamespace(model=Case, ordering=["title"])]) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")
class ListPlanTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # rows to list: an empty page is answered without the ordered query whose plan is wanted
        make_rows(10, owners=(None, "210102-samr"))

    def _list_queries(self, url: str, table: str) -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return [q["sql"] for q in ctx.captured_queries
                if re.search(rf'\bFROM "{table}"', q["sql"]) and " ORDER BY " in q["sql"] and " LIMIT " in q["sql"]]

    def _plan(self, sql: str) -> str:
        with connection.cursor() as cursor:
            cursor.execute("SET enable_sort = off")  # a sort still happens if nothing else can order the rows
            try:
                cursor.execute(f"EXPLAIN {sql}")
                return "\n".join(row[0] for row in cursor.fetchall())
            finally:
                cursor.execute("RESET enable_sort")

    def test_record_lists_read_their_first_page_in_index_order(self):
        checked = 0
        planned_models: set[str] = set()
        planning_viewers: set[str] = set()
        record_lists = {c.model._meta.label for c in registry if is_record_list(c)}
        for config in registry:
            model = config.model
            if not is_record_list(config):
                continue
            # every registered model has its page and its API list
            urls = [reverse(config.url_name("list")), reverse(f"api-{config.app_label}-{config.model_name}-list")]
            for key in VIEWERS:
                user = self.users[key]
                if not model_allows(user, model, "view") or not model.objects.restrict(user, "view").exists():
                    continue
                self.client.force_login(user)
                for url in urls:
                    with self.subTest(model=model._meta.label, viewer=key, url=url):
                        queries = self._list_queries(url, model._meta.db_table)
                        self.assertTrue(queries, f"no ordered, limited query of {model._meta.db_table} for {url}")
                        plan = self._plan(queries[0])
                        self.assertNotIn("Sort", plan, f"{model._meta.label} list as {key} sorts:\n{plan}")
                        checked += 1
                        planned_models.add(model._meta.label)
                        planning_viewers.add(key)
        self.assertEqual(sorted(record_lists - planned_models), [], "record lists no viewer saw a row of")
        self.assertEqual(sorted(set(VIEWERS) - planning_viewers), [], "viewers who saw no record list's rows")
        self.assertGreater(checked, 50)
