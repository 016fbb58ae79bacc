"""Helpers shared by the enforcement services: scope checks that answer in Chinese."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from rectify.core.access.scope import area_allows, restrict, units_for
from rectify.core.audit.events import record_event
from rectify.core.clock import today as today  # the Beijing date, for the services importing it from here


def lock_in_scope(obj: models.Model, actor, action: str = "change") -> models.Model:
    """Reload `obj` for update if `actor` may `action` it; the same answer for missing and forbidden."""
    model = type(obj)
    locked = restrict(model._default_manager.select_for_update().filter(pk=obj.pk), actor, action).first()
    if locked is None:
        raise PermissionDenied(_("记录不存在或不在您的数据范围内。"))
    return locked


def require_unit(actor, unit) -> None:
    """The actor enters records on behalf of `unit` (their own or one under them)."""
    if not units_for(actor, "add").filter(pk=unit.pk).exists():
        raise PermissionDenied(_("您不能以“%(unit)s”的名义录入记录。") % {"unit": unit})


def require_own_unit(actor, unit, what: str) -> None:
    """Workflow steps reserved to one unit (the receiver of a transfer, the handling unit...)."""
    if getattr(actor, "unit_id", None) != unit.pk or not area_allows(actor, "records", "change"):
        raise PermissionDenied(_("只有%(unit)s可以%(what)s。") % {"unit": unit, "what": what})


def require_provincial_office(actor, what: str) -> None:
    unit = getattr(actor, "unit", None)
    if unit is None or not unit.is_provincial_office or not area_allows(actor, "records", "manage"):
        raise PermissionDenied(_("只有省专项工作组办公室可以%(what)s。") % {"what": what})


def require_office(actor, what: str, action: str = "review") -> None:
    unit = getattr(actor, "unit", None)
    if unit is None or not unit.is_office or not area_allows(actor, "records", action):
        raise PermissionDenied(_("只有专项工作组办公室可以%(what)s。") % {"what": what})


def event(actor, name: str, obj=None, **kwargs):
    """record_event attributed to the acting user also outside a request (commands, tasks, tests)."""
    return record_event(name, obj, user=actor, **kwargs)
