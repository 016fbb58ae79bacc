"""(g) The backup and restore drill at the bench's data size, as an operator runs it (docs/deploy.md):
`rectify backup FILE` of the bench database, `rectify restore FILE --noinput` into a fresh, empty
database, the row count of every model on both sides, and `rectify verify_integrity` on the
restored copy. Each command is timed as a process of its own (its start-up included); the copy and
the file are removed at the end. Not part of the default `make bench`: it takes minutes."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import connection

from .scratch import database_named, database_url, drop_database, maintenance
from .stats import Figure

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Drill:
    backup: float
    restore: float
    verify: float
    size: int
    counts: dict[str, int]
    differences: dict[str, tuple[int, int]]
    verified: bool
    verify_output: str
    sealed: int
    problems: list[str] = field(default_factory=list)


def row_counts() -> dict[str, int]:
    """Rows of every model with a table in the current database (the drill's test does the same)."""
    tables = set(connection.introspection.table_names())
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()
            if model._meta.managed and not model._meta.proxy and model._meta.db_table in tables}


def sealed_rows() -> int:
    """Rows whose seal `verify_integrity` checks: the issued documents that carry an integrity code
    and every row of the two chained logs (the change log, the audit events)."""
    from rectify.core.audit.integrity import FIELD_NAME, protected_models
    from rectify.core.audit.models import Event, ObjectChange

    documents = sum(model._base_manager.exclude(**{FIELD_NAME: ""}).exclude(**{f"{FIELD_NAME}__isnull": True}).count()
                    for model in protected_models())
    return documents + ObjectChange._base_manager.count() + Event._base_manager.count()


def _rectify(url: str, *args: str, timeout: float = 3600) -> tuple[float, subprocess.CompletedProcess]:
    env = {**os.environ, "DATABASE_URL": url, "REPORTS_DATABASE_URL": ""}
    env.pop("PYTHONSTARTUP", None)
    started = time.perf_counter()
    done = subprocess.run([str(Path(sys.executable).with_name("rectify")), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    return time.perf_counter() - started, done


def run(log: Callable[[str], None], folder: Path | None = None) -> Drill:
    source = connection.settings_dict["NAME"]
    target = f"{source}_restored"[:63]
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        dump = Path(scratch) / f"{source}.dump"
        log(f"  (g) rectify backup {dump} …")
        backup, done = _rectify(database_url(source), "backup", str(dump))
        if done.returncode:
            raise RuntimeError(f"rectify backup failed: {done.stderr[-2000:]}")
        size = dump.stat().st_size
        drop_database(target)
        with maintenance() as conn:
            conn.execute(f'CREATE DATABASE "{target}"')
        try:
            log(f"  (g) rectify restore into the empty database {target} …")
            restore, done = _rectify(database_url(target), "restore", str(dump), "--noinput")
            if done.returncode:
                raise RuntimeError(f"rectify restore failed: {done.stderr[-2000:]}")
            log("  (g) rectify verify_integrity on the restored copy …")
            verify, checked = _rectify(database_url(target), "verify_integrity")
            counts = row_counts()
            with database_named(target):
                restored = row_counts()
                sealed = sealed_rows()
        finally:
            drop_database(target)
    differences = {label: (n, restored.get(label, -1)) for label, n in counts.items() if restored.get(label) != n}
    verified = checked.returncode == 0 and "完整性校验通过" in checked.stdout
    problems = [f"{label}: {a:,} rows in the bench database, {b:,} restored" for label, (a, b) in differences.items()]
    if not verified:
        problems.append("verify_integrity failed on the restored copy: " + (checked.stdout + checked.stderr)[-1500:])
    return Drill(backup, restore, verify, size, counts, differences, verified, checked.stdout, sealed,
                 problems)


def figure(drill: Drill) -> Figure:
    rows = sum(drill.counts.values())
    total = drill.backup + drill.restore + drill.verify
    return Figure(
        "drill", f"(g) backup and restore drill: {rows:,} rows of {len(drill.counts)} models, "
        f"{drill.size / 1024 ** 2:,.0f} MB dump", f"{total:.0f} s in all", "—",
        "backup / restore / verify_integrity", f"{drill.backup:.0f} s / {drill.restore:.0f} s / {drill.verify:.0f} s",
        None, "—", "every model's rows restored, every seal verified", not drill.problems,
        "; ".join(drill.problems)[:500] if drill.problems else
        f"row counts equal for all {len(drill.counts)} models; verify_integrity passed over {drill.sealed:,} "
        "sealed rows")
