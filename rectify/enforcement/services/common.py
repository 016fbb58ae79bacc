"""Helpers shared by the enforcement services (the unit and scope checks are core.generic.services')."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from rectify.core.access.scope import area_allows
from rectify.core.audit.events import record_event
from rectify.core.clock import today as today  # the Beijing date, for the services importing it from here


def require_office(actor, what: str, action: str = "review") -> None:
    unit = getattr(actor, "unit", None)
    if unit is None or not unit.is_office or not area_allows(actor, "records", action):
        raise PermissionDenied(_("只有专项工作组办公室可以%(what)s。") % {"what": what})


def event(actor, name: str, obj=None, **kwargs):
    """record_event attributed to the acting user also outside a request (commands, tasks, tests)."""
    return record_event(name, obj, user=actor, **kwargs)
