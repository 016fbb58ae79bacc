"""Item 13: `rectify backup` / `rectify restore`: back up, wipe, restore, and find every record
and every integrity code intact. Runs on the database under test (SQLite or PostgreSQL) inside
a TransactionTestCase, so that the backup sees committed data and nothing else's test database is
touched (pytest-xdist workers each have their own)."""
from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase

from rectify.core.audit import chain
from rectify.core.audit.events import record_event
from rectify.core.current import acting_as
from rectify.testing import make_world_user


def snapshot() -> dict[str, list]:
    data = {}
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            data[model._meta.label] = list(model._base_manager.order_by("pk").values_list())
    return data


class BackupRestoreTests(TransactionTestCase):
    # The organisation data of the migrations is back for later tests: tests/conftest.py reloads the
    # reference data after every flush.
    serialized_rollback = False

    def test_backup_wipe_restore(self):
        with acting_as(None):
            users = [make_world_user(k) for k in ("shenyang_samr", "sysadmin", "auditadmin")]
            record_event("test.event", users[0], detail={"k": "v"})
        before = snapshot()
        self.assertTrue(before["accounts.User"] and before["core.Event"] and before["core.ObjectChange"])
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / ("backup.dump" if connection.vendor == "postgresql" else "backup.sqlite3")
            call_command("backup", str(path), stdout=io.StringIO())
            self.assertGreater(path.stat().st_size, 0)
            self.assertEqual(path.stat().st_mode & 0o077, 0, "backup readable by its owner only")

            call_command("flush", interactive=False, verbosity=0)
            self.assertEqual(apps.get_model("accounts", "User").objects.count(), 0)

            call_command("restore", str(path), interactive=False, stdout=io.StringIO())
        connection.close()  # a fresh connection after the database was replaced underneath
        self.assertEqual(snapshot(), before)
        self.assertFalse(any(chain.verify_all().values()), "every integrity code verifies")

    def test_restore_refuses_a_foreign_file(self):
        from django.core.management import CommandError

        with tempfile.NamedTemporaryFile(suffix=".dump") as fh:
            fh.write(b"not a backup")
            fh.flush()
            with self.assertRaises(CommandError):
                call_command("restore", fh.name, interactive=False, stdout=io.StringIO())
