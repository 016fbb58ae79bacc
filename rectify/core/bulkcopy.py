"""Bulk inserts through PostgreSQL's COPY.

Django's `bulk_create` builds one multi-row INSERT per batch: for every value it resolves
expressions, prepares it, quotes it and places it in the SQL text — on a 100,000-row enterprise
import that was the largest single cost left (cProfile, see docs/performance.md). COPY streams
the same prepared values with none of that, in one round trip per table. Ids come from the
table's own sequence in one query, so every object has its pk afterwards, as with bulk_create.

Only plain inserts qualify (no conflict handling, no multi-table inheritance, no generated or
database-default columns); `copy_supported` says when, and the callers fall back to bulk_create.
"""
from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, models

# Below this many rows a multi-row INSERT is as quick, and keeps the plain ORM path.
COPY_MIN_ROWS = 200


def copy_supported(model: type[models.Model], objs: Sequence[models.Model], using: str, kwargs: dict) -> bool:
    connection = connections[using]
    if connection.vendor != "postgresql" or len(objs) < COPY_MIN_ROWS:
        return False
    if any(kwargs.get(k) for k in ("ignore_conflicts", "update_conflicts", "update_fields", "unique_fields")):
        return False
    meta = model._meta
    if meta.parents or not isinstance(meta.pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
        return False
    return not any(getattr(f, "generated", False) or f.db_default is not models.NOT_PROVIDED
                   for f in meta.concrete_fields)


def copy_create(model: type[models.Model], objs: Sequence[models.Model], using: str) -> list[models.Model]:
    """Insert `objs` with COPY; afterwards each has its pk and is marked as saved in `using`."""
    connection = connections[using]
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    missing = [o for o in objs if o.pk is None]
    with connection.cursor() as cursor:
        if missing:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [meta.db_table, meta.pk.column, len(missing)])
            for obj, (pk,) in zip(missing, cursor.fetchall(), strict=True):
                obj.pk = pk
        fields = list(meta.concrete_fields)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    return list(objs)
