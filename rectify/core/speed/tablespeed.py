"""Shortcuts around django-tables2's internals, installed at start-up (install()). Each is kept
because `make bench` shows the case list slower without it, beyond the noise, in repeated runs
(figure c′), alone or together with the others that are within the noise alone
(docs/performance.md has the runs). Each can be turned off by name for that comparison
(core.speed.shortcuts).

Relies on django-tables2 3.0.1 (pinned in pyproject.toml). On upgrade, compare the new version's
code of what each shortcut replaces (kept in STOCK) with the code below, run
tests/core/speed/test_tablespeed.py (each shortcut against the library's own output, over every
registered model's list) and `make bench` (c′), which says whether each still pays.

- signature: `utils.signature`, which works out, for every cell, which arguments the column's
  render function accepts — with `inspect.signature`, anew each time. A function's parameters do
  not change, so the answer is remembered per function; bound methods share their function's entry.
- cells: `BoundRow._get_and_render_with`, which builds an accessor for each cell, walks the
  model's fields to choose between the value and get_FOO_display(), and resolves the path twice.
  For a column showing a model's own field that choice is remembered per accessor and model and
  the value read directly; any other column (dotted paths, methods, many-to-many, a failing read)
  takes the library's path. The `table_rows` tag (templatetags/tablecells.py) then writes the
  cells exactly as `{{ cell }}` would.
- items: `BoundRow.items`, which derives the visible columns again for every row and looks each
  column up by name for every cell; here they are listed once per table.
- boolean: `BooleanColumn.render`, which works out for every cell whether the model field has
  choices and builds its `<span>` anew. For a model's own field without choices the span depends
  only on the value's truth, so it is kept per column and truth value.
- links: `LinkTransform.__call__`, which resolves the accessor and builds an attribute dictionary
  for every `<a href>`. When the link is the record's own URL it is written directly, the URL's
  parts (script prefix, URLconf) looked up once per table.
- count: `TableQuerysetData.__len__` — a paginated table counts its queryset on every page; the
  count comes through core.dataversion.counting.cached_count, which reuses it until the records change.
- dates: the library's DateColumn is a TemplateColumn, which compiles a template for every cell.
  The DateColumn registered here (through `library.register`, the library's own extension point)
  formats the value directly, as the `date` filter does. date_memo: a formatted date is remembered
  per format and language, as a page's dates repeat (a few campaign weeks).

The DateTimeColumn registered here is behaviour, not a shortcut: a moment in Beijing time to the
minute, in lists and exports alike (core.clock).
"""
from __future__ import annotations

import datetime
import functools
import weakref
from collections.abc import Callable
from typing import Any

from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils import formats, translation

from rectify.core import clock
from rectify.core.dataversion.counting import cached_count
from rectify.core.speed.shortcuts import enabled

STOCK: dict[str, Callable[..., Any]] = {}
_bound: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_plain: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_installed = False


def install() -> None:
    """Install every shortcut that settings.RECTIFY_SHORTCUTS_OFF does not name (core.speed.shortcuts)."""
    global _installed
    if _installed:
        return
    _installed = True
    _register_date_columns(direct=enabled("dates"), memo=enabled("date_memo"))
    if enabled("count"):
        _count_through_cache()
    _direct_cells(cells=enabled("cells"), items=enabled("items"))
    _fast_boolean_and_link_columns(boolean=enabled("boolean"), links=enabled("links"))
    if enabled("signature"):
        _remember_signatures()


def _remember_signatures() -> None:
    from django_tables2 import utils

    original: Callable[[Any], tuple] = STOCK.setdefault("signature", utils.signature)

    def signature(fn: Any) -> tuple:
        func = getattr(fn, "__func__", None)
        table, key = (_bound, func) if func is not None else (_plain, fn)
        try:
            return table[key]
        except KeyError:
            result = table[key] = original(fn)
            return result
        except TypeError:  # not weak-referenceable (a builtin, a callable object): no caching
            return original(fn)

    signature._rectify_cached = True  # type: ignore[attr-defined]
    utils.signature = signature


# (accessor, model) -> the attribute to read and whether to call it (get_FOO_display), or None
_cell_plans: dict[tuple[str, type], tuple[str, bool] | None] = {}


def _cell_plan(accessor: str, model: type[models.Model]) -> tuple[str, bool] | None:
    key = (accessor, model)
    try:
        return _cell_plans[key]
    except KeyError:
        pass
    from django_tables2.utils import Accessor

    plan = None
    bits = Accessor(accessor).bits
    if len(bits) == 1:
        try:
            field = model._meta.get_field(bits[0])
        except Exception:  # a property or method: the stock path calls it as it should
            field = None
        if field is not None and field.concrete and not field.many_to_many:
            display = f"get_{field.name}_display"
            plan = (display, True) if field.choices and hasattr(model, display) else (field.name, False)
    _cell_plans[key] = plan
    return plan


def _direct_cells(cells: bool = True, items: bool = True) -> None:
    from django_tables2.columns.base import Column
    from django_tables2.columns.manytomanycolumn import ManyToManyColumn
    from django_tables2.rows import BoundRow

    stock = STOCK.setdefault("get_and_render_with", BoundRow._get_and_render_with)
    call_render, plain_render = BoundRow._call_render, Column.render

    def _get_and_render_with(self: BoundRow, bound_column: Any, render_func: Callable, default: Any) -> Any:
        record = self._record
        column = bound_column.column
        if not isinstance(record, models.Model) or isinstance(column, ManyToManyColumn):
            return stock(self, bound_column, render_func, default)
        plan = _cell_plan(bound_column.accessor, type(record))
        if plan is None:
            return stock(self, bound_column, render_func, default)
        try:
            value = getattr(record, plan[0])
            if plan[1]:
                value = value()
        except Exception:  # e.g. a missing related object: the stock path knows what to show
            return stock(self, bound_column, render_func, default)
        if value in column.empty_values:
            return default
        if bound_column.link is None and getattr(bound_column.render, "__func__", None) is plain_render \
                and getattr(render_func, "__func__", None) is call_render:
            return value  # Column.render returns the value as it is: no arguments to work out
        return render_func(bound_column, value)

    if cells:
        BoundRow._get_and_render_with = _get_and_render_with

    def _items(self: BoundRow) -> Any:
        # Stock items() looks each column up again by name (a scan of the columns) for every cell,
        # and re-derives the visible columns for every row; both are the same for the whole table.
        table = self._table
        columns = table.__dict__.get("_rectify_visible_columns")
        if columns is None:
            columns = table.__dict__["_rectify_visible_columns"] = list(table.columns)
        for column in columns:
            column.current_value = self._get_and_render_with(column, self._call_render, column.default)
            column.current_record = self.record
            yield (column, column.current_value)

    STOCK.setdefault("items", BoundRow.items)
    if items:
        BoundRow.items = _items


def _own_field(accessor: str, model: type[models.Model]) -> models.Field | None:
    """The model's own concrete, non-relational field an accessor names, or None."""
    plan = _cell_plan(accessor, model)
    if plan is None:
        return None
    field = model._meta.get_field(accessor)
    return None if field.is_relation else field


def _fast_boolean_and_link_columns(boolean: bool = True, links: bool = True) -> None:
    from django.utils.html import format_html
    from django_tables2.columns.base import LinkTransform
    from django_tables2.columns.booleancolumn import BooleanColumn

    stock_render = STOCK.setdefault("boolean_render", BooleanColumn.render)
    stock_link = STOCK.setdefault("link_call", LinkTransform.__call__)
    spans: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def render(self: BooleanColumn, value: Any, record: Any, bound_column: Any) -> Any:
        field = _own_field(bound_column.accessor, type(record)) if isinstance(record, models.Model) else None
        if field is None or field.choices:
            return stock_render(self, value, record, bound_column)
        truth = bool(value)
        known = spans.setdefault(self, {})
        if truth not in known:
            known[truth] = stock_render(self, value, record, bound_column)
        return known[truth]

    def link(self: LinkTransform, content: Any, **kwargs: Any) -> Any:
        record, bound_column = kwargs.get("record"), kwargs.get("bound_column")
        if (self.url is not None or self.reverse_args or self.attrs or bound_column is None
                or not isinstance(record, models.Model) or not hasattr(record, "get_absolute_url")
                or _own_field(self.accessor if self.accessor is not None else bound_column.name, type(record)) is None):
            return stock_link(self, content, **kwargs)
        # the accessor names a plain value (text, number, date), which has no URL: the record's
        href = _record_url(record, kwargs.get("table"))
        return content if href is None else format_html('<a href="{}">{}</a>', href, content)

    if boolean:
        BooleanColumn.render = render
    if links:
        LinkTransform.__call__ = link


def _record_url(record: models.Model, table: Any) -> str | None:
    """record.get_absolute_url(). For the registry's own detail URL, the URL's parts are looked up
    once per table (the script prefix and URLconf they depend on are context-local lookups) and the
    pk filled in."""
    from rectify.core.registry import RegistryURLMixin, fill_pk, pk_url_parts, registry

    model = type(record)
    if table is None or model.get_absolute_url is not RegistryURLMixin.get_absolute_url:
        return record.get_absolute_url()
    name = registry.get(model).url_name("detail")
    known = table.__dict__.setdefault("_rectify_url_parts", {})
    if name not in known:
        known[name] = pk_url_parts(name)
    return fill_pk(known[name], name, record.pk)


def _count_through_cache() -> None:
    from django_tables2.data import TableQuerysetData

    STOCK.setdefault("count", TableQuerysetData.__len__)

    def __len__(self: TableQuerysetData) -> int:
        if getattr(self, "_length", None) is None:
            # Paginated: the number of records behind all pages; otherwise the rows themselves.
            self._length = cached_count(self.data) if hasattr(self.table, "paginator") else len(self.data)
        return self._length

    TableQuerysetData.__len__ = __len__


@functools.lru_cache(maxsize=4096)
def _formatted_date(value: datetime.date, format: str, language: str | None) -> str:
    """formats.date_format(value, format) in `language` (the active one), remembered (date_memo):
    a list's dates repeat, and formatting one looks the format up and parses it anew."""
    return formats.date_format(value, format)


@receiver(setting_changed)
def _forget_formatted_dates(**kwargs: Any) -> None:
    _formatted_date.cache_clear()  # a test changed a format or the language settings


def _register_date_columns(direct: bool = True, memo: bool = True) -> None:
    import django_tables2 as tables
    from django_tables2.columns import library

    formatted = _formatted_date if memo else _formatted_date.__wrapped__

    class DateColumn(tables.Column):
        """A date as the `date` filter writes it (SHORT_DATE_FORMAT unless `format`); ISO in exports."""

        def __init__(self, format: str | None = None, short: bool = True, *args: Any, **kwargs: Any) -> None:
            self.format = format or ("SHORT_DATE_FORMAT" if short else "DATE_FORMAT")
            super().__init__(*args, **kwargs)

        @classmethod
        def from_field(cls, field: models.Field, **kwargs: Any) -> DateColumn | None:
            if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
                return cls(**kwargs)
            return None

        def render(self, value: Any) -> str:
            return formatted(value, self.format, translation.get_language())

        def value(self, value: Any) -> Any:
            return value.isoformat() if isinstance(value, datetime.date) else value

    class DateTimeColumn(DateColumn):
        """A date-time in Beijing time to the minute, in lists and exports alike (core.clock; the
        locale's SHORT_DATETIME_FORMAT would write "2020年6月4日 05:46" here, 06/04/2020 in English)."""

        def __init__(self, format: str | None = None, short: bool = True, *args: Any, **kwargs: Any) -> None:
            super().__init__(format or clock.MOMENT_FORMAT, short, *args, **kwargs)

        @classmethod
        def from_field(cls, field: models.Field, **kwargs: Any) -> DateTimeColumn | None:
            return cls(**kwargs) if isinstance(field, models.DateTimeField) else None

        def render(self, value: Any) -> str:
            if isinstance(value, datetime.datetime):
                value = clock.beijing(value)
            return formatted(value, self.format, translation.get_language())

        def value(self, value: Any) -> Any:
            return clock.format_moment(value) if isinstance(value, datetime.datetime) else super().value(value)

    if direct:
        library.register(DateColumn)
    library.register(DateTimeColumn)  # Beijing time to the minute: behaviour, not a shortcut
