"""(c) The busiest pages and the main API list under concurrent load: gunicorn started here with
deploy/gunicorn.conf.py and the production settings (DEBUG off, 2FA required — the benchmark
user's session carries the verified flag, as after a real TOTP step), a load generator in a second
process, and bare views (rectify/bench/urls.py) rendering the same number of rows as baselines."""
from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from rectify.accounts.middleware import SESSION_2FA, SESSION_SEEN, SESSION_STARTED
from rectify.accounts.models import Role, User
from rectify.enforcement.models import Case
from rectify.organisations.models import ProductCategory, Region, Unit

from . import shortcuts
from .stats import Figure, Sample, ms

ROOT = Path(__file__).resolve().parents[2]
BENCH_USER = "bench_province"


def bench_user():
    """A province-office user who sees everything (office admin, reviewer, clerk)."""
    from django.utils import timezone

    user, _created = User.objects.get_or_create(username=BENCH_USER, defaults={
        "unit": Unit.objects.get(code="210000-office"), "full_name": "基准测试", "password": "!"})
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save(update_fields=["password_changed_at", "must_change_password"])
    user.roles.set(Role.objects.filter(code__in=["office_admin", "reviewer", "clerk"]))
    return user


def session_cookie(user) -> str:
    """A session as the login and TOTP views leave it (auth keys, verified second factor)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store: SessionStore = import_module(settings.SESSION_ENGINE).SessionStore()
    now = int(time.time())
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[SESSION_2FA] = True
    store[SESSION_STARTED] = now
    store[SESSION_SEEN] = now
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


@dataclass
class Server:
    process: subprocess.Popen
    port: int

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def spawn_gunicorn(port: int, log: Path, env: dict[str, str] | None = None) -> Server:
    """gunicorn with deploy/gunicorn.conf.py and the bench settings, started; `env` adds to (or
    overrides) its environment, e.g. WEB_CONCURRENCY or RECTIFY_SHORTCUTS_OFF."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "rectify.bench.settings", "DEBUG": "0", "BIND": f"127.0.0.1:{port}",
           "RECTIFY_REQUIRE_2FA": "1", **(env or {})}
    env.pop("PYTHONSTARTUP", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    handle = log.open("w")
    process = subprocess.Popen([str(gunicorn), "rectify.wsgi", "-c", str(ROOT / "deploy/gunicorn.conf.py")],
                               cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    return Server(process, port)


def wait_ready(server: Server, log: Path, seconds: float = 60) -> Server:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.process.returncode}); see {log}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            conn.request("GET", "/accounts/login/")
            conn.getresponse().read()
            conn.close()
            return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s; see {log}")


def start_gunicorn(port: int, log: Path, env: dict[str, str] | None = None) -> Server:
    return wait_ready(spawn_gunicorn(port, log, env), log)


def get(port: int, path: str, cookie: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def load(port: int, cookie: str, paths: list[str], threads: int, requests: int, seconds: float,
         rounds: int = 1) -> dict:
    """The load generator in its own interpreter (no GIL shared with anything measured)."""
    out = subprocess.run([sys.executable, "-m", "rectify.bench.load", "--port", str(port), "--cookie", cookie,
                          "--threads", str(threads), "--requests", str(requests), "--seconds", str(seconds),
                          "--rounds", str(rounds), *paths],
                         cwd=ROOT, capture_output=True, text=True, timeout=len(paths) * (seconds + 90), check=True)
    return json.loads(out.stdout)


@dataclass
class Page:
    key: str
    label: str
    path: str
    bare: str   # the bare view rendering the same number of rows


def pages(user) -> list[Page]:
    shenyang = Region.objects.get(code="210100")
    mask = ProductCategory.objects.filter(code="mask").order_by("pk").first()
    case_pk = Case.objects.filter(region=shenyang).order_by("-pk").values_list("pk", flat=True).first()
    return [
        Page("list", "case list, 2 filters (city + product category), 50 rows",
             f"/enforcement/case/?region={shenyang.pk}&product_category={mask.pk}", "/bench/bare/50/"),
        Page("detail", "case detail page", f"/enforcement/case/{case_pk}/", "/bench/bare/25/"),
        Page("dashboard", "province dashboard /reports/dashboard/", "/reports/dashboard/", "/bench/bare/40/"),
        Page("api", "API case list, 50 rows", "/api/enforcement/case/", "/bench/bare-json/50/"),
    ]


def run(threads: int, requests: int, seconds: float, port: int, log_dir: Path, log,
        rounds: int = 1, side_by_side: bool = True) -> tuple[list[Figure], dict]:
    """(c), then (c′): every shortcut around a library turned off in turn (rectify/bench/shortcuts.py)."""
    user = bench_user()
    cookie = session_cookie(user)
    targets = pages(user)
    server = start_gunicorn(port, log_dir / "gunicorn.log")
    info: dict = {"threads": threads, "requests": requests, "rounds": rounds, "workers": None}
    try:
        for page in targets:  # every page must answer 200 before it is timed, or the figure lies
            for path in (page.path, page.bare):
                status, body = get(port, path, cookie)
                if status != 200:
                    raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
        paths = [p for page in targets for p in (page.path, page.bare)]
        results = load(port, cookie, paths, threads, requests, seconds, rounds)
    finally:
        server.stop()
    figures = []
    for page in targets:
        real, bare = results[page.path], results[page.bare]
        errors = sum(n for s, n in real["statuses"].items() if s != "200")
        sample, base = Sample(real["latencies"]), Sample(bare["latencies"])
        p95, bp95 = sample.p(0.95), base.p(0.95)
        ratio = p95 / bp95
        rps = len(real["latencies"]) / real["wall"]
        figures.append(Figure(
            f"http_{page.key}", f"(c) {page.label} — p95 under {threads} concurrent clients",
            f"p95 {ms(p95)}, median {ms(sample.median)}", f"{ms(sample.low)}–{ms(sample.high)}",
            f"bare view ({page.bare})", f"p95 {ms(bp95)}, median {ms(base.median)}", ratio, f"{ratio:.1f}× bare (p95)",
            "p95 < 150 ms and ≤ 3× bare", p95 < 0.150 and ratio <= 3,
            f"{len(real['latencies'])} requests, {rps:.0f} req/s, {errors} non-200"))
        log(f"  {page.path}: {figures[-1].line()}")
    if side_by_side:
        figures += shortcuts.run(log, port=port + 100, log_dir=log_dir)
    return figures, info
