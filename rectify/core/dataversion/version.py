"""The data version: a token of where the change log stands, and figures kept in the cache under it.

Every recorded write moves the token, so a figure kept under it is reused exactly while the records
it was computed from stay as they were (counting.py, reports/dashboard.py)."""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.core.cache import cache
from django.db import connections

from rectify.core.audit.changelog import writes_seen
from rectify.core.audit.models import ObjectChange

# How many of the latest change rows data_version() counts (see there).
VERSION_WINDOW = 5000

# Inside versions_read_once(): per database, the data version already read and how many change
# writes this context had made when it was read.
_versions: ContextVar[dict[str, tuple[int, str]] | None] = ContextVar("rectify_data_versions", default=None)


@contextlib.contextmanager
def versions_read_once() -> Iterator[None]:
    """Within the block, data_version() reads each database's version once and then reuses it, until
    a change row is written in this context. A page that keeps several figures until the records
    change (a list's count and its filter's choices, say) thus pays for one reading, not one per
    figure; a write by another process during the block is seen from the next block (request) on."""
    token = _versions.set({})
    try:
        yield
    finally:
        _versions.reset(token)


def data_version(using: str = "default") -> str:
    """A token that moves whenever a change row becomes visible: every create, update and delete of
    a logged model — single, bulk or cascaded — writes one, in the same transaction, so a figure
    computed at one token stays right while the token stays the same. Caches of computed figures
    key on it (reports/dashboard.py, core/dataversion/counting.py).

    The latest id alone is not enough: ids are handed out when rows are written, not when their
    transaction commits, so a transaction holding id 101 may commit after one holding 102 has,
    without moving the maximum. The token also counts the rows among the latest VERSION_WINDOW ids,
    which such a late commit does move. The window is read as "the latest ids, newest first, at
    most VERSION_WINDOW of them", which PostgreSQL always answers from the primary key's index: a
    plain range condition was estimated from statistics and, with stale ones (after a bulk import
    rolled back), answered by a scan of the whole table on every request (docs/performance.md)."""
    versions = _versions.get()
    writes = writes_seen()
    if versions is not None and using in versions:
        read_after, version = versions[using]
        if read_after == writes:
            return version
    table = connections[using].ops.quote_name(ObjectChange._meta.db_table)
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608 (a quoted model table name)
        latest = cursor.fetchone()[0] or 0
        cursor.execute(f"SELECT COUNT(*) FROM (SELECT id FROM {table} WHERE id > %s "  # noqa: S608
                       f"ORDER BY id DESC LIMIT %s) recent", [latest - VERSION_WINDOW, VERSION_WINDOW])
        recent = cursor.fetchone()[0]
    version = f"{latest}.{recent}"
    if versions is not None:
        versions[using] = (writes, version)
    return version


def cached_until_change(key: str, compute: Callable[[], Any], seconds: int, using: str = "default",
                        keep: Callable[[Any], bool] | None = None) -> Any:
    """`compute()`, kept in the cache under `key` and the data version of `using`: reused while no
    recorded write has happened, recomputed after one. `seconds` only bounds how long an entry
    nobody asks for again is kept; a value `keep` refuses is returned but not kept."""
    versioned = f"{key}:{data_version(using)}"
    value = cache.get(versioned)
    if value is None:
        value = compute()
        if keep is None or keep(value):
            cache.set(versioned, value, seconds)
    return value
