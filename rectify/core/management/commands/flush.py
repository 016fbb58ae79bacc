"""Django's `flush`, which also empties the append-only logs on SQLite.

On PostgreSQL, flush empties tables with TRUNCATE, which the logs' row triggers (BEFORE UPDATE OR
DELETE, core/migrations/0002) do not see. SQLite has no TRUNCATE: flush runs `DELETE FROM` on
every table, and the logs' triggers (core/migrations/0007) refuse it. Here the triggers are dropped,
the tables emptied and the triggers created again from their own stored SQL, all in one
transaction: another connection never sees the logs without them, and a failed flush leaves them
in place. The test suite's TransactionTestCase ends every test with this command."""
from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

from rectify.core.audit.chain import LOG_TABLES


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            super().handle(**options)
            return
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(LOG_TABLES))
            cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})",
                           list(LOG_TABLES))
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
            super().handle(**options)
            # The post_migrate signal the flush sends may have made them already (changelog.py).
            cursor.execute(f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})",
                           list(LOG_TABLES))
            present = {name for (name,) in cursor.fetchall()}
            for name, sql in triggers:
                if name not in present:
                    cursor.execute(sql)
