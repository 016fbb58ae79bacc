"""A table layout, or one indicator, computed on current records while it is being set up: the
office edits an indicator or a layout and sees at once what the table would show, which column
cannot be computed and why, and which of the layout's rules the figures break.

The figures are the engine's (engine.compute_raw: the same grouped queries, within the viewer's
rows). A campaign that has records of its own is previewed on them, over its period. A new
campaign (a copy) has none yet: it is previewed on the records of the campaign the user works in
(Campaign.current()), over that campaign's period, and as its categories are new rows no record
points at, a record counts in the row whose category has its category's code (a copy's categories
keep their codes). The page says which it did.
"""
from __future__ import annotations

import copy
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import FieldError
from django.db.models import Q

from rectify.core import clock
from rectify.organisations.models import Campaign, ProductCategory

from ..checks import Finding, check_tables
from ..configuration import column_problem, indicator_problems, layout_problems, source_of
from ..engine import ZERO, ComputedTable, ReportScope, build_table, compute_raw, layout_indicators
from ..models import Indicator, LayoutColumn, TableLayout

# The check step's rules that say something about a configuration (the others compare weeks or places).
PREVIEW_RULES = ("lte", "non_negative", "whole_number")


@dataclass
class IndicatorCheck:
    indicator: Indicator
    problem: str | None  # why it cannot be computed, in words; None when it can


@dataclass
class Preview:
    checks: list[IndicatorCheck] = field(default_factory=list)  # every indicator of the table, in column order
    layout_problems: list[str] = field(default_factory=list)  # the layout's own (its rules)
    table: ComputedTable | None = None  # None: the configuration checked, nothing computed
    start: datetime.date | None = None
    cutoff: datetime.date | None = None
    period_of: Campaign | None = None  # whose records were counted, when not the campaign's own
    by_code: bool = False  # rows matched to those records' categories by code
    findings: list[Finding] = field(default_factory=list)  # the layout's rules broken by the figures

    @property
    def problems(self) -> list[IndicatorCheck]:
        return [c for c in self.checks if c.problem]


def _has_records(campaign: Campaign, indicators: list[Indicator]) -> bool:
    """Whether any source of `indicators` holds rows of `campaign`: by the campaign it records, or,
    for a source that records none (an inspection's outcomes), by the category it counts under."""
    seen = set()
    for ind in indicators:
        model = source_of(ind.source)
        if model is None or ind.aggregate == Indicator.Aggregate.RATIO or (model, ind.category_field) in seen:
            continue
        seen.add((model, ind.category_field))
        own = (Q(campaign=campaign.pk) if any(f.name == "campaign" for f in model._meta.concrete_fields)
               else Q(**{f"{ind.category_field}__campaign": campaign.pk}) if ind.category_field else None)
        try:
            if own is not None and model._default_manager.filter(own).exists():
                return True
        except (FieldError, ValueError):  # a broken path is the checks' to report
            continue
    return False


def preview_period(campaign: Campaign, indicators: list[Indicator], today: datetime.date | None = None
                   ) -> tuple[datetime.date, datetime.date, Campaign]:
    """(start, cut-off, the campaign whose records are counted): `campaign`'s own while it has
    records, else those of the campaign the user works in."""
    today = today or clock.today()
    records_of = campaign
    if not _has_records(campaign, indicators):
        current = Campaign.current()
        if current is not None and current.pk != campaign.pk:
            records_of = current
    if records_of.start > today:
        return today - (records_of.end - records_of.start), today, records_of
    return records_of.start, min(today, records_of.end), records_of


def _by_code(raw: dict[tuple, Decimal], categories: list[ProductCategory]):
    """lookup(indicator id, row category id) with a record counted in the row of its category's code."""
    codes = dict(ProductCategory.objects.filter(pk__in={key[1] for key in raw if key[1] is not None})
                 .values_list("pk", "code"))
    summed: dict[tuple, Decimal] = defaultdict(Decimal)
    for (indicator_id, category_id), value in raw.items():
        if category_id in codes:
            summed[(indicator_id, codes[category_id])] += value
    row_code = {c.pk: c.code for c in categories}
    return lambda i, c: summed.get((i, row_code.get(c)), ZERO)


def _checks(layout: TableLayout, columns: list[LayoutColumn], indicators: dict[int, Indicator],
            problems: dict[int, str]) -> tuple[list[IndicatorCheck], list[str]]:
    """Each indicator of the table with why it cannot be computed (None when it can), the columns'
    first, then the parts of ratios; and the layout's own problems."""
    shown = {c.indicator_id for c in columns}
    checks = [IndicatorCheck(c.indicator, problems.get(c.indicator_id) or column_problem(c.indicator, layout))
              for c in columns]
    checks += [IndicatorCheck(i, problems.get(i.pk)) for i in indicators.values() if i.pk not in shown]
    return checks, layout_problems(layout)


def _preview(layout: TableLayout, columns: list[LayoutColumn], indicators: dict[int, Indicator], *,
             scope: ReportScope | None, start: datetime.date | None, cutoff: datetime.date | None) -> Preview:
    if scope is None:
        return Preview(*_checks(layout, columns, indicators, indicator_problems(indicators.values())))
    campaign = layout.campaign
    default_start, default_cutoff, records_of = preview_period(campaign, list(indicators.values()))
    start, cutoff = start or default_start, cutoff or default_cutoff
    # The engine counts the rows of its campaign (the one whose records are previewed) from its start.
    window = copy.copy(records_of)
    window.start = start
    problems: dict[int, str] = {}
    raw = compute_raw(list(indicators.values()), scope=scope, cutoff=cutoff, campaign=window, problems=problems)
    categories = list(campaign.categories.order_by("order"))
    by_code = records_of.pk != campaign.pk
    lookup = _by_code(raw, categories) if by_code else (lambda i, c: raw.get((i, c), ZERO))
    table = build_table(layout, columns, categories, lookup, problems)
    table.problems = []  # said per indicator (checks) and for the layout (layout_problems)
    findings = check_tables({layout.code: table.as_json()}, previous=None, before_previous=None, peers=[],
                            layouts={layout.code: layout}, indicators={i.code: i for i in indicators.values()},
                            category_names={c.code: c.name for c in categories})
    checks, own = _checks(layout, columns, indicators, problems)
    return Preview(checks=checks, layout_problems=own, table=table, start=start, cutoff=cutoff,
                   period_of=records_of if by_code else None, by_code=by_code,
                   findings=[f for f in findings if f.rule in PREVIEW_RULES])


def layout_preview(layout: TableLayout, *, scope: ReportScope | None, start: datetime.date | None = None,
                   cutoff: datetime.date | None = None) -> Preview:
    """`layout` computed over the records of `scope` from `start` to `cutoff` (by default the period
    preview_period gives); without a scope, its configuration checked only."""
    columns, indicators = layout_indicators(layout)
    return _preview(layout, columns, indicators, scope=scope, start=start, cutoff=cutoff)


def indicator_preview(indicator: Indicator, *, scope: ReportScope | None, start: datetime.date | None = None,
                      cutoff: datetime.date | None = None) -> Preview:
    """One indicator as a one-column table of its campaign's categories (a ratio with its parts)."""
    layout = TableLayout(campaign=indicator.campaign, code=f"indicator-{indicator.pk}", label="",
                         title=indicator.name, row_header=str(ProductCategory._meta.verbose_name))
    column = LayoutColumn(layout=layout, order=1, header=indicator.name, indicator=indicator)
    indicators = {indicator.pk: indicator}
    for part in (indicator.numerator, indicator.denominator):
        if part is not None:
            indicators[part.pk] = part
    return _preview(layout, [column], indicators, scope=scope, start=start, cutoff=cutoff)
