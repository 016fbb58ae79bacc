"""The shared configuration of price supervision: baselines and rules, read by every unit and set by
the province (a city sets its own city's baselines only)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from rectify.core.access.scope import area_allows
from rectify.core.audit.events import record_event
from rectify.core.generic.services import object_create, object_delete, object_update

from ..models import PriceBaseline, PriceRule


def _require_config_writer(actor, target, data: dict) -> None:
    """Everyone reads rules and baselines; the province sets them, a city only its own city's
    baselines (the scope spec alone would let any clerk edit the province's numbers)."""
    unit = getattr(actor, "unit", None)
    if unit is None or not area_allows(actor, "records", "change"):
        raise PermissionDenied(_("您没有修改此记录的权限。"))
    if unit.is_provincial:
        return
    covered = unit.covered_city_ids()
    if target is PriceBaseline or isinstance(target, PriceBaseline):
        existing_ok = not isinstance(target, PriceBaseline) or target.area_id in covered
        area = data.get("area", target.area if isinstance(target, PriceBaseline) else None)
        if existing_ok and area is not None and area.pk in covered:
            return
    raise PermissionDenied(_("价格预警规则和全省价格基准由省级单位设置；市级单位只能设置本市的价格基准。"))


def config_create(*, model, data: dict, actor) -> PriceBaseline | PriceRule:
    _require_config_writer(actor, model, data)
    with transaction.atomic():
        obj = object_create(model=model, data=data, actor=actor)
        record_event(f"price.{model._meta.model_name}.create", obj, user=actor)
    return obj


def config_update(*, obj: PriceBaseline | PriceRule, data: dict, actor,
                  expected_version: int | None = None) -> PriceBaseline | PriceRule:
    _require_config_writer(actor, obj, data)
    with transaction.atomic():
        obj = object_update(obj=obj, data=data, actor=actor, expected_version=expected_version)
        record_event(f"price.{type(obj)._meta.model_name}.update", obj, user=actor)
    return obj


def config_delete(*, obj: PriceBaseline | PriceRule, actor, reason: str) -> None:
    _require_config_writer(actor, obj, {})
    object_delete(obj=obj, actor=actor, reason=reason)
