"""Reads for the report pages: which scopes a user may compute, and the cut-off to show."""
from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from rectify.organisations.models import Campaign, Line, Region

from .engine import ReportScope


def default_cutoff(campaign: Campaign) -> datetime.date:
    return min(timezone.localdate(), campaign.end)


def parse_cutoff(value: str | None, campaign: Campaign) -> datetime.date:
    if value:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    return default_cutoff(campaign)


def allowed_scope(user, region_id: str | None, line: str | None) -> ReportScope:
    """The scope asked for, narrowed to what the user may see (a city never sees another's)."""
    unit = user.unit
    if unit is None:
        raise PermissionDenied
    own = ReportScope.for_unit(unit)
    region = int(region_id) if region_id and str(region_id).isdigit() else None
    line = line if line in Line.values else None
    if own.region_id is not None:
        if region not in (None, own.region_id) and region not in unit.covered_city_ids():
            raise PermissionDenied
        region = region or own.region_id
    if own.line is not None:
        if line not in (None, own.line):
            raise PermissionDenied
        line = own.line
    return ReportScope(region_id=region, line=line)


def scope_label(scope: ReportScope) -> str:
    parts = [Region.objects.get(pk=scope.region_id).name if scope.region_id else "辽宁省（全省）"]
    if scope.line:
        parts.append(str(Line(scope.line).label))
    return " · ".join(parts)
