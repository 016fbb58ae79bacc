"""What a workflow step holds while it runs. Found by the Thursday case of `make bench`: a report's
submission locked its city's region row too (the report's ordering joins the region, and a plain
FOR UPDATE locks every joined row), so an inspection of the same city committed meanwhile waited
for that row at its commit (the deferred check of its reference to the region) while holding the
change log's chain lock, which the submission needed next — PostgreSQL broke the deadlock by
failing one of them, and the user saw 503. A step now locks only its record's own row, in the mode
that still lets other rows refer to it.

PostgreSQL only: SQLite takes no row locks."""
from __future__ import annotations

import datetime
import threading
import time

import psycopg
import pytest
from django.db import connection, connections, transaction
from django.test import TransactionTestCase

from rectify.core.audit.chain import CHAIN_LOCK
from rectify.reports import services
from rectify.reports.models import ReportVersion, WeeklyReport
from rectify.reports.tasks import open_weekly_reports

from .test_concurrency import WAIT, person, waiting_on_locks

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL"),
]


class StepLockTests(TransactionTestCase):
    def setUp(self):
        self.office = person("sy_office", "210100-office", ["office_admin", "reviewer", "clerk"])
        open_weekly_reports("2020-06-01")
        self.report = WeeklyReport.objects.get(unit__code="210100-office", cutoff=datetime.date(2020, 6, 4))

    def _other(self) -> psycopg.Connection:
        params = connection.settings_dict
        conninfo = {"host": params.get("HOST") or None, "port": params.get("PORT") or None,
                    "user": params.get("USER") or None, "password": params.get("PASSWORD") or None,
                    "dbname": params["NAME"]}
        return psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=False)

    def test_a_submission_in_progress_leaves_its_region_and_its_report_referable(self):
        result: dict[str, object] = {}

        def submit() -> None:
            try:
                result["version"] = services.report_submit(report=self.report, actor=self.office, narrative={},
                                                           filled_by="王芳", phone="024-1")
            except Exception as exc:  # reported by the assertions below
                result["error"] = exc
            finally:
                connections.close_all()

        step = threading.Thread(target=submit)
        with transaction.atomic():
            # The chain lock held here: the step stops where it first writes to the change log,
            # its record already locked.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
            step.start()
            deadline = time.monotonic() + WAIT
            while waiting_on_locks() < 1:
                self.assertTrue(step.is_alive(), f"the step ended before the chain lock: {result}")
                self.assertLess(time.monotonic(), deadline, "the step never reached the chain lock")
                time.sleep(0.05)
            with self._other() as other:
                # What a row referring to them checks at its commit: free, not waited for.
                other.execute("SELECT 1 FROM organisations_region WHERE id = %s FOR KEY SHARE NOWAIT",
                              [self.report.region_id])
                other.execute("SELECT 1 FROM organisations_unit WHERE id = %s FOR KEY SHARE NOWAIT",
                              [self.report.unit_id])
                other.execute("SELECT 1 FROM reports_weeklyreport WHERE id = %s FOR KEY SHARE NOWAIT",
                              [self.report.pk])
                other.rollback()
                # The record itself stays locked against a second step or edit.
                with self.assertRaises(psycopg.errors.LockNotAvailable):
                    other.execute("SELECT 1 FROM reports_weeklyreport WHERE id = %s FOR NO KEY UPDATE NOWAIT",
                                  [self.report.pk])
                other.rollback()
        step.join(WAIT)
        self.assertFalse(step.is_alive(), "the step is still running")
        self.assertNotIn("error", result)
        self.assertEqual(ReportVersion.objects.filter(report=self.report).count(), 1)
        self.assertEqual(WeeklyReport.objects.get(pk=self.report.pk).status, WeeklyReport.Status.SUBMITTED)
