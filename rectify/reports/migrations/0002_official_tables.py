from django.db import migrations

from rectify.reports import definitions


def load(apps, schema_editor):
    definitions.load(apps)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("organisations", "0002_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
