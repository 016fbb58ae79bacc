from django.db import migrations


def load(apps, schema_editor):
    from rectify.accounts.roles import ROLE_NAMES

    Role = apps.get_model("accounts", "Role")
    for code, name in ROLE_NAMES.items():
        Role.objects.update_or_create(code=code, defaults={"name": str(name)})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
