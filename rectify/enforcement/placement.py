"""Moving existing records that provincial units entered about an enterprise to the enterprise's
city and county, for the data migrations of the apps whose models use HandlerRegionMixin.

Before the mixin counted every city of the province within a provincial unit's jurisdiction, such
a record lay in the province itself: the city never saw it, and the province's tables were not the
sum of its cities'. The migrations set what fill_scope() now derives. They work on the historical
models (a migration must not import today's models, whose fields may be ahead of the database),
in batches by primary key, and only on rows whose enterprise lies in a city of the unit's province:
other rows keep the place fill_scope() gave them."""
from __future__ import annotations

from typing import Any

from django.db.models import F

BATCH_SIZE = 2000


def place_by_enterprise(apps: Any, labels: list[str], batch_size: int = BATCH_SIZE) -> int:
    """Move the rows of the models `labels` ("app.Model", historical `apps`); returns how many moved."""
    moved = 0
    for label in labels:
        model = apps.get_model(label)
        rows = model._base_manager.filter(unit__region__level="province",
                                          enterprise__region__parent_id=F("unit__region_id"))
        last = 0
        while True:
            batch = list(rows.filter(pk__gt=last).order_by("pk").values_list(
                "pk", "region_id", "county_id", "enterprise__region_id", "enterprise__county_id")[:batch_size])
            if not batch:
                break
            last = batch[-1][0]
            changed = [model(pk=pk, region_id=region, county_id=county)
                       for pk, old_region, old_county, region, county in batch
                       if (old_region, old_county) != (region, county)]
            if changed:
                model._base_manager.bulk_update(changed, ["region", "county"])
                moved += len(changed)
    return moved

