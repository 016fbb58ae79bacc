"""How old the figures are when reports and dashboards read a streaming replica
(REPORTS_DATABASE_URL): the replica holds every transaction the primary committed up to the last
one it replayed, never one the primary has not, so the page names that moment."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.db import DatabaseError, connections


def replica_as_of() -> datetime.datetime | None:
    """The commit time of the last transaction the reports' replica replayed; None when reports
    read the primary itself (no replica configured, or the alias points at a primary)."""
    alias = settings.REPORTS_DB_ALIAS
    if alias == "default" or connections[alias].vendor != "postgresql":
        return None
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery(), pg_last_xact_replay_timestamp()")
            recovering, replayed = cursor.fetchone()
    except DatabaseError:
        return None
    return replayed if recovering else None
