from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_UPLOAD = 10 * 1024 * 1024


def validate_file_size(value) -> None:
    if value and getattr(value, "size", 0) > MAX_UPLOAD:
        raise ValidationError(_("附件不能超过10MB。"))


class HandlerRegionMixin:
    """Place a record in the city of the enterprise when the handling unit covers that city (a
    customs office covers several), otherwise in the handling unit's own city. The core default
    (always the enterprise's city) would hide a Shenyang record about a Dalian seller from Shenyang."""

    def scope_region_source(self):
        enterprise = getattr(self, "enterprise", None)
        if enterprise is not None and enterprise.region_id in self.unit.covered_city_ids():
            return enterprise.region, enterprise.county
        return self.unit.city, self.unit.county
