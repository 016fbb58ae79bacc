"""core/dataversion/version.py: the data version moves on every logged write, single or bulk, and
when an earlier change id becomes visible; within versions_read_once() it is read once, and again
after a write of this context; cached_until_change() keeps only what `keep` accepts."""
from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rectify.core.audit.models import ObjectChange
from rectify.core.dataversion.version import cached_until_change, data_version, versions_read_once
from rectify.enterprises.models import Enterprise
from rectify.organisations.models import Region
from rectify.testing import WorldTestCase
from tests.enterprises.files import code


def _enterprise(n: int, region: str = "210100") -> Enterprise:
    return Enterprise.objects.create(name=f"计数测试企业{n}", credit_code=code(n, region),
                                     region=Region.objects.get(code=region))


def _version_reads(queries) -> int:
    return sum("MAX(id)" in q["sql"] and "core_objectchange" in q["sql"] for q in queries)


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


class VersionsReadOnceTests(WorldTestCase):
    def test_read_once_within_the_block_and_again_after_a_logged_write(self):
        with versions_read_once():
            with CaptureQueriesContext(connection) as reads:
                first = data_version()
                self.assertEqual(data_version(), first)
            self.assertEqual(_version_reads(reads.captured_queries), 1)
            _enterprise(860)  # this process writes a change row: the version is read afresh
            with CaptureQueriesContext(connection) as after:
                moved = data_version()
                self.assertEqual(data_version(), moved)
            self.assertNotEqual(moved, first)
            self.assertEqual(_version_reads(after.captured_queries), 1)
        with CaptureQueriesContext(connection) as outside:
            data_version()
            data_version()
        self.assertEqual(_version_reads(outside.captured_queries), 2)

    def test_a_bulk_write_in_the_block_moves_the_version_read_there(self):
        region = Region.objects.get(code="210100")
        with versions_read_once():
            first = data_version()
            Enterprise.objects.bulk_create([Enterprise(name=f"批量计数企业{n}", credit_code=code(n, "210100"),
                                                       region=region) for n in (870, 871)])
            with CaptureQueriesContext(connection) as after:
                moved = data_version()
            self.assertNotEqual(moved, first)
            self.assertEqual(_version_reads(after.captured_queries), 1)

    def test_a_list_page_reads_the_version_once_a_write_every_time(self):
        self.login("shenyang_office")
        self.client.get("/enforcement/case/?region=2")
        with CaptureQueriesContext(connection) as page:
            self.assertEqual(self.client.get("/enforcement/case/?region=2").status_code, 200)
        self.assertEqual(_version_reads(page.captured_queries), 1)


class CachedUntilChangeTests(WorldTestCase):
    def test_a_value_keep_refuses_is_returned_and_computed_again(self):
        calls = []

        def compute():
            calls.append(1)
            return [len(calls)]

        self.assertEqual(cached_until_change("t:refused", compute, 60, keep=lambda v: False), [1])
        self.assertEqual(cached_until_change("t:refused", compute, 60, keep=lambda v: False), [2])
        self.assertEqual(cached_until_change("t:kept", compute, 60), [3])
        self.assertEqual(cached_until_change("t:kept", compute, 60), [3])
