"""Factories for the core models (the change log and the event log); see tests/factories.py."""
from __future__ import annotations

from rectify.core.audit.events import record_event
from rectify.core.audit.models import Event, ObjectChange
from rectify.core.current import acting_as
from rectify.organisations.models import Department
from tests.factories import number


def object_change(unit=None) -> ObjectChange:
    """The change row of a logged write (a department created), as the change log writes it."""
    n = number()
    with acting_as(None):
        department = Department.objects.create(code=f"f{n}", name=f"变更测试部门{n}号", short_name=f"变{n}",
                                               line="market")
    return ObjectChange.objects.filter(content_type__model="department", object_id=str(department.pk)).get()


def event(unit=None) -> Event:
    n = number()
    with acting_as(None):
        return record_event(f"test.factory_{n}", detail={"n": n})
