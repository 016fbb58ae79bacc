"""The change log and the audit log: every write recorded, bulk ones included; logs append-only."""
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from rectify.core.audit.events import record_event
from rectify.core.audit.models import Event, ObjectChange
from rectify.core.current import acting_as
from rectify.organisations.models import Department
from rectify.testing import ModelScopeTests, WorldTestCase


class ChangeLogTests(WorldTestCase):
    def _changes(self, **kw):
        return ObjectChange.objects.filter(content_type__model="department", request_id="req-1", **kw)

    def test_single_and_bulk_writes_are_logged_with_user_and_request(self):
        user = self.users["sysadmin"]
        with acting_as(user, request_id="req-1"):
            d = Department.objects.create(code="x1", name="甲", short_name="甲", line="market")
            d.name = "乙"
            d.save()
            Department.objects.bulk_create(
                [Department(code=f"b{i}", name=f"批{i}", short_name="批", line="market") for i in range(3)])
            Department.objects.filter(code__startswith="b").update(short_name="批量")
            Department.objects.filter(code__in=["b0", "b1"]).delete()
        create = self._changes(action="create", object_id=str(d.pk)).get()
        self.assertEqual((create.username, create.request_id), (user.username, "req-1"))
        update = self._changes(action="update", object_id=str(d.pk)).get()
        self.assertEqual((update.before["name"], update.after["name"]), ("甲", "乙"))
        self.assertEqual(self._changes(action="create").count(), 4)
        bulk_updates = self._changes(action="update").exclude(object_id=str(d.pk))
        self.assertEqual(bulk_updates.count(), 3)
        self.assertTrue(all(c.after["short_name"] == "批量" and c.before["short_name"] == "批" for c in bulk_updates))
        self.assertEqual(self._changes(action="delete").count(), 2)

    def test_logs_cannot_be_edited_or_deleted_through_the_application(self):
        with acting_as(self.users["sysadmin"]):
            Department.objects.create(code="x2", name="丙", short_name="丙", line="market")
            event = record_event("test.event")
        change = ObjectChange.objects.latest("id")
        change.object_repr = "forged"
        with self.assertRaises(ValidationError):
            change.save()
        with self.assertRaises(ValidationError):
            change.delete()
        with self.assertRaises(ValidationError):
            ObjectChange.objects.all().update(object_repr="forged")
        with self.assertRaises(ValidationError):
            Event.objects.filter(pk=event.pk).delete()

    def test_raw_sql_cannot_change_the_logs_on_postgresql(self):
        if connection.vendor != "postgresql":
            self.skipTest("the trigger exists on PostgreSQL only")
        with acting_as(self.users["sysadmin"]):
            record_event("test.event")
        for sql in ("UPDATE core_event SET event = 'forged'", "DELETE FROM core_event"):
            with self.assertRaises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)

    def test_history_page_shows_the_change(self):
        self.login("sysadmin")
        self.client.post("/org/department/add/",
                         {"code": "hist", "name": "历史部门", "short_name": "史", "line": "market", "order": 1})
        d = Department.objects.get(code="hist")
        response = self.client.get(f"/org/department/{d.pk}/history/")
        self.assertContains(response, "历史部门")
        self.assertContains(response, "t_sysadmin")


class ObjectChangeTests(ModelScopeTests):
    model = ObjectChange
    visible_to = ("auditadmin",)
    hidden_from = ()
    writer = None
    deleter = None
    no_permission_user = "sysadmin"  # the system administrator cannot read the audit trail

    @classmethod
    def make_object(cls, unit):
        with acting_as(None):
            Department.objects.create(code="logged", name="记录", short_name="记", line="market")
        return ObjectChange.objects.latest("id")


class EventTests(ModelScopeTests):
    model = Event
    visible_to = ("auditadmin",)
    hidden_from = ()
    writer = None
    deleter = None
    no_permission_user = "sysadmin"

    @classmethod
    def make_object(cls, unit):
        with acting_as(None):
            return record_event("test.event", detail={"k": "v"})
