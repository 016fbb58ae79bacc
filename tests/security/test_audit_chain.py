"""Item 25: the audit trail is tamper-evident on both databases.

- A trigger refuses raw UPDATE and DELETE of change-log and event rows on SQLite as on PostgreSQL,
  and `flush` (the end of every TransactionTestCase) still empties the logs and keeps the triggers.
- Each log is a hash chain (core/audit/chain.py): with the triggers disabled, an edited row, a
  deleted row and a rewritten link are all found by `verify_integrity`, which names the row; an
  untouched log verifies clean, the bulk paths and awkward JSON values included.
- Two transactions appending at once on PostgreSQL leave one unbroken chain.

"Triggers off" is `ALTER TABLE … DISABLE TRIGGER` on PostgreSQL and dropping them on SQLite (which
has no DISABLE), inside the test's transaction, which puts them back when it rolls back."""
from __future__ import annotations

import contextlib
import io
import threading
import time
from collections.abc import Iterator

from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import DatabaseError, connection, connections, transaction
from django.test import TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext

from rectify.core.audit import chain
from rectify.core.audit.events import record_event
from rectify.core.audit.models import Event, ObjectChange
from rectify.core.current import acting_as
from rectify.organisations.models import Campaign, Department
from rectify.reports.models import Indicator

LOG_TABLES = ("core_event", "core_objectchange")


@contextlib.contextmanager
def triggers_off() -> Iterator[None]:
    """What an attacker with the table owner's rights does first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in LOG_TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
            yield
            for table in LOG_TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s)",
                           list(LOG_TABLES))
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            yield
            for _name, sql in triggers:
                cursor.execute(sql)


def raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def write_some_history() -> None:
    """Every way a change or an event row is written: single saves, deletes, the bulk paths
    (bulk_create above the COPY threshold, bulk_update, queryset update) and events."""
    with acting_as(None, request_id="chain-test"):
        d = Department.objects.create(code="chain0", name="链", short_name="链", line="market")
        d.name = "链（改）"
        d.save()
        made = Department.objects.bulk_create(
            [Department(code=f"chain{i}", name=f"批{i}", short_name="批", line="market") for i in range(1, 251)])
        for obj in made[:3]:
            obj.short_name = "批改"
        Department.objects.bulk_update(made[:3], ["short_name"])
        Department.objects.filter(code__in=["chain4", "chain5"]).update(short_name="批量")
        Department.objects.filter(code="chain6").delete()
        record_event("chain.test", d, detail={"k": "v"})


def change_rows() -> list[ObjectChange]:
    return list(ObjectChange.objects.filter(request_id="chain-test").order_by("id"))


class AppendOnlyOnBothDatabasesTests(TestCase):
    def test_raw_update_and_delete_of_either_log_are_refused(self):
        write_some_history()
        change, event = change_rows()[0], Event.objects.latest("id")
        for table, pk in (("core_objectchange", change.pk), ("core_event", event.pk)):
            for sql in (f"UPDATE {table} SET object_repr = 'forged' WHERE id = %s",
                        f"DELETE FROM {table} WHERE id = %s"):
                with self.subTest(sql=sql), self.assertRaises(DatabaseError), transaction.atomic():
                    raw(sql, [pk])
        self.assertEqual(ObjectChange.objects.get(pk=change.pk).object_repr, change.object_repr)
        self.assertEqual(Event.objects.get(pk=event.pk).object_repr, event.object_repr)

    def test_a_log_table_rebuilt_by_a_later_migration_gets_its_triggers_back(self):
        if connection.vendor != "sqlite":
            self.skipTest("PostgreSQL keeps a table's triggers through ALTER TABLE; only SQLite rebuilds tables")
        with acting_as(None):
            event = record_event("chain.rebuilt")
        with connection.cursor() as cursor:  # what rebuilding the table for a new column does to them
            for table in LOG_TABLES:
                cursor.execute(f"DROP TRIGGER {table}_append_only_update")
                cursor.execute(f"DROP TRIGGER {table}_append_only_delete")
        emit_post_migrate_signal(0, False, connection.alias)  # the end of every migrate
        for sql in ("UPDATE core_event SET event = 'forged' WHERE id = %s", "DELETE FROM core_event WHERE id = %s"):
            with self.subTest(sql=sql), self.assertRaises(DatabaseError), transaction.atomic():
                raw(sql, [event.pk])


class ChainTests(TestCase):
    def setUp(self):
        write_some_history()

    def assert_clean(self) -> dict[str, chain.ChainReport]:
        chains: dict[str, chain.ChainReport] = {}
        report = chain.verify_all(chains=chains)
        self.assertEqual((report["core.ObjectChange"], report["core.Event"]), ([], []))
        return chains

    def broken(self, label: str) -> list[tuple[str, str]]:
        chains: dict[str, chain.ChainReport] = {}
        chain.verify_all(chains=chains)
        return chains[label].broken

    def test_untouched_log_verifies_clean_and_every_row_is_sealed(self):
        chains = self.assert_clean()
        self.assertEqual(chains["core.ObjectChange"].rows, ObjectChange.objects.count())
        self.assertEqual(chains["core.Event"].rows, Event.objects.count())
        self.assertGreater(len(change_rows()), 250)  # the COPY path wrote most of them
        self.assertFalse(ObjectChange.objects.filter(seal="").exists() or Event.objects.filter(seal="").exists())
        out = io.StringIO()
        call_command("verify_integrity", stdout=out)
        self.assertIn("core.ObjectChange: 全部通过", out.getvalue())
        self.assertIn("core.Event: 全部通过", out.getvalue())

    def test_json_values_that_come_back_otherwise_still_verify(self):
        """Keys that are not strings, tuples, floats jsonb writes without an exponent, -0.0: what
        the seal covers is the value as the database gives it back."""
        odd = {"rows": {2: ["a"], 10: ["b"]}, "mixed": {1: "x", "y": 2}, "pair": (1, 2), "big": 1e20, "huge": 1.5e300,
               "small": 1.5e-7, "zero": -0.0, "text": "换行\n\"引号\" e+ -0.0"}
        with acting_as(None):
            record_event("chain.json", detail=odd)
            Indicator.objects.create(campaign=Campaign.objects.first(), code="chain", name="链", aggregate="count",
                                     filters=odd)
            indicator = Indicator.objects.get(code="chain")
            indicator.filters = {**odd, "big": 2e20}
            Indicator.objects.bulk_update([indicator], ["filters"])
        self.assert_clean()

    def test_an_edited_row_is_named(self):
        target = change_rows()[5]
        with triggers_off():
            raw("UPDATE core_objectchange SET after = %s WHERE id = %s", ['{"name": "伪造"}', target.pk])
        self.assertEqual(self.broken("core.ObjectChange"),
                         [(str(target.pk), "内容与校验码不符，记录在应用之外被改动")])
        out = io.StringIO()
        with self.assertRaises(CommandError):
            call_command("verify_integrity", stdout=out)
        self.assertIn(f"校验链自 #{target.pk} 起断开", out.getvalue())

    def test_an_edited_event_is_named(self):
        event = Event.objects.get(event="chain.test")
        with triggers_off():
            raw("UPDATE core_event SET detail = %s WHERE id = %s", ['{"k": "w"}', event.pk])
        self.assertEqual([pk for pk, _reason in self.broken("core.Event")], [str(event.pk)])

    def test_a_deleted_row_breaks_the_next_rows_link(self):
        rows = change_rows()
        with triggers_off():
            raw("DELETE FROM core_objectchange WHERE id = %s", [rows[10].pk])
        self.assertEqual(self.broken("core.ObjectChange"),
                         [(str(rows[11].pk), "与前一条记录的链接断开，前一条记录被删除或替换")])

    def test_rewriting_the_link_does_not_hide_a_deletion(self):
        rows = change_rows()
        with triggers_off():
            raw("DELETE FROM core_objectchange WHERE id = %s", [rows[10].pk])
            raw("UPDATE core_objectchange SET prev_seal = %s WHERE id = %s", [rows[9].seal, rows[11].pk])
        self.assertEqual([pk for pk, _reason in self.broken("core.ObjectChange")], [str(rows[11].pk)])

    def test_a_row_slipped_in_without_the_key_is_found(self):
        rows = change_rows()
        with triggers_off():
            raw("UPDATE core_objectchange SET prev_seal = '', seal = '' WHERE id = %s", [rows[3].pk])
        self.assertEqual([pk for pk, _reason in self.broken("core.ObjectChange")], [str(rows[3].pk), str(rows[4].pk)])

    def test_archived_oldest_rows_leave_a_note_not_a_failure(self):
        """docs/security.md: the DBA exports the oldest rows and removes them; the chain then starts
        at a row whose predecessor is gone, and verifies from there."""
        rows = change_rows()
        with triggers_off():
            raw("DELETE FROM core_objectchange WHERE id < %s", [rows[20].pk])
        chains = self.assert_clean()
        self.assertEqual(len(chains["core.ObjectChange"].notes), 1)
        self.assertIn(f"#{rows[20].pk}", chains["core.ObjectChange"].notes[0])

    def test_a_batch_is_sealed_with_one_lock_and_one_read(self):
        with CaptureQueriesContext(connection) as ctx, acting_as(None):
            Department.objects.bulk_create(
                [Department(code=f"lock{i}", name=f"锁{i}", short_name="锁", line="market") for i in range(300)])
        statements = [q["sql"] for q in ctx.captured_queries]
        heads = [s for s in statements if "core_objectchange" in s and "ORDER BY id DESC LIMIT 1" in s]
        self.assertEqual(len(heads), 1, heads)
        locks = [s for s in statements if "pg_advisory_xact_lock" in s]
        self.assertEqual(len(locks), 1 if connection.vendor == "postgresql" else 0)
        self.assert_clean()


class FlushKeepsTheTriggersTests(TransactionTestCase):
    serialized_rollback = False  # reference data comes back through tests/conftest.py after a flush

    def test_flush_empties_the_logs_and_leaves_them_append_only(self):
        # Django's own flush sends post_migrate unless told not to (TransactionTestCase with
        # available_apps): both ways.
        for inhibit in (False, True):
            write_some_history()
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=inhibit)
            # (the reference data reloaded after the flush, tests/conftest.py, writes change rows of its own)
            self.assertEqual((len(change_rows()), Event.objects.filter(event="chain.test").count()), (0, 0))
            with acting_as(None):
                event = record_event("chain.after_flush")
            for sql in ("UPDATE core_event SET event = 'forged' WHERE id = %s", "DELETE FROM core_event WHERE id = %s"):
                with self.subTest(sql=sql, inhibit=inhibit), self.assertRaises(DatabaseError), transaction.atomic():
                    raw(sql, [event.pk])
            self.assertEqual(chain.verify_all()["core.Event"], [])


class ConcurrentAppendTests(TransactionTestCase):
    serialized_rollback = False

    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest("SQLite runs one writing transaction at a time (BEGIN IMMEDIATE): there is no "
                          "concurrent append to test; the lock under test is PostgreSQL's advisory lock")

    def _thread(self, work, errors: list) -> threading.Thread:
        def run():
            try:
                work()
            except Exception as exc:  # noqa: BLE001 (reported by the test below)
                errors.append(exc)
            finally:
                connections.close_all()
        return threading.Thread(target=run)

    def test_two_transactions_appending_at_once_leave_one_chain(self):
        first_in = threading.Event()
        errors: list[Exception] = []

        def first():
            with acting_as(None), transaction.atomic():
                record_event("chain.first")
                Department.objects.create(code="first", name="甲", short_name="甲", line="market")
                first_in.set()
                # Still uncommitted: the second transaction must wait for this one, not chain onto
                # the rows before it.
                time.sleep(0.5)
                record_event("chain.first.more")

        def second():
            self.assertTrue(first_in.wait(10))
            with acting_as(None), transaction.atomic():
                Department.objects.bulk_create(
                    [Department(code=f"second{i}", name=f"乙{i}", short_name="乙", line="market") for i in range(5)])
                record_event("chain.second")

        def many(tag: str):
            def work():
                for i in range(15):
                    with acting_as(None), transaction.atomic():
                        record_event(f"chain.{tag}")
                        Department.objects.create(code=f"{tag}{i}", name=f"{tag}{i}", short_name="并", line="market")
            return work

        threads = [self._thread(first, errors), self._thread(second, errors),
                   self._thread(many("x"), errors), self._thread(many("y"), errors)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])
        report = chain.verify_all()
        self.assertEqual((report["core.ObjectChange"], report["core.Event"]), ([], []))
        events = list(Event.objects.order_by("id").values_list("event", flat=True))
        self.assertLess(events.index("chain.first.more"), events.index("chain.second"))
        self.assertEqual(events.count("chain.x") + events.count("chain.y"), 30)
