"""Checks shared by the field-work services (the unit, scope and row-lock checks are core.generic.services')."""
from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from rectify.core.access.scope import model_allows
from rectify.core.security.validators import validate_not_future


def require(actor, model: type[models.Model], action: str) -> None:
    if not model_allows(actor, model, action):
        raise PermissionDenied(_("您没有此操作的权限。"))


def require_provincial_office_or_market_bureau(actor, what: str) -> None:
    """The province's own registers (covert visits, the testing-institution directory) are kept by
    the provincial office or the provincial market-regulation bureau, not by other provincial lines."""
    unit = getattr(actor, "unit", None)
    if unit is None or not unit.is_provincial or not (unit.is_office or unit.department.line == "market"):
        raise PermissionDenied(_("%(what)s由省专项办或省市场监管局维护。") % {"what": what})


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
