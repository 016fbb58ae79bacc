"""Stored credit codes in their normalised form (enterprises.identity): upper case, half-width, no
spaces. Codes that become equal are reported here and in the rows' notes, not a failed migration."""
import sys

from django.db import migrations


def forward(apps, schema_editor):
    from rectify.enterprises.identity import normalise_stored_codes

    for line in normalise_stored_codes(apps.get_model("enterprises", "Enterprise")):
        sys.stdout.write(f"\n  {line}")


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0004_one_identity'),
    ]

    # Backwards there is nothing to undo: the normalised code is the same code.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
