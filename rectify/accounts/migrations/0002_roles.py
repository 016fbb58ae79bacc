from django.db import migrations


def load(apps, schema_editor):
    from rectify.accounts.migrations._loaders import load_roles

    load_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
