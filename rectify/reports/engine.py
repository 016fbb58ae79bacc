"""Computing the tables: every cell is an indicator over records, aggregated in the database.

Indicators that read the same source (model, date field, category field) are computed together in
one grouped query with filtered aggregates, so a table costs one query per source, whatever its
number of columns. Ratios are computed from the sums of their parts, never averaged.

An indicator whose configuration cannot be computed (reports/configuration.py) is left out of the
queries: its cells stay empty, carry the reason, and the table lists it in `problems`."""
from __future__ import annotations

import logging
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.db import DatabaseError, connections, models, transaction
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from rectify.organisations.models import Campaign

from .aggregation import aggregate_of, condition_of, date_range_of, sum_of_fields
from .configuration import column_problem, indicator_problems, layout_problems
from .models import Indicator, TableLayout

ZERO = Decimal(0)
logger = logging.getLogger(__name__)
# What building or running one source's grouped query may raise when its indicators' configuration
# does not fit the database after all: that source's figures are then missing, not the page.
QUERY_ERRORS = (DatabaseError, FieldError, ValidationError, LookupError, TypeError, ValueError, OverflowError)


@dataclass(frozen=True)
class ReportScope:
    """Whose figures: a city (region), a county, a line of work (department), or the whole province
    — always within the rows `viewer` may list.

    `viewer` is the user the figures are shown to: every query of the engine narrows its rows with
    `restrict(viewer, "view")` (core/access/scope.py), so a page never shows a figure computed from a row
    its reader could not list. Only the system's own computations leave it empty: a unit's weekly
    report (frozen for that unit, shown to others under `selectors.covers`), the command line."""

    region_id: int | None = None
    line: str | None = None
    county_id: int | None = None
    viewer: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def for_unit(cls, unit) -> ReportScope:
        region_id = None if unit.is_provincial else unit.city.pk
        line = None if unit.is_office else unit.department.line
        county_id = unit.region_id if unit.county is not None else None
        return cls(region_id=region_id, line=line, county_id=county_id)

    def as_params(self) -> dict[str, str]:
        params = {}
        if self.region_id:
            params["region"] = str(self.region_id)
        if self.line:
            params["line"] = self.line
        return params

    def cache_key(self) -> str:
        """Names these figures in a cache: the viewer's rows follow from their unit (region, line,
        transfers received) and their roles (which models they may view)."""
        viewer = ""
        if self.viewer is not None:
            viewer = f"{self.viewer.unit_id}/{','.join(sorted(self.viewer.role_codes))}"
        return f"{self.region_id}:{self.line}:{self.county_id}:{viewer}"


def source_model(indicator: Indicator):
    return apps.get_model(indicator.source)


def _county_field(model) -> str | None:
    spec = getattr(model, "scope", None)
    return spec.county if spec is not None else None


def in_scope(qs: QuerySet, scope: ReportScope, region_field: str, line_field: str) -> QuerySet:
    """The rows `scope` asks for, as filters of the query itself (the engine groups in SQL)."""
    if scope.region_id:
        qs = qs.filter(**{region_field: scope.region_id})
    if scope.county_id and _county_field(qs.model):
        qs = qs.filter(**{_county_field(qs.model): scope.county_id})
    if scope.line:
        qs = qs.filter(**{line_field: scope.line})
    if scope.viewer is not None:
        qs = qs.restrict(scope.viewer, "view")
    return qs


def of_campaign(qs: QuerySet, campaign: Campaign) -> QuerySet:
    """A campaign's own rows of a source that records its campaign; the others (an inspection's
    outcomes) are the campaign's through their product categories, which the tables group by."""
    if any(f.name == "campaign" for f in qs.model._meta.concrete_fields):
        qs = qs.filter(campaign=campaign.pk)
    return qs


def base_queryset(indicator: Indicator, *, scope: ReportScope, cutoff, campaign: Campaign) -> QuerySet:
    model = source_model(indicator)
    qs = of_campaign(model._default_manager.using(settings.REPORTS_DB_ALIAS).all(), campaign)
    if indicator.date_field:
        qs = qs.filter(**{f"{indicator.date_field}__gte": campaign.start, f"{indicator.date_field}__lte": cutoff})
    return in_scope(qs, scope, indicator.region_field, indicator.line_field)


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
    problem: str | None = None  # why the cell could not be computed (its value is then "")

    @property
    def drillable(self) -> bool:
        return self.indicator.aggregate != Indicator.Aggregate.RATIO and self.raw != 0 and not self.problem


@dataclass
class ComputedTable:
    layout: TableLayout
    columns: list
    rows: list[tuple[Any, list[Cell]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # which columns could not be computed and why

    @property
    def incomplete(self) -> bool:
        """Some column could not be computed (its cells are empty)."""
        return any(cell.problem for _category, cells in self.rows for cell in cells)

    def as_json(self) -> dict:
        """The snapshot kept in a submitted version: plain numbers keyed by category and column."""
        return {
            "layout": self.layout.code,
            "columns": [c.indicator.code for c in self.columns],
            "rows": [
                {"category": cat.code,
                 "values": [str(cell.value) if isinstance(cell.value, Decimal) else cell.value for cell in cells]}
                for cat, cells in self.rows
            ],
        }


def compute_raw(indicators: list[Indicator], *, scope: ReportScope, cutoff=None, campaign: Campaign,
                cutoffs: list | None = None, by_region: bool = False,
                problems: dict[int, str] | None = None) -> dict[tuple, Decimal]:
    """Unscaled values of the non-ratio indicators, one grouped query per source model.

    Each indicator's own date range and filters go into its aggregate's FILTER clause, so all the
    indicators of a source — whatever date they count by — and all the `cutoffs` asked for (the
    dashboard's weeks) come out of a single scan. Keys are (indicator id, category id) for one
    cut-off; with `cutoffs` (indicator id, category id, cut-off index); `by_region` appends the
    region id (the province's workbook computes every city at once).

    Indicators that cannot be computed are left out, with the reason in `problems` (by id): those
    the configuration checks find, and those of a source whose query fails after all."""
    problems = {} if problems is None else problems
    problems.update(indicator_problems(i for i in indicators if i.pk not in problems))
    points = list(cutoffs) if cutoffs is not None else [cutoff]
    groups: dict[tuple, list[Indicator]] = defaultdict(list)
    for ind in indicators:
        if ind.aggregate != Indicator.Aggregate.RATIO and ind.pk not in problems:
            groups[(ind.source, ind.category_field, ind.region_field, ind.line_field)].append(ind)
    values: dict[tuple, Decimal] = {}
    latest = max(points)
    for (source, category_field, region_field, line_field), members in groups.items():
        try:
            with _savepoint():
                rows = _source_rows(source, category_field, region_field, line_field, members, points, latest,
                                    scope=scope, campaign=campaign, by_region=by_region)
        except QUERY_ERRORS:
            logger.exception("weekly tables: the query over %s failed", source)
            for ind in members:
                problems[ind.pk] = _("数据库无法执行该指标的统计查询（数据来源 %(source)s），请检查指标配置。") % {
                    "source": source}
            continue
        for row in rows:
            for ind in members:
                for n in range(len(points)):
                    key = (ind.pk, row[0]) if cutoffs is None else (ind.pk, row[0], n)
                    if by_region:
                        key = (*key, row[1])
                    values[key] = _decimal(row[f"i{ind.pk}_{n}"])
    return values


def _savepoint():
    """A failed statement inside a transaction spoils it on PostgreSQL; outside one (the pages run
    in autocommit) nothing needs undoing."""
    return transaction.atomic(using=settings.REPORTS_DB_ALIAS) if connections[
        settings.REPORTS_DB_ALIAS].in_atomic_block else nullcontext()


def _source_rows(source, category_field, region_field, line_field, members, points, latest, *, scope, campaign,
                 by_region) -> list:
    """One source's grouped rows (see compute_raw)."""
    qs = in_scope(of_campaign(apps.get_model(source)._default_manager.using(settings.REPORTS_DB_ALIAS).all(), campaign),
                  scope, region_field, line_field)
    where = Q()
    for date_field in {m.date_field for m in members}:
        if not date_field:
            where = Q()
            break
        where |= Q(**{f"{date_field}__gte": campaign.start, f"{date_field}__lte": latest})
    qs = qs.filter(where)
    group_by = [category_field, region_field] if by_region else [category_field]
    model = apps.get_model(source)
    plan = _filter_plan(model, members)
    if plan is None:
        return _one_level(qs, members, points, campaign, group_by)
    return _by_filter_columns(qs, members, points, campaign, group_by, plan)


class _Row(dict):
    """A result row by alias, with the group columns also by position (0, 1)."""


def _one_level(qs: QuerySet, members, points, campaign, group_by: list[str]) -> list[_Row]:
    annotations = {f"i{ind.pk}_{n}": aggregate_of(ind, condition_of(ind, campaign.start, point))
                   for ind in members for n, point in enumerate(points)}
    out = []
    for row in qs.values(*group_by).annotate(**annotations).order_by():
        r = _Row(row)
        for i, name in enumerate(group_by):
            r[i] = row[name]
        out.append(r)
    return out


FilterPlan = dict[int, dict[str, frozenset]]  # indicator id → {column attname: accepted values}


def _filter_plan(model, members: list[Indicator]) -> FilterPlan | None:
    """Each indicator's filters as accepted values per column, when they are plain equalities or
    `__in` lists on the source's own columns or on a foreign key's attribute (`case_category__code`
    → the matching case category ids, one query per such attribute); None when any is not (or a
    distinct count is involved)."""
    wanted: dict[int, list[tuple[models.Field, str, list]]] = {}
    related: dict[tuple[models.Field, str], set] = defaultdict(set)
    for ind in members:
        if ind.aggregate not in (Indicator.Aggregate.COUNT, Indicator.Aggregate.SUM):
            return None
        wanted[ind.pk] = []
        for key, value in (ind.filters or {}).items():
            parts = key.split("__")
            many = parts[-1] == "in"
            values = list(value) if many else [value]
            parts = parts[:-1] if many or parts[-1] == "exact" else parts
            try:
                field = model._meta.get_field(parts[0])
                if len(parts) == 2 and field.many_to_one:
                    field.related_model._meta.get_field(parts[1])  # an attribute, not a lookup (isnull, gte…)
                elif len(parts) != 1:
                    return None
            except FieldDoesNotExist:
                return None
            if not field.concrete or field.many_to_many:
                return None
            attr = parts[1] if len(parts) > 1 else ""
            if attr:
                related[(field, attr)].update(values)
            wanted[ind.pk].append((field, attr, values))
    ids: dict[tuple[models.Field, str], dict] = {}
    for (field, attr), values in related.items():
        found: dict = defaultdict(set)
        for value, pk in field.related_model._base_manager.filter(**{f"{attr}__in": values}).values_list(attr, "pk"):
            found[value].add(pk)
        ids[(field, attr)] = found
    plan: FilterPlan = {}
    for pk, conditions in wanted.items():
        columns: dict[str, frozenset] = {}
        for field, attr, values in conditions:
            if attr:
                accepted = frozenset(i for v in values for i in ids[(field, attr)].get(v, ()))
            else:
                accepted = frozenset(field.to_python(v) for v in values)
            columns[field.attname] = columns[field.attname] & accepted if field.attname in columns else accepted
        plan[pk] = columns
    return plan


def _partial_key(ind: Indicator, n: int) -> tuple:
    """What an indicator's partial aggregate depends on once its filters are set aside."""
    return ind.aggregate, ind.field if ind.aggregate == Indicator.Aggregate.SUM else "", ind.date_field, n


def _by_filter_columns(qs: QuerySet, members, points, campaign, group_by: list[str], plan: FilterPlan) -> list[_Row]:
    """The same figures with fewer aggregates: the rows are grouped by category and by every column
    the indicators filter on (case category, police kind…), with one partial per distinct date
    range and measure — not one per indicator — and each indicator then adds up the few grouped
    rows its filters accept. A table of twenty-odd indicators over one source evaluates six
    aggregates per row instead of twenty-three (docs/performance.md, figure a)."""
    filter_columns = sorted({col for columns in plan.values() for col in columns})
    partials: dict[tuple, str] = {}
    annotations = {}
    for ind in members:
        for n, point in enumerate(points):
            key = _partial_key(ind, n)
            if key not in partials:
                alias = partials[key] = f"p{len(partials)}"
                bare = Indicator(aggregate=ind.aggregate, field=ind.field, date_field=ind.date_field)
                annotations[alias] = aggregate_of(bare, date_range_of(bare, campaign.start, point) or None)
    keys = {f"g{i}": F(name) for i, name in enumerate(group_by)}
    keys.update({f"f_{col}": F(col) for col in filter_columns})
    sums: dict[tuple, _Row] = {}
    for row in qs.values(**keys).annotate(**annotations).order_by():
        group = tuple(row[f"g{i}"] for i in range(len(group_by)))
        out = sums.get(group)
        if out is None:
            out = sums[group] = _Row({f"i{ind.pk}_{n}": ZERO for ind in members for n in range(len(points))})
            for i, value in enumerate(group):
                out[i] = value
        for ind in members:
            if all(row[f"f_{col}"] in accepted for col, accepted in plan[ind.pk].items()):
                for n in range(len(points)):
                    out[f"i{ind.pk}_{n}"] += _decimal(row[partials[_partial_key(ind, n)]])
    return list(sums.values())


def _decimal(value: Any) -> Decimal:
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        return value
    return Decimal(value)


def layout_indicators(layout: TableLayout) -> tuple[list, dict[int, Indicator]]:
    """The layout's columns and every indicator they need (ratios bring their parts)."""
    columns = list(layout.columns.select_related("indicator__numerator", "indicator__denominator").order_by("order"))
    indicators = {c.indicator.pk: c.indicator for c in columns}
    for c in columns:
        for part in (c.indicator.numerator, c.indicator.denominator):
            if part is not None:
                indicators[part.pk] = part
    return columns, indicators


def column_problems(layout: TableLayout, columns: list, problems: dict[int, str]) -> dict[int, str]:
    """{column id: why its cells cannot be computed}: its indicator (a ratio's parts included) is in
    `problems` (compute_raw's), or belongs to another campaign than the layout."""
    found = {}
    for column in columns:
        ind = column.indicator
        reason = (column_problem(ind, layout) or problems.get(ind.pk) or problems.get(ind.numerator_id)
                  or problems.get(ind.denominator_id))
        if reason:
            found[column.pk] = reason
    return found


def build_table(layout: TableLayout, columns: list, categories: list, lookup,
                problems: dict[int, str] | None = None) -> ComputedTable:
    """Cells from raw values: `lookup(indicator id, category id)` gives the unscaled amount;
    `problems`: indicators that could not be computed (compute_raw's), whose cells stay empty."""
    table = ComputedTable(layout=layout, columns=columns)
    broken = column_problems(layout, columns, problems or {})
    table.problems = [_("“%(column)s”（指标“%(name)s”，代码 %(code)s）无法计算：%(reason)s") % {
        "column": column, "name": column.indicator.name, "code": column.indicator.code, "reason": broken[column.pk]}
        for column in columns if column.pk in broken] + layout_problems(layout)
    for category in categories:
        cells = []
        for column in columns:
            ind = column.indicator
            if column.pk in broken:
                cells.append(Cell(value="", raw=ZERO, indicator=ind, category_id=category.pk,
                                  problem=broken[column.pk]))
            elif ind.aggregate == Indicator.Aggregate.RATIO:
                num, den = lookup(ind.numerator_id, category.pk), lookup(ind.denominator_id, category.pk)
                value = _quantise(num / den * ind.scale, ind.decimals) if den else ""
                cells.append(Cell(value=value, raw=num, indicator=ind, category_id=category.pk))
            else:
                amount = lookup(ind.pk, category.pk)
                cells.append(Cell(value=_quantise(amount * ind.scale, ind.decimals), raw=amount, indicator=ind,
                                  category_id=category.pk))
        table.rows.append((category, cells))
    return table


def compute_tables_for(layouts: list[TableLayout], *, scope: ReportScope, cutoff) -> dict[str, ComputedTable]:
    """Several layouts from one pass over each source model."""
    if not layouts:
        return {}
    campaign = layouts[0].campaign
    prepared = [(layout, *layout_indicators(layout)) for layout in layouts]
    indicators = {pk: ind for _l, _c, inds in prepared for pk, ind in inds.items()}
    problems: dict[int, str] = {}
    raw = compute_raw(list(indicators.values()), scope=scope, cutoff=cutoff, campaign=campaign, problems=problems)
    categories = list(campaign.categories.order_by("order"))
    return {layout.code: build_table(layout, columns, categories, lambda i, c: raw.get((i, c), ZERO), problems)
            for layout, columns, _inds in prepared}


def compute_tables_by_region(layouts: list[TableLayout], *, region_ids: list[int], cutoff,
                             scope: ReportScope | None = None) -> dict[int, dict[str, ComputedTable]]:
    """Every city's tables from one grouped pass per source (GROUP BY category, region), within
    `scope` (its viewer's rows, its line)."""
    if not layouts:
        return {}
    campaign = layouts[0].campaign
    prepared = [(layout, *layout_indicators(layout)) for layout in layouts]
    indicators = {pk: ind for _l, _c, inds in prepared for pk, ind in inds.items()}
    problems: dict[int, str] = {}
    raw = compute_raw(list(indicators.values()), scope=scope or ReportScope(), cutoff=cutoff, campaign=campaign,
                      by_region=True, problems=problems)
    categories = list(campaign.categories.order_by("order"))
    return {
        region_id: {layout.code: build_table(layout, columns, categories,
                                             lambda i, c, r=region_id: raw.get((i, c, r), ZERO), problems)
                    for layout, columns, _inds in prepared}
        for region_id in region_ids
    }


def compute_table(layout: TableLayout, *, scope: ReportScope, cutoff) -> ComputedTable:
    return compute_tables_for([layout], scope=scope, cutoff=cutoff)[layout.code]


def drill_queryset(indicator: Indicator, *, scope: ReportScope, cutoff, category_id: int, user) -> QuerySet:
    """The records behind one cell: the cell's own rows, which are always the viewer's."""
    campaign = indicator.campaign
    qs = base_queryset(indicator, scope=replace(scope, viewer=user), cutoff=cutoff, campaign=campaign)
    qs = qs.filter(**{indicator.category_field: category_id})
    if indicator.filters:
        qs = qs.filter(**indicator.filters)
    return qs.distinct()


def drill_total(indicator: Indicator, qs: QuerySet) -> Decimal | int:
    """A summed indicator's figure over a drill-down's rows, scaled and rounded as its cell."""
    raw = qs.model._default_manager.filter(pk__in=qs.values("pk")).aggregate(
        total=models.Sum(sum_of_fields(indicator.field)))["total"]
    return _quantise(_decimal(raw) * indicator.scale, indicator.decimals)
