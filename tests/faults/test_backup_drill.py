"""The backup and restore drill: `rectify backup` of a database with records, a submitted (sealed)
weekly report and the audit chain, then `rectify restore` into a fresh, empty database: the row
count of every model matches and `rectify verify_integrity` passes on the restored copy."""
from __future__ import annotations

import json
import time

import pytest

from .services import app_env, django_shell, needs_postgres_binaries, rectify
from .test_replica import INSPECT, SETUP

pytestmark = [pytest.mark.faults, needs_postgres_binaries]

SUBMIT = """
from rectify.accounts.models import Role, User
from rectify.organisations.models import Unit
from rectify.reports import services
from rectify.reports.models import WeeklyReport
from rectify.reports.tasks import open_weekly_reports
office = User.objects.create_user(username="sy_office", password="Test-pass-2020!", full_name="市办",
                                  unit=Unit.objects.get(code="210100-office"))
office.roles.set(Role.objects.filter(code__in=["office_admin", "reviewer", "clerk"]))
open_weekly_reports("2020-06-01")
report = WeeklyReport.objects.get(unit__code="210100-office", cutoff="2020-06-04")
services.report_submit(report=report, actor=office, narrative={}, filled_by="王芳", phone="024-1")
"""
COUNTS = """
import json
from django.apps import apps
from django.db import connection
tables = set(connection.introspection.table_names())
counts = {}
for model in apps.get_models():
    if model._meta.managed and not model._meta.proxy and model._meta.db_table in tables:
        counts[model._meta.label] = model._base_manager.count()
print("COUNTS" + json.dumps(counts))
"""


def counts(env: dict) -> dict[str, int]:
    return json.loads(django_shell(env, COUNTS).split("COUNTS", 1)[1])


def test_backup_then_restore_into_a_fresh_database(cluster, app_db, workdir):
    env = app_env(cluster.url(app_db), workdir)
    django_shell(env, SETUP)
    for n in range(1, 4):
        django_shell(env, INSPECT.replace("% N", f"% {n}"))
    django_shell(env, SUBMIT)
    before = counts(env)
    assert before["reports.ReportVersion"] == 1 and before["fieldwork.Inspection"] == 3 and before["core.Event"] > 0

    dump = workdir / "rectify.dump"
    started = time.monotonic()
    rectify(env, "backup", str(dump))
    backed_up = time.monotonic() - started
    assert dump.stat().st_size > 0 and dump.stat().st_mode & 0o077 == 0

    fresh = f"{app_db}_restored"
    cluster.psql(f"CREATE DATABASE {fresh}")
    try:
        fresh_env = app_env(cluster.url(fresh), workdir)
        started = time.monotonic()
        rectify(fresh_env, "restore", str(dump), "--noinput")
        restored = time.monotonic() - started
        assert counts(fresh_env) == before, "every model has the same number of rows"
        assert "完整性校验通过" in rectify(fresh_env, "verify_integrity")
        print(f"backup {backed_up:.1f} s, restore {restored:.1f} s, {dump.stat().st_size} bytes")
    finally:
        cluster.psql(f"DROP DATABASE IF EXISTS {fresh} WITH (FORCE)")
