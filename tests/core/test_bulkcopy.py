"""Bulk inserts: on PostgreSQL large batches go through COPY (core/bulkcopy.py); whichever path
runs, every object gets its id, every value arrives intact, the change log has a row per object,
and the table's sequence stays ahead of the ids used."""
import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rectify.core.audit.models import ObjectChange
from rectify.core.bulkcopy import COPY_MIN_ROWS
from rectify.core.current import acting_as
from rectify.enterprises.models import Enterprise, ListEntry
from rectify.organisations.models import Region
from rectify.testing import WorldTestCase

TRICKY = ["制表符\t在中间", "换行\n与回车\r", "反斜杠\\N 不是空值", "=SUM(A1)", "引号 \" ' 与 , 逗号", ""]


class BulkCopyTests(WorldTestCase):
    def _enterprises(self, n: int) -> list[Enterprise]:
        city = Region.objects.get(code="210100")
        return [Enterprise(name=f"批量企业{i}", credit_code=None, region=city, address=TRICKY[i % len(TRICKY)],
                           notes=TRICKY[(i + 1) % len(TRICKY)], is_producer=bool(i % 2),
                           approved_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 300) if i % 3 else None)
                for i in range(n)]

    def test_large_batch_keeps_ids_values_and_change_log(self):
        n = COPY_MIN_ROWS + 50
        objs = self._enterprises(n)
        with acting_as(self.users["sysadmin"], request_id="bulk-copy"), CaptureQueriesContext(connection) as queries:
            created = Enterprise.objects.bulk_create(objs)
        inserts = [q["sql"] for q in queries.captured_queries
                   if q["sql"].startswith('INSERT INTO "enterprises_enterprise"')]
        if connection.vendor == "postgresql":
            self.assertEqual(inserts, [], "a batch this large should be copied, not inserted row by row")
        self.assertEqual(len(created), n)
        self.assertTrue(all(o.pk is not None and not o._state.adding for o in created))
        self.assertEqual(len({o.pk for o in created}), n)
        stored = {e.pk: e for e in Enterprise.objects.filter(pk__in=[o.pk for o in created])}
        self.assertEqual(len(stored), n)
        for obj in created:
            row = stored[obj.pk]
            self.assertEqual(
                (row.name, row.address, row.notes, row.is_producer, row.approved_on, row.region_id, row.credit_code),
                (obj.name, obj.address, obj.notes, obj.is_producer, obj.approved_on, obj.region_id, None))
            self.assertIsNotNone(row.created_at)
            self.assertEqual(row.version, 1)
        log = ObjectChange.objects.filter(request_id="bulk-copy", action=ObjectChange.CREATE,
                                          content_type__model="enterprise")
        self.assertEqual(log.count(), n)
        sample = log.get(object_id=str(created[7].pk))
        self.assertEqual(sample.after["address"], created[7].address)
        self.assertEqual(sample.object_repr, created[7].name)
        # the sequence moved past the copied ids: an ordinary insert afterwards gets a fresh one
        with acting_as(self.users["sysadmin"]):
            later = Enterprise.objects.create(name="之后的企业", region=created[0].region)
        self.assertGreater(later.pk, max(o.pk for o in created))

    def test_related_objects_passed_as_instances_are_written_by_id(self):
        with acting_as(self.users["sysadmin"]):
            enterprises = Enterprise.objects.bulk_create(self._enterprises(COPY_MIN_ROWS))
            unit = self.users["sysadmin"].unit
            entries = ListEntry.objects.bulk_create([
                ListEntry(enterprise=e, kind=ListEntry.Kind.PRODUCER, listed_on=datetime.date(2020, 5, 1),
                          source="测试", unit=unit) for e in enterprises])
        listed = ListEntry.objects.filter(pk__in=[e.pk for e in entries]).values_list("enterprise_id", flat=True)
        self.assertEqual(set(listed), {e.pk for e in enterprises})
