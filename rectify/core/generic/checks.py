"""System checks of the registry's list pages (`manage.py check`, `migrate`, `runserver`; and
tests/registry/test_list_plans.py).

rectify.E001 — a record list must be readable from an index in its own order. A list page and its
API read the newest 50 rows by the list's ordering (date, then id). Without an index in that
order, PostgreSQL reads every row of the user's scope and sorts it for every page: the whole
1,000,000-row ledger for the province; an index on the date alone leaves the rows of a day (8,000
cases on the latest filing day) to sort again (docs/performance.md). The check covers
the lists whose ordering ends with the primary key — the records, which grow with the campaign;
reference tables, ordered by name or code, stay small.
"""
from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import models

from rectify.core.registry import registry


class JoinedOrdering(Exception):
    """An ordering naming a foreign key by its field name: Django sorts by the related model's
    own ordering, through a join, and no index of this table gives that order."""


def _names(model: type[models.Model], ordering: list[str]) -> list[tuple[str, bool]] | None:
    """`ordering` as (column field name, descending) pairs; None if it is not only local fields."""
    pairs = []
    for item in ordering:
        if not isinstance(item, str) or "__" in item.lstrip("-"):
            return None
        name = item.lstrip("-")
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        if field.is_relation and name == field.name and field.related_model._meta.ordering:
            raise JoinedOrdering(name)
        pairs.append((field.name, item.startswith("-")))
    return pairs


def _index_orders(model: type[models.Model]) -> list[list[tuple[str, bool]]]:
    """The column orders the model's plain (unconditional, field) indexes can be read in."""
    orders = [[(model._meta.pk.name, False)]]
    for index in model._meta.indexes:
        if index.fields and index.condition is None:
            orders.append([(model._meta.get_field(f.lstrip("-")).name, f.startswith("-")) for f in index.fields])
    return orders


def served_by_index(model: type[models.Model], ordering: list[str]) -> bool:
    """Whether an index of `model` yields its rows in `ordering`, read forwards or backwards."""
    try:
        wanted = _names(model, ordering)
    except JoinedOrdering:
        return False
    if not wanted:
        return True  # no ordering, or one through a join: nothing an index of this table serves
    flipped = [(name, not desc) for name, desc in wanted]
    return any(order[:len(wanted)] in (wanted, flipped) for order in _index_orders(model))


def list_ordering(config: Any) -> list[str]:
    return list(config.ordering or config.model._meta.ordering or [])


def is_record_list(config: Any) -> bool:
    """Whether a registry entry lists records: its ordering ends with the primary key."""
    ordering = list_ordering(config)
    return bool(ordering) and ordering[-1].lstrip("-") in {"pk", config.model._meta.pk.name}


def ordering_index_errors(configs: Any) -> list[checks.CheckMessage]:
    """rectify.E001 for each of `configs` (registry entries) listing records in an order no index yields."""
    errors = []
    for config in configs:
        model, ordering = config.model, list_ordering(config)
        if is_record_list(config) and not served_by_index(model, ordering):
            errors.append(checks.Error(
                f"the list of {model._meta.label} is ordered by {ordering}, which no index yields",
                hint=f"add models.Index(fields={ordering!r}) to {model.__name__}.Meta.indexes; a foreign key "
                     "in the ordering is named by its column (enterprise_id), or Django sorts by the "
                     "related model's ordering",
                obj=model, id="rectify.E001"))
    return errors


@checks.register(checks.Tags.models)
def check_list_ordering_indexes(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return ordering_index_errors(registry)
