"""Two writers at the same moment, for real: each in its own thread with its own PostgreSQL
connection, both holding the same version of the record, both released at once against a row lock
the test holds, so that neither can finish before the other has read. One wins; the other is
refused with the values saved now; nothing is overwritten and a weekly report gets one version.

PostgreSQL only (SQLite serialises the whole database; its in-memory test database is not shared
between threads)."""
from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction
from django.test import Client, TransactionTestCase
from django.urls import reverse
from rest_framework.test import APIClient

from rectify.accounts.models import Role, User
from rectify.core.models import ObjectChange
from rectify.enterprises.models import Enterprise
from rectify.organisations.models import Region, Unit
from rectify.reports.models import ReportVersion, WeeklyReport
from rectify.reports.tasks import open_weekly_reports
from rectify.testing import PASSWORD
from tests.enterprises.factories import enterprise

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL"),
]

WAIT = 30  # seconds: the bound on every wait of these tests


def person(username: str, unit_code: str, roles: list[str]) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, unit=Unit.objects.get(code=unit_code),
                                    full_name=username)
    user.roles.set(Role.objects.filter(code__in=roles))
    return user


def waiting_on_locks() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else one snapshot per transaction
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0]


def at_once(model, pk: int, calls: list[Callable[[], object]], blocked: int | None = None) -> list[object]:
    """Run `calls` in threads while this thread holds the row lock; release it once `blocked` of
    them (all, by default) wait on it, so that every call has read the row before any writes."""
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            results[i] = calls[i]()
        except Exception as exc:  # reported by the assertions below, with the thread's error
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    with transaction.atomic():
        model._base_manager.select_for_update().get(pk=pk)
        for t in threads:
            t.start()
        deadline = datetime.datetime.now() + datetime.timedelta(seconds=WAIT)
        while waiting_on_locks() < (blocked or len(calls)):
            time.sleep(0.05)
            assert datetime.datetime.now() < deadline, "the writers never reached the row lock"
            assert any(t.is_alive() for t in threads), f"every writer ended before the lock: {results}"
    for t in threads:
        t.join(WAIT)
        assert not t.is_alive(), "a writer is still running"
    return results


class SameRecordTests(TransactionTestCase):
    serialized_rollback = False

    def setUp(self):
        self.first = person("clerk_a", "210100-samr", ["clerk"])
        self.second = person("clerk_b", "210100-samr", ["clerk"])
        self.obj = enterprise()
        self.form = {"credit_code": self.obj.credit_code, "entity_type": "company",
                     "region": Region.objects.get(code="210100").pk, "county": "", "legal_representative": "李强",
                     "address": "", "contact": "", "phone": "", "credit_status": "normal", "notes": "",
                     "approved_on": ""}

    def test_two_pages_save_at_once(self):
        url = reverse("enterprises:enterprise_edit", kwargs={"pk": self.obj.pk})
        version = self.obj.version

        def save(user: User, name: str) -> Callable[[], object]:
            client = Client()
            client.force_login(user)
            self.assertEqual(client.get(url).status_code, 200)
            return lambda: client.post(url, {**self.form, "name": name, "version": version})

        def changes() -> int:
            return ObjectChange.objects.filter(object_id=str(self.obj.pk), content_type__model="enterprise").count()

        before = changes()
        a, b = at_once(Enterprise, self.obj.pk, [save(self.first, "甲改的名称有限公司"),
                                                 save(self.second, "乙改的名称有限公司")])
        statuses = sorted([a.status_code, b.status_code])
        self.assertEqual(statuses, [302, 409], f"one saves, one is refused: {a}, {b}")
        winner, loser = (a, b) if a.status_code == 302 else (b, a)
        saved = Enterprise.objects.get(pk=self.obj.pk)
        won_name = "甲改的名称有限公司" if winner is a else "乙改的名称有限公司"
        lost_name = "乙改的名称有限公司" if winner is a else "甲改的名称有限公司"
        self.assertEqual((saved.name, saved.version), (won_name, version + 1))
        page = loser.content.decode()
        self.assertIn("已被他人修改", page)
        self.assertIn(f'<td class="conflict-current">{won_name}</td>', page, "the refusal shows the saved value")
        self.assertIn(lost_name, page, "and keeps what the refused user typed")
        written = set(ObjectChange.objects.filter(object_id=str(self.obj.pk), content_type__model="enterprise")
                      .order_by("pk")[before:].values_list("username", flat=True))
        self.assertEqual(written, {(self.first if winner is a else self.second).username},
                         "the history holds the winner's save only")

    def test_two_api_clients_patch_at_once(self):
        url = f"/api/enterprises/enterprise/{self.obj.pk}/"

        def patch(user: User, phone: str) -> Callable[[], object]:
            client = APIClient()
            client.force_authenticate(user)
            etag = client.get(url)["ETag"]
            return lambda: client.patch(url, {"phone": phone}, format="json", HTTP_IF_MATCH=etag)

        a, b = at_once(Enterprise, self.obj.pk, [patch(self.first, "024-11111111"), patch(self.second, "024-22222222")])
        self.assertEqual(sorted([a.status_code, b.status_code]), [200, 412], f"{a.content[:300]} {b.content[:300]}")
        winner, loser = (a, b) if a.status_code == 200 else (b, a)
        saved = Enterprise.objects.get(pk=self.obj.pk)
        self.assertEqual(saved.phone, winner.json()["phone"])
        body = loser.json()
        self.assertEqual(body["current"]["phone"], saved.phone, "the 412 carries the values saved now")
        self.assertEqual(loser["ETag"], f'"{saved.pk}-{saved.version}"', "and the ETag to send a deliberate retry")


class DoubleSubmitTests(TransactionTestCase):
    """The same weekly report submitted twice at the same moment: exactly one version."""

    serialized_rollback = False

    def setUp(self):
        self.office = person("sy_office", "210100-office", ["office_admin", "reviewer", "clerk"])
        self.colleague = person("sy_office_2", "210100-office", ["reviewer"])
        open_weekly_reports("2020-06-01")
        self.report = WeeklyReport.objects.get(unit__code="210100-office", cutoff=datetime.date(2020, 6, 4))
        self.page = reverse("reports:report_action", args=[self.report.pk])

    def _page_submit(self, client: Client, **extra: str) -> Callable[[], object]:
        data = {"action": "submit", "version": str(self.report.version), "filled_by": "王芳", "phone": "024-1",
                **extra}
        return lambda: client.post(self.page, data)

    def test_double_click(self):
        client = Client()
        client.force_login(self.office)
        at_once(WeeklyReport, self.report.pk, [self._page_submit(client), self._page_submit(client)])
        self.assertEqual(ReportVersion.objects.filter(report=self.report).count(), 1)
        self.assertEqual(WeeklyReport.objects.get(pk=self.report.pk).status, WeeklyReport.Status.SUBMITTED)

    def test_two_tabs_correcting_a_returned_report(self):
        # A correction carries its reason, so only the version the page showed can refuse the second.
        client = Client()
        client.force_login(self.office)
        client.post(self.page, {"action": "submit", "version": str(self.report.version), "filled_by": "王芳"})
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, WeeklyReport.Status.SUBMITTED)
        WeeklyReport.objects.filter(pk=self.report.pk).update(status=WeeklyReport.Status.RETURNED,
                                                               return_reason="请核实")
        self.report.refresh_from_db()
        tabs = [Client(), Client()]
        for tab in tabs:
            tab.force_login(self.office)
        at_once(WeeklyReport, self.report.pk,
                [self._page_submit(tab, correction_reason="已核实召回数量") for tab in tabs])
        self.assertEqual(ReportVersion.objects.filter(report=self.report).count(), 2, "the first and one correction")

    def test_two_users_through_the_api(self):
        def submit(user: User) -> Callable[[], object]:
            client = APIClient()
            client.force_authenticate(user)
            url = f"/api/reports/weeklyreport/{self.report.pk}/submit/"
            return lambda: client.post(url, {"filled_by": user.username}, format="json")

        a, b = at_once(WeeklyReport, self.report.pk, [submit(self.office), submit(self.colleague)])
        codes = sorted([a.status_code, b.status_code])
        self.assertEqual(codes[0], 200, f"{a.content[:300]} {b.content[:300]}")
        self.assertIn(codes[1], (400, 409, 412), "the second is refused with a reason")
        self.assertEqual(ReportVersion.objects.filter(report=self.report).count(), 1)
