"""Exact row counts for paginated lists and API pages, and the options of a filter's select,
remembered until the records change.

A paginated list asks for the number of rows behind it on every page — for a province user, a
count of 300,000 cases (docs/performance.md, figure c) — again for page 2, 3... of the same query
and for every refresh. The count is kept in the cache under the query's SQL and parameters
(the user's scope and filters are part of them) and the change log's data version, which moves on
every recorded write — so a count shown is always the count of the records as they are now.
Only a query whose every table belongs to a change-logged model (or to one's many-to-many table)
is kept; any other (risk scores, notifications...) is counted each time.

A list's filter offers regions, categories, violation types...: each select read its options
with a query on every page (4 of a case list's 13 queries; docs/performance.md). They are kept
the same way, under their query, when there are at most CHOICES_CACHE_ROWS of them.
"""
from __future__ import annotations

import functools
import hashlib
import re

from django.apps import apps
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from rectify.core.dataversion.version import cached_until_change

COUNT_CACHE_SECONDS = 600
CHOICES_CACHE_ROWS = 500


_TABLE = re.compile(r'(?:FROM|JOIN)\s+"([^"]+)"')


@functools.cache
def _logged_tables() -> frozenset[str]:
    """Tables whose every write moves the data version: change-logged models and their
    many-to-many tables (m2m changes are logged on the owning record)."""
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        owner = model._meta.auto_created or model
        if getattr(owner, "change_logged", False):
            tables.add(model._meta.db_table)
    return frozenset(tables)


def query_key(queryset: QuerySet, kind: str) -> str | None:
    """A cache key for what `kind` keeps of `queryset` (before the data version is added): its
    database, SQL and parameters; None when the query reads a table whose writes do not move the
    version, or reads nothing (qs.none())."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    if not set(_TABLE.findall(sql)) <= _logged_tables():
        return None
    digest = hashlib.sha256(repr((queryset.db, sql, params)).encode()).hexdigest()
    return f"{kind}:{queryset.db}:{digest}"


def count_key(queryset: QuerySet) -> str | None:
    """The cache key of `queryset`'s count; ordering is left out, as it does not change a count."""
    return query_key(queryset if queryset.query.is_sliced else queryset.order_by(), "count")


def cached_count(queryset: QuerySet) -> int:
    """`queryset.count()`, reused while the data version and the query stay the same."""
    key = count_key(queryset)
    if key is None:
        return queryset.count()
    return cached_until_change(key, queryset.count, COUNT_CACHE_SECONDS, queryset.db)


def cached_choices(queryset: QuerySet) -> list:
    """`list(queryset)` for a select's options, reused while the data version and the query stay
    the same; a result of more than CHOICES_CACHE_ROWS rows is read each time, not kept."""
    key = query_key(queryset, "choices")
    if key is None:
        return list(queryset)
    return cached_until_change(key, lambda: list(queryset), COUNT_CACHE_SECONDS, queryset.db,
                               keep=lambda rows: len(rows) <= CHOICES_CACHE_ROWS)


class CountCachingPaginator(Paginator):
    """A Django paginator whose count of a queryset comes through cached_count()."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return cached_count(self.object_list)
        return super().count
