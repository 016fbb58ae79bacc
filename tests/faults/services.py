"""Real services of our own for the fault tests: a private PostgreSQL cluster (initdb into a
temporary folder, on a free port, trust authentication), a private redis-server, gunicorn nodes
and Celery workers started as separate processes. The shared PostgreSQL and Redis of the machine
are never touched: every restart, kill and outage here happens to a process these helpers started.
Every wait is bounded; every process is stopped and every folder removed, also when a test fails."""
from __future__ import annotations

import contextlib
import glob
import http.cookiejar
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

VENV_BIN = Path(sys.executable).parent
PROJECT = Path(__file__).resolve().parents[2]


def pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


needs_postgres_binaries = pytest.mark.skipif(pg_bindir() is None, reason="PostgreSQL server binaries not installed")
needs_redis_server = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check: Callable[[], bool], timeout: float, what: str, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex(("127.0.0.1", port)) == 0


# -- PostgreSQL ---------------------------------------------------------------------------------------
def _as_postgres() -> list[str]:
    """PostgreSQL refuses to run as root: as root, its tools run as the `postgres` account."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _own(path: Path) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(path, entry.pw_uid, entry.pw_gid)


class PrivateCluster:
    """One PostgreSQL server of our own: its data folder, port and log in a temporary folder."""

    def __init__(self, root: Path, name: str = "primary", data: Path | None = None):
        self.bindir = pg_bindir()
        self.root = root
        self.data = data or root / name
        self.log = root / f"{name}.log"
        self.port = free_port()

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run([*_as_postgres(), *args], capture_output=True, text=True, timeout=timeout, check=True,
                              cwd=self.root)

    def init(self) -> PrivateCluster:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", timeout=120)
        with open(self.data / "postgresql.conf", "a") as conf:
            # Throw-away clusters: no fsync; wal_level replica (the default) lets a standby follow.
            conf.write("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                       "max_connections = 60\nshared_buffers = 32MB\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{self.root}'\nwal_keep_size = 64MB\n")
        return self

    def start(self) -> PrivateCluster:
        # The log belongs to the postgres account; a fresh file each start keeps reading it simple.
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", f"-p {self.port}", "start", timeout=90)
        return self

    def stop(self, mode: str = "fast") -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop",
                      timeout=90)

    def restart(self, mode: str = "fast") -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-m", mode, "-w",
                  "-t", "60", "-o", f"-p {self.port}", "restart", timeout=120)

    def psql(self, sql: str, db: str = "postgres") -> str:
        out = subprocess.run([str(self.bindir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                              "-d", db, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql],
                             capture_output=True, text=True, timeout=60, check=True)
        return out.stdout.strip()

    def url(self, db: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def basebackup_standby(self, name: str = "replica") -> PrivateCluster:
        """A streaming replica of this server: pg_basebackup -R into a folder of our own."""
        standby = PrivateCluster(self.root, name)
        self._run(str(self.bindir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "-D", str(standby.data), "-R", "-X", "stream", "-c", "fast", "--no-sync", timeout=180)
        return standby


@contextlib.contextmanager
def private_root() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="rectify-faults-"))
    root.chmod(0o755)
    _own(root)
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    with private_root() as root:
        cluster = PrivateCluster(root).init().start()
        try:
            yield cluster
        finally:
            cluster.stop("immediate")


# -- Redis --------------------------------------------------------------------------------------------
class PrivateRedis:
    def __init__(self, root: Path):
        self.root = root
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_for(lambda: port_open(self.port), 20, "redis-server")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=20)


# -- the application's processes ------------------------------------------------------------------------
def app_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a node: its own data folder (keys, secret) shared by every node of a test."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_", "REDIS", "CELERY"))}
    env.update({
        "DATABASE_URL": database_url, "RECTIFY_DATA_DIR": str(data_dir), "MEDIA_ROOT": str(data_dir / "media"),
        "STATIC_ROOT": str(data_dir / "static"), "SECRET_KEY": "fault-tests-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "RECTIFY_REQUIRE_2FA": "0", "RECTIFY_PERIODIC_IN_PROCESS": "0",
        "DJANGO_SETTINGS_MODULE": "rectify.settings", "LOG_LEVEL": "WARNING",
    })
    env.update(extra)
    return env


def rectify(env: dict[str, str], *args: str, timeout: float = 300, input: str | None = None) -> str:
    result = subprocess.run([str(VENV_BIN / "rectify"), *args], env=env, capture_output=True, text=True,
                            timeout=timeout, cwd=PROJECT, input=input)
    if result.returncode != 0:
        raise AssertionError(f"rectify {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def django_shell(env: dict[str, str], code: str, timeout: float = 120) -> str:
    return rectify(env, "shell", "--no-startup", "-c", code, timeout=timeout)


class Node:
    """A gunicorn master with its sync workers, on a free port."""

    def __init__(self, env: dict[str, str], workers: int = 2, log: Path | None = None):
        self.port = free_port()
        self.env = {**env, "BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": str(workers)}
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self) -> Node:
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115 (closed with the process)
        self.proc = subprocess.Popen([str(VENV_BIN / "gunicorn"), "rectify.wsgi", "-c", "deploy/gunicorn.conf.py",
                                      "--access-logfile", "-"],
                                     env=self.env, cwd=PROJECT, stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        wait_for(lambda: self._answers(), 60, f"gunicorn on {self.port}", interval=0.3)
        return self

    def _answers(self) -> bool:
        if self.proc and self.proc.poll() is not None:
            raise AssertionError(f"gunicorn exited ({self.proc.returncode}); log: {self.log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health/", timeout=5) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        stop_group(self.proc)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


class Worker:
    """A real `celery -A rectify worker` (prefork) in its own process group."""

    def __init__(self, env: dict[str, str], queue: str, log: Path):
        self.env, self.queue, self.log = env, queue, log
        self.proc: subprocess.Popen | None = None

    def start(self) -> Worker:
        out = open(self.log, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "celery"), "-A", "rectify", "worker", "-Q", self.queue, "--concurrency", "1",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
            env=self.env, cwd=PROJECT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(lambda: "ready" in self.log.read_text(errors="replace") or self.proc.poll() is not None, 60,
                 "the celery worker")
        assert self.proc.poll() is None, self.log.read_text(errors="replace")[-3000:]
        return self

    def kill(self) -> None:
        """SIGKILL to the whole worker: the main process and its pool child, nothing graceful."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=20)

    def stop(self) -> None:
        stop_group(self.proc)


def stop_group(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)


# -- a browser-less user --------------------------------------------------------------------------------
class Browser:
    """Cookies, CSRF and forms over urllib: what a user's browser sends, against any node."""

    def __init__(self, jar: http.cookiejar.CookieJar | None = None):
        self.jar = jar or http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def request(self, url: str, data: dict | bytes | None = None, headers: dict | None = None,
                timeout: float = 30) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if isinstance(data, dict) else data
        req = urllib.request.Request(url, data=body, headers={"Referer": url, **(headers or {})})
        if body is not None and (token := self.csrf()):
            req.add_header("X-CSRFToken", token)
        try:
            with self.opener.open(req, timeout=timeout) as r:
                return r.status, dict(r.headers), r.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode(errors="replace")

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def login(self, base: str, username: str, password: str) -> None:
        status, _, page = self.request(f"{base}/accounts/login/")
        assert status == 200, page[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, headers, page = self.request(f"{base}/accounts/login/", {
            "csrfmiddlewaretoken": token, "username": username, "password": password})
        assert status == 302, f"login refused: {status} {page[:800]}"

    def upload(self, url: str, field: str, filename: str, content: bytes, extra: dict | None = None):
        boundary = "----rectify" + os.urandom(8).hex()
        parts = []
        for k, v in {**(extra or {}), "csrfmiddlewaretoken": self.csrf()}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(url, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def read_json(text: str) -> dict:
    return json.loads(text)
