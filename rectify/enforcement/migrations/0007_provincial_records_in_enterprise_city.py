from django.db import migrations

# The enforcement models placed by HandlerRegionMixin; the others already followed the enterprise.
MODELS = ["enforcement.Case", "enforcement.Complaint", "enforcement.Lead", "enforcement.Problem"]


def forward(apps, schema_editor):
    from rectify.enforcement.placement import place_by_enterprise

    place_by_enterprise(apps, MODELS)


class Migration(migrations.Migration):

    dependencies = [
        ('enforcement', '0006_attachment_content_validator'),
        ('enterprises', '0003_list_ordering_indexes'),
        ('organisations', '0002_reference_data'),
    ]

    # Backwards there is nothing to undo: the province was never these records' right place.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
