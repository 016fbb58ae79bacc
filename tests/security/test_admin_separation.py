"""Item 6: three administrators on separate accounts; the system administrator cannot read the
audit log, the audit administrator only reads it; no superuser needed nor privileged."""
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from rectify.accounts.models import Role, User
from rectify.core.current import acting_as
from rectify.core.events import record_event
from rectify.core.models import Event, ObjectChange
from rectify.core.testing import WorldTestCase

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
                     if "migrations" not in p.parts and ("is_superuser" in p.read_text() or "has_perm(" in p.read_text())]
        self.assertEqual(offenders, [], "roles (accounts/roles.py) decide; Django's superuser flag must not")
