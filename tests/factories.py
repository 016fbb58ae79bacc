"""Rows made by the tests themselves, never the demo data: one factory per registered model.

The convention (docs/development.md, "Adding a model"): the factories of app `<app_label>` live
in `tests/<app_label>/factories.py`, one function per registered model named after the model in
snake_case (`LedgerEntry` -> `ledger_entry`):

    def ledger_entry(unit: Unit | None = None) -> LedgerEntry

Each call saves and returns a new row, distinct from those made before (unique and searched
values are numbered from one counter, `number()`, and end with "号" so that no value is the start
of another), owned by `unit` — or, without one, by the unit that keeps such rows — and placed
where that unit's users see it. Reference data ignores `unit`. The factory of a model that can
hold only so many rows (one weight per risk factor) raises `Exhausted` when none is left to make.

`tests/registry/test_coverage.py` fails for a registered model without its factory. The
registry-wide tests (query counts, the table and API shortcuts, list plans) make their rows with
`make_rows`; the generic kit's search test makes its second row with `factory_for`.
"""
from __future__ import annotations

import importlib
import itertools
import re
from collections.abc import Callable
from typing import Any

from rectify.core.registry import registry
from rectify.organisations.models import Region, Unit

_numbers = itertools.count(1000)


class Exhausted(Exception):
    """The model holds no further distinct row (its rows are one per choice)."""


def number() -> int:
    """The next number of the process-wide counter behind every factory's unique values."""
    return next(_numbers)


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def factory_for(model: type) -> Callable[..., Any]:
    """`tests/<app_label>/factories.py`'s function for `model`; an error naming both if missing."""
    module_name = f"tests.{model._meta.app_label}.factories"
    name = snake(model.__name__)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        raise LookupError(f"{model._meta.label}: no factory module {module_name}") from error
    factory = getattr(module, name, None)
    if not callable(factory):
        raise LookupError(f"{model._meta.label}: {module_name} has no factory {name}(unit=None)")
    return factory


def make_rows(count: int, owners: tuple[str | None, ...] = (None,)) -> dict[str, int]:
    """`count` new rows of every registered model for each of `owners` (unit codes; None: the
    factory's own owner), fewer where the factory runs out (`Exhausted`); returns how many rows
    each model holds afterwards, by label."""
    for config in registry:
        factory = factory_for(config.model)
        for code in owners:
            owner = unit(code) if code else None
            for _ in range(count):
                try:
                    factory(owner)
                except Exhausted:
                    break
    return {config.model._meta.label: config.model._base_manager.count() for config in registry}


def unit(code: str) -> Unit:
    return Unit.objects.select_related("region", "department").get(code=code)


def place(owner) -> tuple[Any, Any]:
    """(city, county) where records of `owner` are seen by its own users: its county for a county
    bureau, the first city it covers for a city or customs unit, Shenyang for a provincial one."""
    if owner.is_provincial:
        return Region.objects.get(code="210100"), None
    if owner.county is not None:
        return owner.county.parent, owner.county
    return Region.objects.get(pk=owner.covered_city_ids()[0]), None
