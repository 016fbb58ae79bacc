"""PostgreSQL (a private cluster) goes away under two gunicorn workers that hold persistent
connections, and comes back: while it is down the user gets the clear 503 page (no stack trace)
and the health answer says so; once it is back every worker serves again by itself — none is left
with a dead connection (conn_health_checks), no restart of the application."""
from __future__ import annotations

import pytest

from .services import Browser, Node, app_env, django_shell, needs_postgres_binaries

pytestmark = [pytest.mark.faults, needs_postgres_binaries]

USER = """
from rectify.accounts.models import Role, User
from rectify.organisations.models import Unit
user = User.objects.create_user(username="clerk", password="Test-pass-2020!", full_name="录入员",
                                unit=Unit.objects.get(code="210100-samr"))
user.roles.set(Role.objects.filter(code="clerk"))
"""
PAGE = "/enterprises/enterprise/"


def test_pages_recover_after_a_database_restart(cluster, app_db, workdir):
    env = app_env(cluster.url(app_db), workdir)
    django_shell(env, USER)
    node = Node(env, workers=2, log=workdir / "gunicorn.log")
    try:
        node.start()
        user = Browser()
        user.login(node.url(""), "clerk", "Test-pass-2020!")
        for _ in range(6):  # every worker opens its persistent connection
            assert user.request(node.url(PAGE))[0] == 200

        cluster.stop("fast")  # the server ends every connection
        try:
            status, headers, page = user.request(node.url(PAGE))
            assert status == 503, page[:500]
            assert "数据库暂时不可用" in page and "Traceback" not in page and "psycopg" not in page
            assert headers.get("Retry-After") == "10"
            status, _, body = Browser().request(node.url("/health/"))  # the balancer: no session
            assert status == 503 and '"database": "unavailable"' in body, body[:300]
            status, _, body = user.request(node.url("/api/enterprises/enterprise/"))
            assert status == 503 and "数据库暂时不可用" in body and "Traceback" not in body
        finally:
            cluster.start()

        answers = [user.request(node.url(PAGE))[0] for _ in range(8)]
        assert answers == [200] * 8, f"every worker reconnects by itself: {answers}"
        assert user.request(node.url("/health/"))[0] == 200
    finally:
        node.stop()
