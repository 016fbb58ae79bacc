"""The bench's backup and restore drill (rectify/bench/drill.py) on the test database: `rectify
backup`, `rectify restore` into a fresh database, every model's rows counted on both sides,
`rectify verify_integrity` on the copy, which is dropped afterwards."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test import TransactionTestCase

from rectify.bench import drill
from rectify.reports import services as reports
from rectify.reports.models import WeeklyReport
from rectify.reports.tasks import open_weekly_reports
from rectify.testing import make_world_user
from tests.enterprises.factories import enterprise


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore: PostgreSQL")
class DrillTests(TransactionTestCase):
    def test_the_drill_restores_every_row_and_every_seal(self):
        office = make_world_user("shenyang_office")
        enterprise()
        open_weekly_reports("2020-06-01")
        report = WeeklyReport.objects.get(unit__code="210100-office", cutoff="2020-06-04")
        reports.report_submit(report=report, actor=office, narrative={}, filled_by="王芳", phone="024-1")
        said: list[str] = []

        result = drill.run(said.append)

        self.assertEqual(result.problems, [])
        self.assertEqual(result.differences, {})
        self.assertTrue(result.verified, result.verify_output)
        self.assertEqual(result.counts["reports.ReportVersion"], 1)
        self.assertGreater(result.counts["enterprises.Enterprise"], 0)
        self.assertGreater(result.sealed, 1)  # the sealed version and the chained logs' rows
        self.assertGreater(result.size, 0)
        self.assertIs(drill.figure(result).holds, True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_database WHERE datname = %s",
                           [f"{connection.settings_dict['NAME']}_restored"[:63]])
            self.assertEqual(cursor.fetchone()[0], 0)
