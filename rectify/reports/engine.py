"""Computing the tables: every cell is an indicator over records, aggregated in the database.

Indicators that read the same source (model, date field, category field) are computed together in
one grouped query with filtered aggregates, so a table costs one query per source, whatever its
number of columns. Ratios are computed from the sums of their parts, never averaged."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from rectify.organisations.models import Campaign, Region

from .models import Indicator, TableLayout


@dataclass(frozen=True)
class ReportScope:
    """Whose figures: a city (region), a line of work (department), both, or the whole province."""

    region_id: int | None = None
    line: str | None = None

    @classmethod
    def for_unit(cls, unit) -> ReportScope:
        region_id = None if unit.is_provincial else unit.city.pk
        line = None if unit.is_office else unit.department.line
        return cls(region_id=region_id, line=line)

    def as_params(self) -> dict[str, str]:
        params = {}
        if self.region_id:
            params["region"] = str(self.region_id)
        if self.line:
            params["line"] = self.line
        return params


def source_model(indicator: Indicator):
    return apps.get_model(indicator.source)


def base_queryset(indicator: Indicator, *, scope: ReportScope, cutoff, campaign: Campaign) -> QuerySet:
    model = source_model(indicator)
    qs = model._default_manager.using(settings.REPORTS_DB_ALIAS).all()
    if indicator.date_field:
        qs = qs.filter(**{f"{indicator.date_field}__gte": campaign.start, f"{indicator.date_field}__lte": cutoff})
    if scope.region_id:
        qs = qs.filter(**{indicator.region_field: scope.region_id})
    if scope.line:
        qs = qs.filter(**{indicator.line_field: scope.line})
    return qs


def _sum_expression(spec: str):
    """`fine+confiscation` sums several fields (empty ones count as 0)."""
    parts = [Coalesce(F(name.strip()), Value(0), output_field=DecimalField(max_digits=20, decimal_places=2))
             for name in spec.split("+")]
    expr = parts[0]
    for part in parts[1:]:
        expr = expr + part
    return expr


def _aggregate(indicator: Indicator):
    condition = Q(**indicator.filters) if indicator.filters else None
    if indicator.aggregate == Indicator.Aggregate.SUM:
        return Sum(_sum_expression(indicator.field), filter=condition)
    if indicator.aggregate == Indicator.Aggregate.COUNT_DISTINCT:
        return Count(indicator.field or "pk", filter=condition, distinct=True)
    return Count("pk", filter=condition)


def _quantise(value: Decimal, decimals: int) -> Decimal | int:
    if decimals == 0:
        return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@dataclass
class Cell:
    value: Any
    raw: Decimal
    indicator: Indicator
    category_id: int | None

    @property
    def drillable(self) -> bool:
        return self.indicator.aggregate != Indicator.Aggregate.RATIO and self.raw != 0


@dataclass
class ComputedTable:
    layout: TableLayout
    columns: list
    rows: list[tuple[Any, list[Cell]]] = field(default_factory=list)

    def as_json(self) -> dict:
        """The snapshot kept in a submitted version: plain numbers keyed by category and column."""
        return {
            "layout": self.layout.code,
            "columns": [c.indicator.code for c in self.columns],
            "rows": [
                {"category": cat.code, "values": [str(cell.value) if isinstance(cell.value, Decimal) else cell.value for cell in cells]}
                for cat, cells in self.rows
            ],
        }


def compute_raw(indicators: list[Indicator], *, scope: ReportScope, cutoff, campaign: Campaign) -> dict[tuple[int, int], Decimal]:
    """(indicator id, category id) -> unscaled value, for all non-ratio indicators, in one query per source."""
    groups: dict[tuple, list[Indicator]] = defaultdict(list)
    for ind in indicators:
        if ind.aggregate != Indicator.Aggregate.RATIO:
            groups[(ind.source, ind.date_field, ind.category_field, ind.region_field, ind.line_field)].append(ind)
    values: dict[tuple[int, int], Decimal] = {}
    for members in groups.values():
        first = members[0]
        qs = base_queryset(first, scope=scope, cutoff=cutoff, campaign=campaign)
        rows = qs.values(first.category_field).annotate(**{f"i{ind.pk}": _aggregate(ind) for ind in members}).order_by()
        for row in rows:
            category_id = row[first.category_field]
            for ind in members:
                values[(ind.pk, category_id)] = Decimal(row[f"i{ind.pk}"] or 0)
    return values


def compute_table(layout: TableLayout, *, scope: ReportScope, cutoff) -> ComputedTable:
    campaign = layout.campaign
    columns = list(layout.columns.select_related("indicator__numerator", "indicator__denominator").order_by("order"))
    indicators = {c.indicator.pk: c.indicator for c in columns}
    for c in columns:
        for part in (c.indicator.numerator, c.indicator.denominator):
            if part is not None:
                indicators[part.pk] = part
    raw = compute_raw(list(indicators.values()), scope=scope, cutoff=cutoff, campaign=campaign)
    table = ComputedTable(layout=layout, columns=columns)
    for category in campaign.categories.order_by("order"):
        cells = []
        for column in columns:
            ind = column.indicator
            if ind.aggregate == Indicator.Aggregate.RATIO:
                num = raw.get((ind.numerator_id, category.pk), Decimal(0))
                den = raw.get((ind.denominator_id, category.pk), Decimal(0))
                value = _quantise(num / den * ind.scale, ind.decimals) if den else ""
                cells.append(Cell(value=value, raw=num, indicator=ind, category_id=category.pk))
            else:
                amount = raw.get((ind.pk, category.pk), Decimal(0))
                cells.append(Cell(value=_quantise(amount * ind.scale, ind.decimals), raw=amount, indicator=ind,
                                  category_id=category.pk))
        table.rows.append((category, cells))
    return table


def drill_queryset(indicator: Indicator, *, scope: ReportScope, cutoff, category_id: int, user) -> QuerySet:
    """The records behind one cell, narrowed by the viewer's own scope."""
    campaign = indicator.campaign
    qs = base_queryset(indicator, scope=scope, cutoff=cutoff, campaign=campaign)
    qs = qs.filter(**{indicator.category_field: category_id})
    if indicator.filters:
        qs = qs.filter(**indicator.filters)
    return qs.restrict(user, "view").distinct()


def province_region() -> Region:
    return Region.objects.get(level=Region.Level.PROVINCE)
