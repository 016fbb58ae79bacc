"""`rectify bench` (`make bench`): build the large data set on PostgreSQL once, then measure every
figure (a)–(f) against a baseline from the same run and write them to docs/performance.md.

    rectify bench                      # everything; seeds only when the database lacks the data set
    rectify bench --reseed             # drop the bench database's tables, migrate, seed again
    rectify bench --only a,d --runs 7  # some figures, printed only (--write to write them anyway)
    rectify bench --only g             # the backup and restore drill (minutes; not in the default run)

The measuring code is in rectify/bench/."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from rectify.bench import drill, importbench, machine, report, thursday
from rectify.bench import figures as fig
from rectify.bench import http as web
from rectify.bench.stats import Figure

ENOUGH = {"enterprises.Enterprise": 100_000, "fieldwork.LedgerEntry": 1_000_000, "enforcement.Case": 100_000}
ROOT = Path(__file__).resolve().parents[4]
ALL_FIGURES = ("a", "b", "c", "d", "e", "f")
EXTRA_FIGURES = ("g",)  # asked for by name only


class Command(BaseCommand):
    help = "Benchmarks on the large data set (PostgreSQL): figures with ratios into docs/performance.md."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--reseed", action="store_true", help="drop and rebuild the data set")
        parser.add_argument("--runs", type=int, default=5, help="runs per figure (the median is printed)")
        parser.add_argument("--only", default=",".join(ALL_FIGURES),
                            help="which figures: a,b,c,d,e,f (g, the backup drill, only when named)")
        parser.add_argument("--threads", type=int, default=4, help="concurrent clients of the load generator")
        parser.add_argument("--requests", type=int, default=400, help="requests per page under load (bounded)")
        parser.add_argument("--rounds", type=int, default=10,
                            help="blocks in which the pages and their baselines take turns under load")
        parser.add_argument("--seconds", type=float, default=60, help="time limit per page under load")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--die-rows", type=int, default=10_000,
                            help="rows of the file django-import-export imports (100,000 would take ~4 min a run)")
        parser.add_argument("--import-runs", type=int, default=3)
        parser.add_argument("--import-rows", type=int, default=100_000)
        parser.add_argument("--thursday-cities", type=int, default=0,
                            help="(f): the first N cities' units report (default: all 14)")
        parser.add_argument("--thursday-clerks", type=int, default=2, help="(f): clerks recording per city")
        parser.add_argument("--thursday-spread", type=float, default=40,
                            help="(f): the reporters arrive over the first N seconds of the minute")
        parser.add_argument("--no-seed", action="store_true",
                            help="measure whatever the database holds (a smoke test of the bench itself)")
        parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
        parser.add_argument("--write", action="store_true",
                            help="write docs/performance.md after an --only run too (it then holds only those figures)")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("rectify bench measures PostgreSQL: set DATABASE_URL=postgres://… (make bench does).")
        only = set(options["only"].split(","))
        unknown = only - set(ALL_FIGURES) - set(EXTRA_FIGURES)
        if unknown:
            raise CommandError(f"unknown figures: {', '.join(sorted(unknown))} (a–f, g)")
        runs = max(3, options["runs"])
        seed = self.ensure_data_set(options["reseed"], options["no_seed"])

        info = machine.describe()
        data = machine.data_set()
        self.stdout.write("machine: " + "; ".join(f"{k} {v}" for k, v in info.items()))
        self.stdout.write("data set: " + ", ".join(f"{k} {v:,}" for k, v in data.items()))
        self.stdout.write(f"seed: {seed}")
        results: list[Figure] = []
        plans: list[str] = []
        notes: list[str] = []

        def emit(figure: Figure) -> None:
            results.append(figure)
            self.stdout.write(figure.line())

        if "a" in only:
            figure, plans, _n = fig.report_tables(runs)
            emit(figure)
            for plan in plans:
                self.stdout.write(plan)
        if "d" in only:
            emit(fig.trace(runs * 2))
        if "e" in only:
            emit(fig.workbook(max(3, runs // 2)))
        if "c" in only:
            figs, _info = web.run(options["threads"], options["requests"], options["seconds"], options["port"],
                                  Path("/tmp"), self.stdout.write, options["rounds"])
            for figure in figs:
                emit(figure)
            notes.append(f"(c) gunicorn with deploy/gunicorn.conf.py (WEB_CONCURRENCY={_workers()}), DEBUG off; the "
                         f"load generator ({options['threads']} threads, ≤ {options['requests']} requests and ≤ "
                         f"{options['seconds']:.0f} s per URL, in {options['rounds']} blocks taken in turn by "
                         "each page and its bare view) runs in a second process on the same 2 cores, so it "
                         "competes with the server for CPU.")
        if "f" in only:
            size = thursday.Size(cities=options["thursday_cities"] or None, clerks_per_city=options["thursday_clerks"],
                                 spread=options["thursday_spread"])
            outcome = thursday.run(size, options["port"] + 300, Path("/tmp"), self.stdout.write)
            emit(outcome.figure)
            for problem in outcome.problems[:20]:
                self.stdout.write(f"  (f) {problem}")
            details = outcome.details
            notes.append(f"(f) a scratch copy of the bench database (copied in {details['copy_seconds']:.0f} s, "
                         f"dropped after; the case took {details['case_seconds']:.0f} s) served by gunicorn "
                         f"(WEB_CONCURRENCY={_workers()}) with its clock at 13:59 Beijing time of the deadline "
                         f"{details['deadline']:%Y-%m-%d}; each reporting unit's user arrives within the "
                         f"first {size.spread:.0f} s, {size.clerks_per_city} clerks per city record inspections "
                         f"through the API meanwhile ({size.clerk_pause:.0f} s between a response and the next "
                         "record); the clients are a second process on the same 2 cores.")
        if "g" in only:
            result = drill.run(self.stdout.write)
            emit(drill.figure(result))
        if "b" in only:
            user = web.bench_user()
            out = importbench.run(user, options["import_runs"], options["die_rows"], self.stdout.write,
                                  options["import_rows"])
            with connection.cursor() as cursor:
                # Each run was rolled back: a few hundred thousand dead rows in the enterprise,
                # qualification and change-log tables, which autovacuum would clear in time;
                # nothing measured later (a following `--only c`) should meet them.
                cursor.execute("VACUUM ANALYZE")
            project, part, die = out["project"], out["project_part"], out["die"]
            rate = out["rows"] / project.median
            rate_low, rate_high = out["rows"] / project.high, out["rows"] / project.low
            die_rate = out["die_rows"] / die.median
            part_rate = out["die_rows"] / part.median
            ratio = rate / die_rate
            same = out["project_part_rejected"] == out["die_rejected"] == out["expected_part"]
            same_full = out["project_rejected"] == out["expected_full"]
            emit(Figure(
                "import", f"(b) enterprise import, {out['rows']:,}-row xlsx end to end", f"{rate:,.0f} rows/s "
                f"({project.median:.1f} s)", f"{rate_low:,.0f}–{rate_high:,.0f} rows/s",
                f"django-import-export on the first {out['die_rows']:,} rows (ModelResource)",
                f"{die_rate:,.0f} rows/s ({die.median:.1f} s)", ratio, f"{ratio:.1f}× django-import-export",
                "≥ 20× django-import-export", ratio >= 20,
                f"rejected: project {len(out['project_rejected'])} of {out['rows']:,} "
                f"(expected {len(out['expected_full'])}, "
                f"{'same rows' if same_full else 'DIFFERENT rows'}); on the {out['die_rows']:,}-row slice project "
                f"{len(out['project_part_rejected'])}, django-import-export {len(out['die_rejected'])} — "
                f"{'the same rows' if same else 'NOT the same rows'}; project on the slice {part_rate:,.0f} rows/s"))
            notes.append(f"(b) django-import-export was measured on a {out['die_rows']:,}-row slice of the same file "
                         f"(at ~{die_rate:,.0f} rows/s the full file would take "
                         f"~{out['rows'] / die_rate / 60:.0f} min a run); "
                         "both tools' runs are rolled back at the end so every run writes the same rows.")
        partial = not set(ALL_FIGURES) <= only
        if partial and not options["write"] and not options["no_write"]:
            # the file's table would lose every figure not measured now
            self.stdout.write(f"partial run (--only {options['only']}): docs/performance.md left alone; "
                              "--write writes these figures alone")
        elif not options["no_write"]:
            path = ROOT / "docs" / "performance.md"
            report.write(path, report.render(machine=info, data=data, seed=seed, figures=results, plans=plans,
                                             notes=notes, runs=runs))
            self.stdout.write(f"written: {path}")

    # -- the data set -------------------------------------------------------------------------------
    def ensure_data_set(self, reseed: bool, no_seed: bool = False) -> str:
        record = Path(settings.DATA_DIR) / f"bench-seed-{connection.settings_dict['NAME']}.json"
        create_database_if_missing()
        if reseed:
            self.stdout.write("dropping the bench database's tables…")
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        call_command("migrate", verbosity=0, interactive=False)
        if no_seed:
            return "not built (--no-seed: measuring whatever the database holds)"
        if not reseed and self.has_data_set():
            if record.exists():
                seed = json.loads(record.read_text())
                return f"{seed['seconds']:.0f} s when the data set was built ({seed['when']}); reused"
            return "built earlier (time not recorded); reused"
        self.stdout.write("building the data set: rectify seed_demo --scale large …")
        started = time.perf_counter()
        call_command("seed_demo", scale="large", stdout=self.stdout)
        seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            # fresh statistics and visibility maps, as autovacuum leaves a live database: otherwise
            # the first plans are guesses and counts cannot use index-only scans
            cursor.execute("VACUUM ANALYZE")
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps({"seconds": seconds, "when": time.strftime("%Y-%m-%d %H:%M")}))
        return f"{seconds:.0f} s (built in this run)"

    def has_data_set(self) -> bool:
        from django.apps import apps

        return all(apps.get_model(label)._base_manager.count() >= n for label, n in ENOUGH.items())


def create_database_if_missing() -> None:
    """`make bench` on a fresh machine: the rectify_bench database does not exist yet. Connect to
    the server's maintenance database with the same credentials and create it."""
    import psycopg

    params = connection.settings_dict
    conninfo = {"host": params.get("HOST") or None, "port": params.get("PORT") or None,
                "user": params.get("USER") or None, "password": params.get("PASSWORD") or None, "dbname": "postgres"}
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [params["NAME"]]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{params["NAME"]}"')


def _workers() -> str:
    import os

    return os.environ.get("WEB_CONCURRENCY", f"{(os.cpu_count() or 1) * 2 + 1} (2 × cores + 1)")
