from django.db import migrations

# The price and service models placed by HandlerRegionMixin (enforcement.placement).
MODELS = ["prices.PriceObservation", "prices.PriceFlag", "prices.ServiceRequest", "prices.CapacityOffer"]


def forward(apps, schema_editor):
    from rectify.enforcement.placement import place_by_enterprise

    place_by_enterprise(apps, MODELS)


class Migration(migrations.Migration):

    dependencies = [
        ('prices', '0002_list_ordering_indexes'),
        ('enterprises', '0003_list_ordering_indexes'),
        ('organisations', '0002_reference_data'),
    ]

    # Backwards there is nothing to undo: the province was never these records' right place.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
