"""Two per-cell costs and one per-page cost of django-tables2, removed at start-up (install()).

1. It works out, for every cell it renders, which arguments the column's render
function accepts — with `inspect.signature`, anew each time (upstream: jieter/django-tables2
#1044/#1045 on per-cell costs). On a 50-row list of 12 columns that was a quarter of the page's
time (cProfile, docs/performance.md figure c). A function's parameters do not change, so the
answer is remembered per function; bound methods share their function's entry.

2. Its DateColumn and DateTimeColumn are TemplateColumns that compile a new Template for every
cell (two date columns on a 50-row page: 100 compilations, ~13 ms). The columns registered here
format the value directly, the same way the `date` filter does, and take precedence for date
and date-time model fields.

3. A paginated table counts its queryset on every page; the count now comes through
core.counting.cached_count, which reuses it until the records change.
"""
from __future__ import annotations

import datetime
import weakref
from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils import formats, timezone

_bound: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_plain: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def install() -> None:
    from django_tables2 import utils

    if getattr(utils.signature, "_rectify_cached", False):
        return
    _register_date_columns()
    _count_through_cache()
    original: Callable[[Any], tuple] = utils.signature

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


def _count_through_cache() -> None:
    from django_tables2.data import TableQuerysetData

    from .counting import cached_count

    def __len__(self: TableQuerysetData) -> int:
        if getattr(self, "_length", None) is None:
            # Paginated: the number of records behind all pages; otherwise the rows themselves.
            self._length = cached_count(self.data) if hasattr(self.table, "paginator") else len(self.data)
        return self._length

    TableQuerysetData.__len__ = __len__


def _register_date_columns() -> None:
    import django_tables2 as tables
    from django_tables2.columns import library

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
            return formats.date_format(value, self.format)

        def value(self, value: Any) -> Any:
            return value.isoformat() if isinstance(value, datetime.date) else value

    class DateTimeColumn(DateColumn):
        """A date-time in the current time zone (SHORT_DATETIME_FORMAT unless `format`)."""

        def __init__(self, format: str | None = None, short: bool = True, *args: Any, **kwargs: Any) -> None:
            super().__init__(format or ("SHORT_DATETIME_FORMAT" if short else "DATETIME_FORMAT"), short, *args, **kwargs)

        @classmethod
        def from_field(cls, field: models.Field, **kwargs: Any) -> DateTimeColumn | None:
            return cls(**kwargs) if isinstance(field, models.DateTimeField) else None

        def render(self, value: Any) -> str:
            if isinstance(value, datetime.datetime) and timezone.is_aware(value):
                value = timezone.localtime(value)
            return formats.date_format(value, self.format)

    library.register(DateColumn)
    library.register(DateTimeColumn)
