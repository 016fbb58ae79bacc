"""On PostgreSQL, the logs refuse UPDATE and DELETE even from raw SQL by the application's role.
(SQLite relies on the application-level guard in AppendOnlyModel / AppendOnlyQuerySet.)"""
from django.db import migrations

TABLES = ["core_event", "core_objectchange"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        """CREATE OR REPLACE FUNCTION rectify_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'rectify: % is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql;""",
        params=None,
    )
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION rectify_append_only();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
