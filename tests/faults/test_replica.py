"""Reports read a real streaming replica (pg_basebackup of the private primary, a second server on
another port) when REPORTS_DATABASE_URL names it: the tables page of a node configured so shows what
the replica holds — while its replay is paused, the figures stay those before the primary's newest
inspection (never newer than the primary), and the page names the moment its data reaches; once
replay resumes they equal the primary's."""
from __future__ import annotations

import re

import pytest

from .services import Browser, Node, app_env, django_shell, needs_postgres_binaries, wait_for

pytestmark = [pytest.mark.faults, needs_postgres_binaries]

SETUP = """
from rectify.accounts.models import Role, User
from rectify.organisations.models import Unit
province = User.objects.create_user(username="sheng", password="Test-pass-2020!", full_name="省办",
                                    unit=Unit.objects.get(code="210000-office"))
province.roles.set(Role.objects.filter(code__in=["office_admin", "reviewer", "clerk"]))
clerk = User.objects.create_user(username="clerk", password="Test-pass-2020!", full_name="录入员",
                                 unit=Unit.objects.get(code="210100-samr"), is_enforcement_officer=True)
clerk.roles.set(Role.objects.filter(code="clerk"))
User.objects.create_user(username="inspector2", password="Test-pass-2020!", full_name="执法二",
                         unit=clerk.unit, is_enforcement_officer=True)
"""
INSPECT = """
import datetime
from rectify.accounts.models import User
from rectify.core.current import acting_as
from rectify.core.security.validators import uscc_check_char
from rectify.enterprises.models import Enterprise
from rectify.fieldwork import services as fw
from rectify.organisations.models import ProductCategory, Region
clerk = User.objects.get(username="clerk")
first17 = "91210100MA%07d" % N
e = Enterprise.objects.create(name="沈阳副本测试口罩厂%d" % N, credit_code=first17 + uscc_check_char(first17),
                              region=Region.objects.get(code="210100"), is_producer=True)
mask = ProductCategory.objects.get(code="mask")
e.categories.set([mask])
with acting_as(clerk):
    fw.inspection_record(unit=clerk.unit, enterprise=e, date=datetime.date(2020, 5, 20), actor=clerk,
                         inspectors=list(User.objects.filter(unit=clerk.unit, is_enforcement_officer=True)),
                         outcomes={mask: "passed"})
"""
PAGE = "/reports/tables/?cutoff=2020-06-04"


def tables(page: str) -> list[str]:
    return re.findall(r"<table.*?</table>", page, re.S)


def test_reports_read_the_replica_and_say_how_old(cluster, app_db, workdir):
    primary_env = app_env(cluster.url(app_db), workdir)
    django_shell(primary_env, SETUP)
    django_shell(primary_env, INSPECT.replace("% N", "% 1"))
    standby = cluster.basebackup_standby()
    nodes: list[Node] = []
    try:
        standby.start()
        on_primary = Node(primary_env, workers=1, log=workdir / "p.log")
        on_replica = Node({**primary_env, "REPORTS_DATABASE_URL": standby.url(app_db)}, workers=1,
                          log=workdir / "r.log")
        nodes += [on_primary, on_replica]
        on_primary.start(), on_replica.start()
        user = Browser()
        user.login(on_primary.url(""), "sheng", "Test-pass-2020!")

        def page(node: Node) -> str:
            status, _, body = user.request(node.url(PAGE))
            assert status == 200, body[:500]
            return body

        wait_for(lambda: tables(page(on_replica)) == tables(page(on_primary)), 60, "the replica to catch up",
                 interval=0.5)
        before = tables(page(on_primary))
        replica_page = page(on_replica)
        assert 'id="data-age"' in replica_page and "只读副本" in replica_page
        assert 'id="data-age"' not in page(on_primary)

        standby.psql("SELECT pg_wal_replay_pause()")
        django_shell(primary_env, INSPECT.replace("% N", "% 2"))
        after = tables(page(on_primary))
        assert after != before, "the new inspection changes the primary's tables"
        assert tables(page(on_replica)) == before, "the paused replica shows the figures it holds, not newer"

        standby.psql("SELECT pg_wal_replay_resume()")
        wait_for(lambda: tables(page(on_replica)) == after, 60, "the replica to replay the inspection",
                 interval=0.5)
    finally:
        for node in nodes:
            node.stop()
        standby.stop("immediate")
