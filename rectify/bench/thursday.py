"""(f) Thursday 13:59: the campaign's worst minute. Every unit that reports weekly to the province —
each city's working-group office and each city member unit with a provincial department above it
(reports.services.weekly_reporters, the province's own report aside) — opens its report of the
week, reads the check step and submits within one minute before the 14:00 deadline, while clerks
of every city keep recording inspections through the API.

The case serves a scratch copy of the database (CREATE DATABASE … TEMPLATE, dropped at the end), so
every run submits the same untouched week and nothing it writes — the versions, the events of the
append-only logs, the inspections — stays in the bench database for the other figures or the next
run. The copy is served by gunicorn with deploy/gunicorn.conf.py and the bench settings, its clock
set so that the minute is 13:59 Beijing time of the deadline day (bench/clock.py); the clients run
in a process of their own (bench/rush.py). Afterwards the copy is read back: every report has
exactly one version, none is marked late wrongly (late exactly when submitted after the deadline),
every inspection the API acknowledged is there. The figure is the p95 of the submit step (the POST
of the report page's form), against the p95 of a bare view asked at a steady pace during the same
minute."""
from __future__ import annotations

import datetime
import json
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone

from rectify.accounts import services as accounts
from rectify.accounts.models import Role, User
from rectify.enterprises.models import Enterprise
from rectify.fieldwork.models import Inspection
from rectify.organisations.models import Campaign, Unit
from rectify.reports import services as reports
from rectify.reports.models import ReportVersion, WeeklyReport

from . import clock
from .http import Server, bench_user, get, session_cookie, spawn_gunicorn, wait_ready
from .scratch import copy_database, database_named, database_url, drop_database
from .stats import Figure, Sample, ms

ROOT = Path(__file__).resolve().parents[2]
CAMPAIGN = "ln-2020-epidemic-supplies"
BARE = "/bench/bare/10/?model=reports.WeeklyReport"
REPORTER_ROLES = ("reviewer", "clerk")


@dataclass
class Size:
    """How big the minute is. The defaults are the campaign's: every city, two clerks each."""

    cities: int | None = None       # the first N cities by code; None: all
    clerks_per_city: int = 2
    spread: float = 40.0            # the reporters arrive over the first `spread` seconds of the minute
    clerk_pause: float = 5.0        # a clerk's pause between two records
    probe_pause: float = 0.25       # the bare view's pace
    lead: float = 2.0               # seconds from the end of the warm-up to 13:59:00
    warm_up: int = 5                # rounds of a bare view and a report page, two at a time, before the minute
    workers: int | None = None      # WEB_CONCURRENCY; None: deploy/gunicorn.conf.py's default


@dataclass
class Outcome:
    figure: Figure
    problems: list[str]
    details: dict[str, Any] = field(default_factory=dict)


# --- the people of the minute -----------------------------------------------------------------------
def deadline_week(campaign: Campaign) -> tuple[datetime.date, datetime.datetime]:
    """The week the bench's report figures use (a late cut-off: nearly every record counts)."""
    _start, cutoff, deadline = reports.week_of(campaign, campaign.end - datetime.timedelta(days=7))
    return cutoff, deadline


def _user(username: str, unit: Unit, roles: tuple[str, ...], full_name: str) -> User:
    user, _created = User.objects.get_or_create(username=username, defaults={
        "unit": unit, "full_name": full_name, "password": "!"})
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save(update_fields=["password_changed_at", "must_change_password"])
    user.roles.set(Role.objects.filter(code__in=roles))
    return user


def _cookie(user: User) -> tuple[str, str]:
    name, _sep, value = session_cookie(user).partition("=")
    return name, value


def reporters(campaign: Campaign, cutoff: datetime.date, cities: list[int]) -> list[tuple[Unit, WeeklyReport]]:
    """Each city office and reporting member unit of `cities` with its report of the week (opened
    as the scheduler opens them)."""
    reports.reports_open_week(campaign=campaign, day=cutoff)
    units = [u for u in reports.weekly_reporters(campaign) if not u.is_provincial and u.region_id in cities]
    open_reports = {r.unit_id: r for r in WeeklyReport.objects.filter(
        campaign=campaign, kind=WeeklyReport.Kind.WEEKLY, cutoff=cutoff, unit__in=units)}
    return [(u, open_reports[u.pk]) for u in units]


def clerk_bodies(unit: Unit, day: datetime.date, n: int = 20) -> list[dict[str, Any]]:
    """Inspections a clerk of `unit` records: enterprises of the city with a product category,
    two of the unit's enforcement officers, dated the deadline day (counted in this week)."""
    officers = list(User.objects.filter(unit=unit, is_enforcement_officer=True, is_active=True)
                    .order_by("pk").values_list("pk", flat=True)[:2])
    if len(officers) < 2:
        raise RuntimeError(f"{unit} has fewer than two enforcement officers: no inspection can be recorded")
    bodies = []
    for enterprise in (Enterprise.objects.filter(region=unit.region, categories__isnull=False)
                       .order_by("pk").distinct()[:n]):
        category = enterprise.categories.order_by("pk").first()
        bodies.append({"unit": unit.pk, "enterprise": enterprise.pk, "date": day.isoformat(), "inspectors": officers,
                       "staff_dispatched": 2, "check_licence": True,
                       "outcomes": [{"category": category.pk, "outcome": "passed"}],
                       "notes": "周四集中录入"})
    if not bodies:
        raise RuntimeError(f"no enterprise with a product category in {unit.region}")
    return bodies


def prepare(size: Size, port: int) -> dict[str, Any]:
    """The rush's plan (bench/rush.py; its moment, `rush_at`, is set once the server is on its way),
    its users, sessions and tokens made in the current database."""
    campaign = Campaign.objects.get(code=CAMPAIGN)
    cutoff, deadline = deadline_week(campaign)
    cities = list(campaign.region.children.filter(level="city").order_by("code").values_list("pk", flat=True))
    cities = cities[:size.cities] if size.cities else cities
    rng = random.Random(1359)
    plan: dict[str, Any] = {"port": port, "rush_at": None, "limit": 60 + size.spread, "reporters": [],
                            "clerks": [], "cutoff": cutoff.isoformat(), "deadline": deadline.isoformat()}
    for unit, report in reporters(campaign, cutoff, cities):
        user = _user(f"bench_rep_{unit.code}", unit, REPORTER_ROLES, f"{unit.name}填报员")
        name, value = _cookie(user)
        page = report.get_absolute_url()
        plan["reporters"].append({"unit": unit.code, "report": report.pk, "page": page,
                                  "action": f"/reports/weeklyreport/{report.pk}/action/", "cookie_name": name,
                                  "cookie": value, "start": round(rng.uniform(0, size.spread), 3)})
    clerk_units = Unit.objects.filter(region_id__in=cities, department__line="market", is_office=False,
                                      is_active=True).select_related("region").order_by("region__code", "code")
    for unit in clerk_units:
        bodies = clerk_bodies(unit, cutoff)
        for i in range(size.clerks_per_city):
            user = _user(f"bench_clerk_{unit.code}_{i}", unit, ("clerk",), f"{unit.name}录入员{i + 1}")
            issued = accounts.api_token_issue(owner=user, purpose="性能基准：周四集中录入", actor=None)
            plan["clerks"].append({"unit": unit.code, "user": user.pk, "token": issued.secret,
                                   "bodies": bodies[i::size.clerks_per_city] or bodies,
                                   "pause": size.clerk_pause})
    name, value = _cookie(bench_user())
    plan["probe"] = {"path": BARE, "cookie_name": name, "cookie": value, "pause": size.probe_pause}
    return plan


# --- the run ------------------------------------------------------------------------------------------
def warm_up(server: Server, plan: dict[str, Any], rounds: int, idle_requests: int = 20) -> Sample:
    """Every worker serves a few pages before the minute, as a server does by 13:59 (still on the
    real clock: nothing here writes a record); then the bare view alone, one request at a time:
    the idle server's floor, returned."""
    cookie = f"{plan['probe']['cookie_name']}={plan['probe']['cookie']}"
    first = plan["reporters"][0]
    reporter_cookie = f"{first['cookie_name']}={first['cookie']}"

    def loop() -> None:
        for _round in range(rounds):
            get(server.port, BARE, cookie)
            get(server.port, first["page"], reporter_cookie)  # a GET: the report stays open

    threads = [threading.Thread(target=loop) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    idle = Sample()
    for _request in range(idle_requests):
        started = time.perf_counter()
        status, _body = get(server.port, BARE, cookie)
        if status == 200:
            idle.values.append(time.perf_counter() - started)
    return idle


def rush(plan: dict[str, Any]) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-m", "rectify.bench.rush"], input=json.dumps(plan), cwd=ROOT,
                         capture_output=True, text=True, check=True,
                         timeout=plan["rush_at"] - time.time() + plan["limit"] + 600)
    return json.loads(out.stdout)


def verify(plan: dict[str, Any], result: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """What the database holds after the minute, against what the clients were told."""
    problems: list[str] = []
    deadline = datetime.datetime.fromisoformat(plan["deadline"])
    told = {r["unit"]: r for r in result["reporters"]}
    wanted = {r["report"]: r["unit"] for r in plan["reporters"]}
    rows = {r.pk: r for r in WeeklyReport.objects.filter(pk__in=wanted)}
    versions: dict[int, int] = {}
    for version in ReportVersion.objects.filter(report_id__in=wanted).values_list("report_id", flat=True):
        versions[version] = versions.get(version, 0) + 1
    late = wrong_late = after = 0
    moments = []
    for pk, unit in wanted.items():
        report, client = rows[pk], told.get(unit)
        if client is None or not client["submitted"]:
            errors = "; ".join(client["errors"]) if client else "no result"
            problems.append(f"{unit}: the client's submission did not succeed ({errors})")
        if versions.get(pk, 0) != 1:
            problems.append(f"{unit}: {versions.get(pk, 0)} versions (exactly one expected)")
        if report.status != WeeklyReport.Status.SUBMITTED or report.submitted_at is None:
            problems.append(f"{unit}: report {report.get_status_display()}, not submitted")
            continue
        moments.append(report.submitted_at)
        is_after = report.submitted_at > deadline
        after += is_after
        late += report.is_late
        if report.is_late != is_after:
            wrong_late += 1
            problems.append(f"{unit}: marked {'late' if report.is_late else 'on time'}, submitted "
                            f"{report.submitted_at.isoformat()} against the deadline {deadline.isoformat()}")
    created = [pk for c in result["clerks"] for pk in c["created"]]
    found = Inspection.objects.filter(pk__in=created).count()
    if found != len(created):
        problems.append(f"{len(created) - found} of the {len(created)} inspections the API acknowledged are missing")
    refused = {s: n for c in result["clerks"] for s, n in c["statuses"].items() if s != "201"}
    if refused:
        said = "; ".join(e for c in result["clerks"] for e in c["errors"])
        problems.append(f"inspections refused: {refused} ({said[:400]})")
    probe_bad = {s: n for s, n in (result["probe"] or {}).get("statuses", {}).items() if s != "200"}
    if probe_bad:
        problems.append(f"bare view answered {probe_bad}")
    single = sum(1 for pk in wanted if versions.get(pk, 0) == 1)
    return problems, {"single": single, "late": late, "wrong_late": wrong_late, "after_deadline": after,
                      "inspections": len(created), "last": max(moments) if moments else None}


def run(size: Size, port: int, log_dir: Path, log: Callable[[str], None], keep: bool = False) -> Outcome:
    source = connection.settings_dict["NAME"]
    target = f"{source}_thursday"[:63]
    began = time.perf_counter()
    stages: dict[str, float] = {"copy": copy_database(source, target)}
    log(f"  (f) {target}: a copy of {source}, made in {stages['copy']:.1f} s")
    server = None
    try:
        with database_named(target):
            started = time.perf_counter()
            plan = prepare(size, port)
            campaign = Campaign.objects.get(code=CAMPAIGN)
            cutoff, deadline = deadline_week(campaign)
            stages["prepare"] = time.perf_counter() - started
        fake_start = deadline - datetime.timedelta(minutes=1)
        clock_file = log_dir / "thursday-clock"
        clock_file.unlink(missing_ok=True)
        env = {"DATABASE_URL": database_url(target), "REPORTS_DATABASE_URL": "", "RECTIFY_PERIODIC_IN_PROCESS": "0",
               clock.ENV: f"file:{clock_file}", "RECTIFY_BENCH_CACHE_PREFIX": target}
        if size.workers:
            env["WEB_CONCURRENCY"] = str(size.workers)
        log_file = log_dir / "thursday-gunicorn.log"
        started = time.perf_counter()
        server = wait_ready(spawn_gunicorn(port, log_file, env), log_file)
        stages["boot"] = time.perf_counter() - started
        idle = warm_up(server, plan, size.warm_up)
        # The served clock reads 13:59:00 a moment from now, once the clients are on their way.
        rush_at = plan["rush_at"] = time.time() + size.lead
        clock.write(clock_file, fake_start, rush_at)
        log(f"  (f) {len(plan['reporters'])} reporters, {len(plan['clerks'])} clerks; users, sessions and tokens made "
            f"in {stages['prepare']:.1f} s, gunicorn ready in {stages['boot']:.1f} s")
        started = time.perf_counter()
        result = rush(plan)
        stages["rush"] = time.perf_counter() - started
        server.stop()
        server = None
        with database_named(target):
            problems, facts = verify(plan, result)
    finally:
        if server is not None:
            server.stop()
        if not keep:
            drop_database(target)
    stages["case"] = time.perf_counter() - began
    log(f"  (f) the rush took {stages['rush']:.0f} s, the case {stages['case']:.0f} s in all")
    return summarise(plan, result, problems, facts, {
        "copy_seconds": stages["copy"], "case_seconds": stages["case"], "stages": stages, "idle": idle,
        "cutoff": cutoff, "deadline": deadline, "size": size})


def summarise(plan: dict[str, Any], result: dict[str, Any], problems: list[str], facts: dict[str, Any],
              info: dict[str, Any]) -> Outcome:
    told = result["reporters"]
    submits = Sample([t for r in told for t in r["submits"]])
    opens = Sample([t for r in told for t in r["opens"]])
    flows = Sample([r["ended"] - r["began"] for r in told])
    began, ended = min((r["began"] for r in told), default=0), max((r["ended"] for r in told), default=0)
    probe = result["probe"] or {"samples": []}
    bare = Sample([elapsed for at, elapsed in probe["samples"] if began <= at <= ended])
    clerks = Sample([t for c in result["clerks"] for t in c["latencies"]])
    idle = info["idle"]
    again = sum(1 for r in told if r["attempts"] > 1)
    warnings = sum(r["warnings"][0] for r in told if r["warnings"])
    landed = sum(1 for r in told if r["submitted"])
    cities = len({r["unit"].split("-")[0] for r in plan["reporters"]})
    p95, bp95 = submits.p(0.95), bare.p(0.95)
    ratio = p95 / bp95 if bare.values and bp95 > 0 else None
    holds = not problems and facts["after_deadline"] == 0
    last = clockface(facts["last"]) if facts["last"] else "—"
    note = (f"{landed}/{len(plan['reporters'])} submitted, {facts['single']} with exactly one version, "
            f"{facts['late']} marked late, last at {last}; {again} submitted a second time (a new warning since "
            f"the page was read); {warnings} warnings explained; opening the report p95 "
            f"{ms(opens.p(0.95))}; a unit's whole open-check-submit p95 {ms(flows.p(0.95))}; "
            f"{facts['inspections']} inspections recorded meanwhile, p95 {ms(clerks.p(0.95))}")
    if idle.values:
        note += f"; idle bare view before the minute p95 {ms(idle.p(0.95))} (submit p95 {p95 / idle.p(0.95):.0f}× that)"
    figure = Figure(
        "thursday", f"(f) Thursday 13:59: {len(plan['reporters'])} units of {cities} cities open, check and submit "
        f"their weekly report in the minute before the deadline while {len(plan['clerks'])} clerks record "
        "inspections — p95 of the submit step",
        f"p95 {ms(p95)}, median {ms(submits.median)}", f"{ms(submits.low)}–{ms(submits.high)}",
        "bare view asked during the same minute", f"p95 {ms(bp95)}, median {ms(bare.median)}", ratio,
        f"{ratio:.1f}× bare (p95)" if ratio is not None else "—",
        "every report submitted once and before 14:00, none marked late wrongly", holds,
        note)
    return Outcome(figure, problems, {**facts, **info, "submits": submits, "bare": bare, "opens": opens,
                                      "flows": flows, "clerks": clerks, "again": again, "landed": landed})


def clockface(moment: datetime.datetime) -> str:
    from rectify.core.clock import beijing

    return beijing(moment).strftime("%H:%M:%S")
