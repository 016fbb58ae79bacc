"""The change log and the audit events become hash chains (core/audit/chain.py): every row gets its
seal and the seal of the row before it, the rows already there included, sealed in id order. On
SQLite the logs get the append-only triggers PostgreSQL has had since 0002.

`time` is set when a row is built instead of while it is inserted (auto_now_add), since the seal
covers it."""
import django.utils.timezone
from django.db import migrations, models

from rectify.core.audit import chain

TABLES = ["core_event", "core_objectchange"]

# What the seals cover, as of this migration (ObjectChange.chain_scalars / chain_json, Event's).
CHAINS = {
    "objectchange": (("time", "user_id", "username", "request_id", "action", "content_type_id", "object_id",
                      "object_repr", "reason"), ("before", "after")),
    "event": (("time", "user_id", "username", "ip", "request_id", "event", "content_type_id", "object_id",
               "object_repr", "outcome"), ("detail",)),
}
BATCH = 2000


def seal_existing_rows(apps, schema_editor):
    connection = schema_editor.connection
    for name, (scalars, jsons) in CHAINS.items():
        model = apps.get_model("core", name)
        table = model._meta.db_table
        rows = model._base_manager.using(connection.alias).order_by("pk")
        if not rows.exists():
            continue
        sealer = chain.Sealer()
        n = len(scalars)
        if connection.vendor == "postgresql":
            # The append-only trigger (0002) refuses the UPDATE; the table is locked for the
            # migration's transaction, so nothing else writes meanwhile.
            schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        prev, last = "", None
        while True:
            # A page at a time by id, not one open cursor over the rows being updated.
            page = rows.filter(pk__gt=last) if last is not None else rows
            batch = list(page.values_list("pk", *scalars, *jsons)[:BATCH])
            if not batch:
                break
            updates = []
            for row in batch:
                seal = sealer(prev, chain.chain_body(row[1:1 + n], [chain.json_text(v) for v in row[1 + n:]]))
                updates.append((prev, seal, row[0]))
                prev = seal
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {table} SET prev_seal = %s, seal = %s WHERE id = %s", updates)
            last = batch[-1][0]
        if connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")


def sqlite_triggers(apps, schema_editor):
    """SQLite has no trigger for two events and no DISABLE TRIGGER: one trigger per statement kind.
    `rectify flush` (core/management/commands/flush.py) drops and recreates them around its
    DELETEs, in its own transaction; chain.ensure_sqlite_triggers() makes them again after a
    later migration rebuilds a log's table."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        for kind in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_append_only_{kind.lower()} BEFORE {kind} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'rectify: {table} is append-only'); END;", params=None)


def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        for kind in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_{kind}", params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0006_objectchange_reason'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='prev_seal',
            field=models.CharField(blank=True, default='', editable=False, max_length=64, verbose_name='前一条校验码'),
        ),
        migrations.AddField(
            model_name='event',
            name='seal',
            field=models.CharField(blank=True, default='', editable=False, max_length=64, verbose_name='校验码'),
        ),
        migrations.AddField(
            model_name='objectchange',
            name='prev_seal',
            field=models.CharField(blank=True, default='', editable=False, max_length=64, verbose_name='前一条校验码'),
        ),
        migrations.AddField(
            model_name='objectchange',
            name='seal',
            field=models.CharField(blank=True, default='', editable=False, max_length=64, verbose_name='校验码'),
        ),
        migrations.AlterField(
            model_name='event',
            name='time',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='时间'),
        ),
        migrations.AlterField(
            model_name='objectchange',
            name='time',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='时间'),
        ),
        migrations.RunPython(seal_existing_rows, migrations.RunPython.noop),
        migrations.RunPython(sqlite_triggers, drop_sqlite_triggers),
    ]
