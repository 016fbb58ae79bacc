"""What a generic list adds to its table so that it drives work: the open deadline of each row (a
column, and overdue rows marked), the totals of its quantity columns over the filtered rows (the
footer), and filter choices narrowed to what the user's scope holds."""
from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.db.models import Q, QuerySet, Sum
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import unit_model
from rectify.core.registry import ModelConfig, registry

DEADLINE_COLUMN = "open_deadline"


class DeadlineColumn(tables.Column):
    """The row's open deadline (core.workflow.deadlines.RowDeadline, set on the table by the list
    view as `row_deadlines`), with the days left or overdue; nothing for a row without one."""

    def __init__(self) -> None:
        super().__init__(empty_values=(), orderable=False, exclude_from_export=True, verbose_name=_("办理期限"),
                         attrs={"td": {"class": "text-nowrap"}})

    def render(self, record: Any, table: Any) -> Any:
        found = getattr(table, "row_deadlines", {}).get(record.pk)
        if found is None:
            return ""
        badge = "text-bg-danger" if found.overdue else "text-bg-light border"
        return format_html('<span title="{} · {}">{}</span> <span class="badge {}">{}</span>', found.step,
                           found.label, found.text, badge, found.countdown)


def has_deadlines(config: ModelConfig) -> bool:
    return any(extension.has_row_deadlines(config) for extension in registry.extensions)


def row_deadlines(config: ModelConfig, pks: list[Any]) -> dict[Any, Any]:
    found: dict[Any, Any] = {}
    for extension in registry.extensions:
        found.update(extension.row_deadlines(config, pks))
    return found


def list_totals(config: ModelConfig, queryset: QuerySet) -> dict[str, Any]:
    """The config's total_columns summed over `queryset` (the filtered rows), in one aggregate
    query; a column over no rows totals 0."""
    if not config.total_columns:
        return {}
    sums = queryset.order_by().aggregate(**{f"total_{name}": Sum(name) for name in config.total_columns})
    return {name: sums[f"total_{name}"] or 0 for name in config.total_columns}


def show_totals(table: tables.Table, totals: dict[str, Any]) -> None:
    """The totals as the table's footer, named in its first column."""
    if not totals:
        return
    columns = list(table.columns)
    for bound in columns:
        if bound.name in totals:
            bound.column._footer = totals[bound.name]  # the footer= the column was built with
    first = columns[0] if columns else None
    if first is not None and first.name not in totals:
        first.column._footer = _("合计")


def narrow_filter_choices(queryset: QuerySet, user: Any) -> QuerySet:
    """A list filter's regions and units, limited to those the user's scope holds: a provincial
    unit's all; a city unit's covered cities and their counties, and the units placed there (of the
    user's own line, for a department's user); a county unit's county and its city. A model's own
    `narrow_for(queryset, user, held)`, which says what its forms offer, narrows too."""
    narrow = getattr(queryset.model, "narrow_for", None)
    if narrow is not None:
        queryset = narrow(queryset, user, ())
    units = unit_model()
    if queryset.model is units:
        return queryset.filter(_scope_q(user, "region", "region__parent", line="department__line"))
    if queryset.model is units._meta.get_field("region").related_model:
        return queryset.filter(_scope_q(user, "pk", "parent"))
    return queryset


def _scope_q(user: Any, region: str, parent: str, line: str | None = None) -> Q:
    """Rows placed (at `region`, a region whose parent is at `parent`) where `user`'s unit looks."""
    unit = getattr(user, "unit", None)
    if unit is None:
        return Q(pk__in=[])
    if unit.is_provincial_office:
        return Q()
    q = Q()
    if not unit.is_provincial:
        if unit.county is not None:
            q &= Q(**{f"{region}__in": [unit.region_id, unit.city.pk]})
        else:
            cities = unit.covered_city_ids()
            q &= Q(**{f"{region}__in": cities}) | Q(**{f"{parent}__in": cities})
    if line and not unit.is_office:
        q &= Q(**{line: unit.department.line})
    return q


class ShortTextColumn(tables.Column):
    """A long text (a problem's description) cut to its first words in the list; the whole text in
    the cell's title and in the exports."""

    LENGTH = 40

    def render(self, value: Any) -> Any:
        text = str(value)
        if len(text) <= self.LENGTH:
            return text
        return format_html('<span title="{}">{}…</span>', text, text[: self.LENGTH])
