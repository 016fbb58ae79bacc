"""The Thursday case of `make bench` (rectify/bench/thursday.py) at a tiny size, for real: a scratch
copy of the test database served by gunicorn with its clock at 13:59 of the deadline day, Shenyang's
office and member units opening, checking and submitting their reports over HTTP while a clerk
records inspections through the API; then the copy is read back and dropped."""
from __future__ import annotations

import datetime
import socket
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import SimpleTestCase, TransactionTestCase
from django.utils import timezone

from rectify.accounts.models import User
from rectify.bench import clock, thursday
from rectify.fieldwork.models import Inspection
from rectify.organisations.models import Campaign, Unit
from rectify.reports import services as reports
from rectify.reports.models import ReportVersion, WeeklyReport
from tests.enterprises.factories import enterprise


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="a served copy of the database (CREATE DATABASE … TEMPLATE): PostgreSQL")
class ThursdayCaseTests(TransactionTestCase):
    def setUp(self):
        samr = Unit.objects.get(code="210100-samr")
        for n in range(2):
            User.objects.create(username=f"officer_sy_{n}", unit=samr, full_name=f"执法{n}",
                                is_enforcement_officer=True)
        for _n in range(3):
            enterprise(samr)

    def test_every_unit_of_a_city_submits_once_on_time_while_a_clerk_records(self):
        campaign = Campaign.objects.get(code=thursday.CAMPAIGN)
        _cutoff, deadline = thursday.deadline_week(campaign)
        said: list[str] = []
        size = thursday.Size(cities=1, clerks_per_city=1, spread=3, clerk_pause=0.3, probe_pause=0.1, warm_up=3,
                             workers=2)
        outcome = thursday.run(size, free_port(), self._tmp(), said.append)

        self.assertEqual(outcome.problems, [])
        self.assertIs(outcome.figure.holds, True, outcome.figure.line())
        shenyang = [u for u in reports.weekly_reporters(campaign) if u.region.code == "210100"]
        self.assertEqual(len(shenyang), 7)  # the office and the six member units with a provincial department
        details = outcome.details
        self.assertEqual((details["landed"], details["single"], details["late"], details["after_deadline"]),
                         (7, 7, 0, 0))
        # Stamped by the served process's clock: inside the minute before the deadline.
        self.assertTrue(deadline - datetime.timedelta(minutes=1) <= details["last"] <= deadline, details["last"])
        self.assertGreater(details["inspections"], 0)
        self.assertEqual(len(details["submits"].values), 7 + details["again"])
        self.assertGreater(len(details["bare"].values), 0)
        self.assertIn("p95 of the submit step", outcome.figure.line())

        # Everything happened in the copy, which is gone; the database itself is as it was.
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_database WHERE datname = %s",
                           [f"{connection.settings_dict['NAME']}_thursday"[:63]])
            self.assertEqual(cursor.fetchone()[0], 0)
        self.assertFalse(ReportVersion.objects.exists())
        self.assertFalse(WeeklyReport.objects.exists())
        self.assertFalse(Inspection.objects.exists())
        self.assertFalse(User.objects.filter(username__startswith="bench_").exists())

    def _tmp(self) -> Path:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        return Path(folder.name)


class ClockTests(SimpleTestCase):
    MOMENT = datetime.datetime(2020, 6, 25, 13, 59, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))

    def setUp(self):
        real = timezone.now
        self.addCleanup(setattr, timezone, "now", real)

    def test_a_set_clock_runs_from_the_chosen_moment(self):
        clock.install(clock.Shift(clock.setting(self.MOMENT, time.time())))
        self.assertLess(abs((timezone.now() - self.MOMENT).total_seconds()), 5)
        later = clock.setting(self.MOMENT, time.time() + 3600)
        clock.install(clock.Shift(later))  # installed again: offset from the real clock, not from the first shift
        self.assertLess(abs((timezone.now() - (self.MOMENT - datetime.timedelta(hours=1))).total_seconds()), 5)
        with self.assertRaises(ValueError):
            clock.setting(self.MOMENT.replace(tzinfo=None), time.time())

    def test_a_file_clock_is_real_until_the_file_is_written_and_follows_it(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        path = Path(folder.name) / "clock"
        clock.install(clock.Shift(f"file:{path}"))
        self.assertGreater(timezone.now().year, 2020)
        clock.write(path, self.MOMENT, time.time())
        self.assertLess(abs((timezone.now() - self.MOMENT).total_seconds()), 5)
        clock.write(path, self.MOMENT, time.time() - 600)  # 13:59 was ten minutes ago
        self.assertLess(abs((timezone.now() - (self.MOMENT + datetime.timedelta(minutes=10))).total_seconds()), 5)
