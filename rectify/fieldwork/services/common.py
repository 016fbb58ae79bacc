"""Checks shared by the field-work services: who may write, on behalf of which unit, about what."""
from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from rectify.core.access.scope import model_allows, restrict, units_for
from rectify.core.generic.services import ConflictError
from rectify.core.security.validators import validate_not_future


def require(actor, model: type[models.Model], action: str) -> None:
    if not model_allows(actor, model, action):
        raise PermissionDenied(_("您没有此操作的权限。"))


def require_unit(actor, unit) -> None:
    """The actor may enter records on behalf of `unit` (their own or one under it)."""
    if not units_for(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("您不能以该单位的名义填报。"))


def require_visible(actor, obj: models.Model | None, label: str) -> None:
    if obj is not None and not restrict(type(obj)._default_manager.filter(pk=obj.pk), actor, "view").exists():
        raise ValidationError(_("%(label)s不在您的数据范围内。") % {"label": label})


def require_provincial(actor, what: str) -> None:
    unit = getattr(actor, "unit", None)
    if unit is None or not unit.is_provincial or not (unit.is_office or unit.department.line == "market"):
        raise PermissionDenied(_("%(what)s由省专项办或省市场监管局维护。") % {"what": what})


def lock(obj: models.Model, actor, action: str = "change", expected_version: int | None = None) -> models.Model:
    """Re-read `obj` for update within the actor's scope, checking the optimistic lock."""
    locked = restrict(type(obj)._default_manager.select_for_update().filter(pk=obj.pk), actor, action).first()
    if locked is None:
        raise PermissionDenied(_("您没有修改此记录的权限。"))
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(_("该记录已被他人修改（当前版本 %(now)s，您编辑的是版本 %(mine)s）。请刷新后重新修改。")
                            % {"now": locked.version, "mine": expected_version}, code="conflict")
    return locked


def not_future(value: datetime.date | None, field: str) -> None:
    """The shared rule (core.security.validators.validate_not_future), reported on `field`: for dates a
    step sets before the record's own validation runs."""
    try:
        validate_not_future(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def save_checked(obj: models.Model) -> None:
    """full_clean (constraints included) then save, bumping the optimistic-lock version of an update."""
    if obj.pk is not None:
        obj.version += 1
    if hasattr(obj, "fill_scope") and obj.unit_id:
        obj.fill_scope()
    obj.full_clean()
    obj.save()
