"""Two app nodes (gunicorn on two ports) sharing the database, the cache and the file storage (a
shared MEDIA_ROOT), with a real Celery worker: a user logged in on one node is logged in on the
other; an import uploaded on node A is checked by the worker from the shared file, watched and
confirmed on node B, and done as seen from A. Then Redis stops: both nodes still serve pages
(/health/ says "degraded"), and a large upload's check, which cannot reach the broker, runs in
the node's own process instead of being lost."""
from __future__ import annotations

import re

import pytest

from tests.enterprises.files import csv_bytes, rows

from .services import (
    Browser,
    Node,
    Worker,
    app_env,
    django_shell,
    needs_postgres_binaries,
    needs_redis_server,
    wait_for,
)
from .test_database_restart import USER

pytestmark = [pytest.mark.faults, needs_postgres_binaries, needs_redis_server]


def job_status(page: str) -> str:
    return re.search(r'id="job-status">([^<]+)<', page).group(1)


def test_two_nodes_share_sessions_files_and_jobs(cluster, app_db, workdir, redis_server):
    env = app_env(cluster.url(app_db), workdir, REDIS_URL=redis_server.url, RECTIFY_BROKER_WAIT="1")
    django_shell(env, USER)
    a = Node(env, workers=1, log=workdir / "a.log")
    b = Node(env, workers=1, log=workdir / "b.log")
    worker = Worker(env, "celery", workdir / "worker.log")
    try:
        a.start(), b.start(), worker.start()
        user = Browser()
        user.login(a.url(""), "clerk", "Test-pass-2020!")
        assert user.request(b.url("/enterprises/enterprise/"))[0] == 200, "the session of node A is valid on B"
        assert user.request(b.url("/accounts/login/"))[0] in (200, 302)

        user.request(a.url("/enterprises/import/"))
        status, headers, page = user.upload(a.url("/enterprises/import/"), "file", "名录.csv",
                                            csv_bytes(rows(6000, start=50_001)))
        assert status == 302, page[:500]
        job = headers["Location"]
        wait_for(lambda: job_status(user.request(b.url(job))[2]) == "校验通过，待确认导入", 180,
                 "the worker's check, watched on node B", interval=1)
        status, headers, _ = user.request(b.url(job + "commit/"), {"csrfmiddlewaretoken": user.csrf()})
        assert status == 302
        wait_for(lambda: job_status(user.request(a.url(job))[2]) == "已导入", 180, "the import, seen from node A",
                 interval=1)
        assert "新增 6000" in user.request(a.url(job))[2]
        stored = list((workdir / "media").rglob("*.csv"))
        assert stored, "the upload is in the shared file storage"

        redis_server.stop()
        for node in (a, b):
            assert user.request(node.url("/enterprises/enterprise/"))[0] == 200, "pages serve without Redis"
            status, _, body = user.request(node.url("/health/"))
            assert status == 200 and '"cache": "unavailable"' in body and '"status": "degraded"' in body
        user.request(a.url("/enterprises/import/"))
        status, headers, page = user.upload(a.url("/enterprises/import/"), "file", "名录2.csv",
                                            csv_bytes(rows(6000, start=70_001)))
        assert status == 302, page[:500]
        assert job_status(user.request(b.url(headers["Location"]))[2]) == "校验通过，待确认导入", \
            "checked in the node's own process while the broker is away"
    finally:
        worker.stop()
        a.stop()
        b.stop()
