"""Price observations: recorded one by one (the generic pages and API) or from a file, and checked by
the price rules in the same transaction."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from rectify.core.access.scope import model_allows, units_for
from rectify.core.audit.events import record_event
from rectify.core.generic.importing import RowError
from rectify.core.generic.services import ensure_in_scope, object_create, object_update

from ..importing import read_observations
from ..models import PriceObservation
from .flags import price_flags_evaluate


def _event(actor, name: str, obj, **detail: Any) -> None:
    record_event(name, obj, user=actor if getattr(actor, "pk", None) else None, detail=detail)


def price_observation_create(*, model, data: dict, actor) -> PriceObservation:
    """ModelConfig.create: record, then evaluate the rules in the same transaction."""
    with transaction.atomic():
        obs = object_create(model=PriceObservation, data=data, actor=actor)
        _event(actor, "price.observe", obs)
        price_flags_evaluate(observation=obs)
    return obs


def price_observation_update(*, obj: PriceObservation, data: dict, actor,
                             expected_version: int | None = None) -> PriceObservation:
    with transaction.atomic():
        obs = object_update(obj=obj, data=data, actor=actor, expected_version=expected_version)
        price_flags_evaluate(observation=obs)
    return obs


@dataclass
class ImportResult:
    created: int = 0
    flags: int = 0
    errors: list[RowError] = field(default_factory=list)
    failed: list[tuple[int, list[str], list[str]]] = field(default_factory=list)  # (row, cells, reasons)
    headers: list[str] = field(default_factory=list)


def price_observation_import(*, name: str, data: bytes, unit, actor) -> ImportResult:
    """A sheet of observations on behalf of `unit`, read and checked by `importing.read_observations`:
    every row or none, each evaluated by the price rules. Raises ImportFileError for an unusable file."""
    if not model_allows(actor, PriceObservation, "add") or not units_for(actor, "add").filter(pk=unit.pk).exists():
        raise PermissionDenied(_("您不能以“%(unit)s”的名义录入记录。") % {"unit": unit})
    read = read_observations(name=name, data=data, unit=unit)
    result = ImportResult(errors=read.errors, failed=read.failed, headers=read.headers)
    if result.errors:
        return result
    with transaction.atomic():
        for obs in read.observations:
            obs.save()
            result.flags += len(price_flags_evaluate(observation=obs))
        if read.observations:
            ensure_in_scope(read.observations[0], actor)
        result.created = len(read.observations)
        record_event("price.import", None, user=actor,
                     detail={"unit": unit.pk, "rows": result.created, "flags": result.flags})
    return result
