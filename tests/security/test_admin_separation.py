"""Item 6: three administrators on separate accounts; the system administrator cannot read the
audit log, the audit administrator only reads it; no superuser needed nor privileged.

Item 18 (administrators stay apart): only the security administrator grants roles, and
nobody changes their own; the accounts' history and login events are the audit administrator's
alone; the province reviews a city's report but never submits it; two administrator roles on one
account are a form error, not a 500."""
import datetime
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from rectify.accounts.models import Role, User
from rectify.accounts.services import user_set_roles
from rectify.core.audit.events import record_event
from rectify.core.audit.models import Event, ObjectChange
from rectify.core.current import acting_as
from rectify.organisations.models import Department
from rectify.reports import services as reports
from rectify.reports.models import WeeklyReport
from rectify.reports.tasks import open_weekly_reports
from rectify.testing import WorldTestCase

ROOT = Path(__file__).resolve().parents[2] / "rectify"


class ThreeAdministratorsTests(WorldTestCase):
    def test_roles_add_cannot_combine_administrators(self):
        user = self.users["sysadmin"]
        for other in ("sec_admin", "audit_admin", "clerk"):
            with self.assertRaises(ValidationError), transaction.atomic():
                user.roles.add(Role.objects.get(code=other))
        with self.assertRaises(ValidationError), transaction.atomic():
            Role.objects.get(code="audit_admin").users.add(user)  # from the other side
        fresh = User.objects.create_user(username="fresh", password="x")
        with self.assertRaises(ValidationError), transaction.atomic():
            fresh.roles.add(*Role.objects.filter(code__in=["sys_admin", "sec_admin"]))
        with self.assertRaises(ValidationError), transaction.atomic():
            fresh.roles.set(Role.objects.filter(code__in=["sec_admin", "audit_admin"]))
        self.assertEqual(set(user.roles.values_list("code", flat=True)), {"sys_admin"})
        self.assertEqual(fresh.roles.count(), 0)
        fresh.roles.add(Role.objects.get(code="clerk"), Role.objects.get(code="reviewer"))  # business roles combine

    def test_system_administrator_cannot_read_the_audit_log(self):
        with acting_as(None):
            record_event("test.event")
        self.login("sysadmin")
        for url in ("/event/", "/objectchange/", "/event/?export=csv"):
            self.assertEqual(self.client.get(url).status_code, 403, url)
        event = Event.objects.latest("id")
        self.assertEqual(self.client.get(f"/event/{event.pk}/").status_code, 404)
        api = self.api("sysadmin")
        for url in ("/api/core/event/", "/api/core/objectchange/"):
            self.assertEqual(api.get(url).status_code, 403, url)
        self.assertFalse(Event.objects.restrict(self.users["sysadmin"]).exists())

    def test_audit_administrator_only_reads(self):
        with acting_as(None):
            event = record_event("test.event")
        self.login("auditadmin")
        self.assertEqual(self.client.get("/event/").status_code, 200)
        self.assertEqual(self.client.get("/objectchange/").status_code, 200)
        self.assertEqual(self.client.get(f"/event/{event.pk}/").status_code, 200)
        for url in (f"/event/{event.pk}/edit/", f"/event/{event.pk}/delete/", "/event/add/"):
            self.assertIn(self.client.post(url).status_code, (403, 404, 405), url)
        api = self.api("auditadmin")
        self.assertEqual(api.get("/api/core/event/").status_code, 200)
        self.assertIn(api.post("/api/core/event/", {"event": "forged"}, format="json").status_code, (403, 405))
        self.assertIn(api.delete(f"/api/core/event/{event.pk}/").status_code, (403, 405))
        self.assertIn(api.patch(f"/api/core/event/{event.pk}/", {"event": "x"}, format="json").status_code, (403, 405))
        self.assertTrue(Event.objects.filter(pk=event.pk, event="test.event").exists())
        # the audit administrator administers nothing else
        self.assertEqual(self.client.get("/accounts/user/").status_code, 403)


class NoSuperuserTests(WorldTestCase):
    def test_superuser_flag_grants_nothing(self):
        boss = User.objects.create_user(username="root", password="x", is_superuser=True, is_staff=True,
                                        unit=self.unit("210000-office"))
        self.client.force_login(boss)
        for url in ("/event/", "/accounts/user/", "/org/department/add/"):
            self.assertEqual(self.client.get(url).status_code, 403, url)
        for model in (Event, ObjectChange, User):
            self.assertFalse(model.objects.restrict(boss).exists(), model)

    def test_no_code_path_looks_at_is_superuser(self):
        offenders = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")
                     if "migrations" not in p.parts
                     and ("is_superuser" in p.read_text() or "has_perm(" in p.read_text())]
        self.assertEqual(offenders, [], "roles (core/access/roles.py) decide; Django's superuser flag must not")


def role_pks(*codes: str) -> list[int]:
    return list(Role.objects.filter(code__in=codes).values_list("pk", flat=True))


def codes_of(user: User) -> set[str]:
    return set(User.objects.get(pk=user.pk).roles.values_list("code", flat=True))


class RoleGrantingTests(WorldTestCase):
    """Only the security administrator grants roles, never to itself; nobody changes their own."""

    def edit(self, user: User, roles: list[int]):
        """POST the user's edit page with everything as it is but `roles`."""
        user = User.objects.get(pk=user.pk)
        return self.client.post(f"/accounts/user/{user.pk}/edit/", {
            "username": user.username, "full_name": user.full_name, "unit": user.unit_id, "roles": roles,
            "phone": user.phone, "email": user.email, "officer_number": user.officer_number, "is_active": "on",
            "is_enforcement_officer": "on" if user.is_enforcement_officer else "", "version": user.version})

    def patch_roles(self, key: str, user: User, roles: list[int]):
        api = self.api(key)
        url = f"/api/accounts/user/{user.pk}/"
        return api.patch(url, {"roles": roles}, format="json", HTTP_IF_MATCH=api.get(url)["ETag"])

    def test_security_administrator_cannot_grant_itself_the_audit_role(self):
        sec = self.users["secadmin"]
        for wanted in ({"audit_admin"}, {"sec_admin", "audit_admin"}, {"auditor"}):
            with self.assertRaisesMessage(PermissionDenied, "不能修改自己的角色。"):
                user_set_roles(user=sec, role_codes=wanted, actor=sec)
        self.login("secadmin")
        response = self.edit(sec, role_pks("audit_admin"))
        self.assertEqual(response.status_code, 400)
        self.assertIn("不能修改自己的角色。", response.context["form"].errors["roles"])
        self.assertEqual(self.patch_roles("secadmin", sec, role_pks("audit_admin")).status_code, 403)
        self.assertEqual(codes_of(sec), {"sec_admin"})
        self.assertEqual(self.client.get("/event/").status_code, 403)  # still no audit log for it

    def test_nobody_changes_their_own_roles(self):
        for key, wanted in (("secadmin", set()), ("secadmin", {"sec_admin", "clerk"}), ("sysadmin", {"sec_admin"}),
                            ("shenyang_office", {"office_admin"})):
            user = self.users[key]
            with self.assertRaisesMessage(PermissionDenied, "不能修改自己的角色。"), transaction.atomic():
                user_set_roles(user=user, role_codes=wanted, actor=user)
        self.login("secadmin")
        response = self.edit(self.users["secadmin"], [])
        self.assertEqual(response.status_code, 400)
        self.assertIn("不能修改自己的角色。", response.context["form"].errors["roles"])
        self.assertEqual(self.patch_roles("secadmin", self.users["secadmin"], []).status_code, 403)
        self.assertEqual(codes_of(self.users["secadmin"]), {"sec_admin"})
        # the other fields of one's own account stay editable (roles as they are)
        self.assertEqual(self.edit(self.users["secadmin"], role_pks("sec_admin")).status_code, 302)

    def test_only_the_security_administrator_grants_roles(self):
        target = self.users["shenyang_samr"]
        with self.assertRaisesMessage(PermissionDenied, "只有安全管理员可以分配角色。"):
            user_set_roles(user=target, role_codes={"clerk", "reviewer"}, actor=self.users["sysadmin"])
        self.login("sysadmin")
        response = self.edit(target, role_pks("clerk", "reviewer"))
        self.assertEqual(response.status_code, 400)
        self.assertIn("只有安全管理员可以分配角色。", response.context["form"].errors["roles"])
        response = self.client.post("/accounts/user/add/", {"username": "newbie", "full_name": "新人",
                                                            "unit": target.unit_id, "roles": role_pks("clerk"),
                                                            "is_active": "on"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.patch_roles("sysadmin", target, role_pks("clerk", "reviewer")).status_code, 403)
        response = self.api("sysadmin").post("/api/accounts/user/", {"username": "newbie", "unit": target.unit_id,
                                                                     "roles": role_pks("clerk")}, format="json")
        self.assertEqual(response.status_code, 403)
        self.assertFalse(User.objects.filter(username="newbie").exists())
        self.assertEqual(codes_of(target), {"clerk"})
        # the system administrator still keeps the accounts, roles as they are
        self.assertEqual(self.edit(target, role_pks("clerk")).status_code, 302)
        # the security administrator grants them, to others
        self.login("secadmin")
        self.assertEqual(self.edit(target, role_pks("clerk", "reviewer")).status_code, 302)
        self.assertEqual(codes_of(target), {"clerk", "reviewer"})

    def test_two_administrator_roles_are_a_form_error_not_a_500(self):
        target = self.users["shenyang_norole"]
        for wanted in (["sys_admin", "audit_admin"], ["sec_admin", "audit_admin"], ["audit_admin", "clerk"]):
            with self.assertRaises(ValidationError), transaction.atomic():
                user_set_roles(user=target, role_codes=set(wanted), actor=self.users["secadmin"])
            self.login("secadmin")
            response = self.edit(target, role_pks(*wanted))
            # the generic edit page answers every invalid form with 400 and the form again
            self.assertEqual(response.status_code, 400, wanted)
            self.assertTrue(response.context["form"].errors["roles"], wanted)
            self.assertEqual(self.patch_roles("secadmin", target, role_pks(*wanted)).status_code, 400, wanted)
        response = self.edit(target, role_pks("sys_admin", "sec_admin"))
        self.assertContains(response, "不能同时授予", status_code=400)
        self.assertEqual(codes_of(target), set())


class AccountHistoryTests(WorldTestCase):
    """The accounts' history and login events are the audit administrator's: not the system or
    security administrator's, whose work they record, nor the business auditor's."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.auditor = User.objects.create_user(username="t_auditor", password="x", unit=cls.unit("210000-office"))
        cls.auditor.roles.set(Role.objects.filter(code="auditor"))
        cls.target = cls.users["shenyang_samr"]
        with acting_as(cls.users["secadmin"]):
            user_set_roles(user=cls.target, role_codes={"clerk", "reviewer"}, actor=cls.users["secadmin"])
        with acting_as(None):
            cls.business_event = record_event("test.event")
            cls.department = Department.objects.create(code="t_history", name="历史测试部门", short_name="史",
                                                       line="market")

    def setUp(self):
        self.client.post("/accounts/login/", {"username": self.target.username, "password": "wrong"})
        self.client.logout()
        self.account_events = Event.objects.filter(event__in=["login.failed", "user.roles"])
        self.assertEqual(self.account_events.count(), 2)

    def history(self) -> str:
        return f"/accounts/user/{self.target.pk}/history/"

    def test_system_and_security_administrators_do_not_read_it(self):
        for key in ("sysadmin", "secadmin"):
            user = self.login(key)
            self.assertEqual(self.client.get(f"/accounts/user/{self.target.pk}/").status_code, 200, key)
            self.assertNotContains(self.client.get(f"/accounts/user/{self.target.pk}/"), "history-tab")
            self.assertEqual(self.client.get(self.history()).status_code, 403, key)
            for url in ("/event/", "/objectchange/", "/event/?export=csv"):
                self.assertEqual(self.client.get(url).status_code, 403, (key, url))
            for event in self.account_events:
                self.assertEqual(self.client.get(f"/event/{event.pk}/").status_code, 404, (key, event.event))
            for url in ("/api/core/event/", "/api/core/objectchange/"):
                self.assertEqual(self.api(key).get(url).status_code, 403, (key, url))
            self.assertFalse(Event.objects.restrict(user).exists(), key)
            self.assertFalse(ObjectChange.objects.restrict(user).exists(), key)

    def test_the_audit_administrator_reads_it(self):
        self.login("auditadmin")
        response = self.client.get(self.history())
        self.assertContains(response, '<strong class="history-event">分配角色</strong>')  # user.roles, in words
        self.assertContains(response, "history-table")
        for event in self.account_events:
            self.assertEqual(self.client.get(f"/event/{event.pk}/").status_code, 200, event.event)
        listed = {e["event"] for e in self.api("auditadmin").get("/api/core/event/").json()["results"]}
        self.assertLessEqual({"login.failed", "user.roles", "test.event"}, listed)
        user_type = ContentType.objects.get_for_model(User)
        changes = self.api("auditadmin").get("/api/core/objectchange/",
                                             {"content_type": user_type.pk}).json()["results"]
        self.assertIn(str(self.target.pk), {c["object_id"] for c in changes})
        self.assertEqual(self.client.get(f"/accounts/user/{self.target.pk}/").status_code, 404)

    def test_the_business_auditor_reads_business_history_only(self):
        self.client.force_login(self.auditor)
        self.assertEqual(self.client.get(self.history()).status_code, 403)
        self.assertEqual(self.client.get("/event/").status_code, 200)
        self.assertEqual(self.client.get(f"/event/{self.business_event.pk}/").status_code, 200)
        for event in self.account_events:
            self.assertEqual(self.client.get(f"/event/{event.pk}/").status_code, 404, event.event)
        api = self.api(None)
        api.force_authenticate(self.auditor)
        listed = {e["event"] for e in api.get("/api/core/event/").json()["results"]}
        self.assertIn("test.event", listed)
        self.assertFalse(listed & {"login.failed", "user.roles"}, listed)
        user_type = ContentType.objects.get_for_model(User)
        self.assertFalse(ObjectChange.objects.restrict(self.auditor).filter(content_type=user_type).exists())
        self.assertFalse(Event.objects.restrict(self.auditor).filter(content_type=user_type).exists())
        self.assertTrue(ObjectChange.objects.restrict(self.auditor).filter(object_id=str(self.department.pk)).exists())

    def test_a_business_record_history_stays_with_its_readers(self):
        self.login("shenyang_samr")
        self.assertContains(self.client.get(f"/org/department/{self.department.pk}/"), "history-tab")
        self.assertContains(self.client.get(f"/org/department/{self.department.pk}/history/"), "历史测试部门")


class ProvinceNeverSubmitsTests(WorldTestCase):
    """The provincial office reviews (returns, accepts) a city's report; it never submits one."""

    def test_province_cannot_submit_a_city_report(self):
        open_weekly_reports("2020-06-01")
        report = WeeklyReport.objects.get(unit__code="210100-office", cutoff=datetime.date(2020, 6, 4))
        with self.assertRaisesMessage(PermissionDenied, f"仅{report.unit.name}（报告单位）可以报送"):
            reports.report_submit(report=report, actor=self.users["province_office"], narrative={}, filled_by="x",
                                  phone="")
        self.login("province_office")
        page = self.client.get(f"/reports/weeklyreport/{report.pk}/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "submit-report")
        for action in ("submit", "manual"):
            response = self.client.post(f"/reports/weeklyreport/{report.pk}/action/", {
                "action": action, "filled_by": "省办", "phone": ""}, follow=True)
            self.assertContains(response, "（报告单位）可以报送")
        api = self.api("province_office")
        self.assertEqual(api.post(f"/api/reports/weeklyreport/{report.pk}/", {"status": "submitted"}).status_code, 405)
        self.assertEqual(api.patch(f"/api/reports/weeklyreport/{report.pk}/", {"status": "submitted"}).status_code, 405)
        report.refresh_from_db()
        self.assertEqual((report.status, report.versions.count()), ("open", 0))
        self.assertFalse(Event.objects.filter(event="report.submit").exists())
        # the city itself sees the submit form
        self.login("shenyang_office")
        self.assertContains(self.client.get(f"/reports/weeklyreport/{report.pk}/"), "submit-report")
