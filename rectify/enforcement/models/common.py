from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rectify.enterprises.models import Enterprise

if TYPE_CHECKING:
    from rectify.organisations.models import Unit

MAX_UPLOAD = 10 * 1024 * 1024


def validate_file_size(value) -> None:
    if value and getattr(value, "size", 0) > MAX_UPLOAD:
        raise ValidationError(_("附件不能超过10MB。"))


def in_jurisdiction(unit: Unit, enterprise: Enterprise) -> bool:
    """Whether `enterprise`'s city lies within what `unit` answers for: the cities it covers (a
    customs office covers several), and for a provincial unit every city of its province."""
    if enterprise.region_id in unit.covered_city_ids():
        return True
    return unit.is_provincial and enterprise.region.parent_id == unit.region_id


class HandlerRegionMixin:
    """Place a record in the city of the enterprise when that city is within the handling unit's
    jurisdiction (in_jurisdiction), otherwise in the handling unit's own city. The core default
    (always the enterprise's city) would hide a Shenyang record about a Dalian seller from Shenyang.
    A provincial unit answers for every city: its record about a Dalian enterprise belongs to Dalian,
    so that Dalian sees it and the province's tables are the sum of its cities' (the provincial unit
    still sees it through its line of work)."""

    def scope_region_source(self):
        enterprise = getattr(self, "enterprise", None)
        if enterprise is not None and enterprise.region_id and in_jurisdiction(self.unit, enterprise):
            return enterprise.region, enterprise.county
        return self.unit.city, self.unit.county
