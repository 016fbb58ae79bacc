"""Periodic work without Celery beat: the same schedule (settings.CELERY_BEAT_SCHEDULE) run by
`rectify run_periodic` (for cron) or by a thread of the served process when no broker is configured.

Each job's last run is a row (`PeriodicRun`) locked while it is decided, so two processes never run
the same slot twice. A job seen for the first time is recorded, not run: a fresh installation does
not send Thursday's reminders on a Monday. Jobs run in-process (`Task.apply`), in the order of the
schedule; a failing job is logged and does not stop the others."""
from __future__ import annotations

import datetime
import logging
import threading
import time

from celery.schedules import schedule as every
from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from rectify.core.models import PeriodicRun

log = logging.getLogger(__name__)


def _schedule(entry: dict):
    sched = entry["schedule"]
    if isinstance(sched, int | float):
        return every(run_every=datetime.timedelta(seconds=sched))
    if isinstance(sched, datetime.timedelta):
        return every(run_every=sched)
    return sched


def due_jobs(now: datetime.datetime | None = None) -> list[str]:
    """The jobs whose slot has come since their last run, each claimed (its last run set to now)."""
    now = now or timezone.now()
    claimed = []
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        with transaction.atomic():
            row = PeriodicRun.objects.select_for_update().filter(name=name).first()
            if row is None:
                PeriodicRun.objects.get_or_create(name=name, defaults={"last_run_at": now})
                continue
            sched = _schedule(entry)
            sched.nowfun = lambda: now  # judged at `now`, not at the clock of the call
            is_due, _next = sched.is_due(row.last_run_at)
            if is_due:
                row.last_run_at = now
                row.save(update_fields=["last_run_at"])
                claimed.append(name)
    return claimed


def run_job(name: str) -> object:
    from rectify.celery import app

    app.loader.import_default_modules()
    task = app.tasks[settings.CELERY_BEAT_SCHEDULE[name]["task"]]
    return task.apply(args=settings.CELERY_BEAT_SCHEDULE[name].get("args", ())).get()


def run_due(now: datetime.datetime | None = None) -> dict[str, object]:
    results = {}
    for name in due_jobs(now):
        try:
            results[name] = run_job(name)
        except Exception:  # one job's failure must not stop the others; it is in the log
            log.exception("periodic job %s failed", name)
            results[name] = None
    return results


_started = threading.Event()


def start_in_process(interval: float = 60.0) -> bool:
    """Run due jobs every `interval` seconds in a daemon thread of this process (once per process)."""
    if _started.is_set():
        return False
    _started.set()

    def loop() -> None:
        while True:
            time.sleep(interval)
            try:
                close_old_connections()
                run_due()
            except Exception:  # the database may be down a minute; try again at the next tick
                log.exception("periodic tick failed")
            finally:
                close_old_connections()

    threading.Thread(target=loop, name="rectify-periodic", daemon=True).start()
    return True
