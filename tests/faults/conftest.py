"""One private PostgreSQL cluster per test process, with the schema migrated once into a template
database; each test gets a fresh copy (CREATE DATABASE … TEMPLATE, a fraction of a second) and a
private redis-server. Everything is stopped and removed at the end, whatever happened."""
from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from .services import PrivateCluster, PrivateRedis, app_env, pg_bindir, private_root, rectify

TEMPLATE = "rectify_template"
_names = itertools.count(1)


@pytest.fixture(scope="session")
def cluster() -> Iterator[PrivateCluster]:
    if pg_bindir() is None:
        pytest.skip("PostgreSQL server binaries not installed")
    with private_root() as root:
        pg = PrivateCluster(root).init().start()
        try:
            pg.psql(f"CREATE DATABASE {TEMPLATE}")
            with private_root() as data:
                rectify(app_env(pg.url(TEMPLATE), data), "migrate", "--noinput", timeout=600)
            yield pg
        finally:
            pg.stop("immediate")


@pytest.fixture
def workdir() -> Iterator[Path]:
    """The nodes' shared data folder (keys, secret, MEDIA_ROOT): one per test."""
    with private_root() as root:
        (root / "media").mkdir()
        yield root


@pytest.fixture
def app_db(cluster: PrivateCluster) -> Iterator[str]:
    name = f"rectify_fault_{next(_names)}"
    cluster.psql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    try:
        yield name
    finally:
        with contextlib.suppress(Exception):
            cluster.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def redis_server(workdir: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(workdir).start()
    try:
        yield server
    finally:
        server.stop()
