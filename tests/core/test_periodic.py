"""The schedule without Celery beat (core/periodic.py): a job runs once per slot, however many
processes look; a job seen for the first time is recorded, not run; `rectify run_periodic` runs
what is due."""
from __future__ import annotations

import datetime
import io

from django.conf import settings
from django.core.management import call_command
from django.test import TestCase

from rectify.core import clock
from rectify.core.models import PeriodicRun
from rectify.core.periodic import due_jobs, run_due

THURSDAY_NOON = clock.beijing_at(datetime.date(2026, 12, 3), datetime.time(12, 0))
FRIDAY_0601 = clock.beijing_at(datetime.date(2026, 12, 4), datetime.time(6, 1))
FRIDAY_0801 = clock.beijing_at(datetime.date(2026, 12, 4), datetime.time(8, 1))


class PeriodicTests(TestCase):
    def test_first_sight_records_every_job_and_runs_none(self):
        self.assertEqual(due_jobs(THURSDAY_NOON), [])
        self.assertEqual(PeriodicRun.objects.count(), len(settings.CELERY_BEAT_SCHEDULE))

    def test_a_slot_is_claimed_once(self):
        due_jobs(THURSDAY_NOON)
        claimed = due_jobs(FRIDAY_0601)
        self.assertIn("reports-open-weekly", claimed, "Friday 06:00 Beijing time opens the week")
        self.assertNotIn("workflow-remind-deadlines", claimed, "the daily sweep is at 08:00")
        self.assertEqual(due_jobs(FRIDAY_0601), [], "claimed already: a second process runs nothing")
        row = PeriodicRun.objects.get(name="reports-open-weekly")
        self.assertEqual(row.last_run_at, FRIDAY_0601)
        later = due_jobs(FRIDAY_0801)
        self.assertIn("workflow-remind-deadlines", later)
        self.assertNotIn("reports-remind-unsubmitted", later, "reminders are Wednesday's and Thursday's only")

    def test_due_jobs_run_in_process_and_the_command_says_what_ran(self):
        due_jobs(THURSDAY_NOON)
        results = run_due(FRIDAY_0801)
        self.assertIsInstance(results["workflow-remind-deadlines"], int)
        self.assertIsInstance(results["reports-open-weekly"], int)
        PeriodicRun.objects.all().update(last_run_at=THURSDAY_NOON - datetime.timedelta(days=2))
        out = io.StringIO()
        call_command("run_periodic", stdout=out)
        self.assertIn("workflow-remind-deadlines:", out.getvalue())
        out = io.StringIO()
        call_command("run_periodic", stdout=out)
        self.assertIn("没有到期的定时任务", out.getvalue())
