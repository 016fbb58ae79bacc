"""An indicator as SQL: its aggregate (a count, a distinct count, a sum of fields) filtered to its
date range and its filters.

The engine computes the tables with it, and the configuration checks (configuration.py) compile the
same expression before an indicator is saved, so what is accepted is what the engine builds. It reads
the attributes of what it is given, an indicator or the values being checked before any row exists,
and imports no model of this app: the models reach it through their clean()."""
from __future__ import annotations

import datetime
from typing import Any, Protocol

from django.db import models
from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


class Aggregate(models.TextChoices):
    COUNT = "count", _("计数")
    COUNT_DISTINCT = "count_distinct", _("去重计数")
    SUM = "sum", _("求和")
    RATIO = "ratio", _("比率（分子合计÷分母合计）")


class Measure(Protocol):
    """What an indicator's aggregate is built from."""

    aggregate: str
    field: str
    date_field: str
    filters: dict[str, Any]


def sum_of_fields(spec: str) -> models.Expression:
    """`fine+confiscation` sums several fields (empty ones count as 0)."""
    parts = [Coalesce(F(name.strip()), Value(0), output_field=DecimalField(max_digits=20, decimal_places=2))
             for name in spec.split("+")]
    expr = parts[0]
    for part in parts[1:]:
        expr = expr + part
    return expr


def date_range_of(measure: Measure, start: datetime.date, cutoff: datetime.date) -> Q:
    """The rows from `start` to `cutoff` by the measure's date field (all rows without one)."""
    if not measure.date_field:
        return Q()
    return Q(**{f"{measure.date_field}__gte": start, f"{measure.date_field}__lte": cutoff})


def condition_of(measure: Measure, start: datetime.date, cutoff: datetime.date) -> Q:
    """The rows an indicator counts at `cutoff`: its date range and its filters."""
    return date_range_of(measure, start, cutoff) & (Q(**measure.filters) if measure.filters else Q())


def aggregate_of(measure: Measure, condition: Q | None = None) -> models.Aggregate:
    """The aggregate over the rows `condition` accepts (the measure's filters when None)."""
    if condition is None:
        condition = Q(**measure.filters) if measure.filters else None
    if measure.aggregate == Aggregate.SUM:
        return Sum(sum_of_fields(measure.field), filter=condition)
    if measure.aggregate == Aggregate.COUNT_DISTINCT:
        return Count(measure.field or "pk", filter=condition, distinct=True)
    return Count("pk", filter=condition)
