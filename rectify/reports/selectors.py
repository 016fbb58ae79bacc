"""Reads for the report pages: which scopes a user may compute, the cut-off to show, and a frozen
snapshot laid out as its tables."""
from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from rectify.core.access.scope import area_allows
from rectify.core.clock import today
from rectify.core.security.inputs import parse_int
from rectify.organisations.models import Campaign, Line, Region

from .engine import ReportScope
from .official import column_spec
from .services import layouts_of


def default_cutoff(campaign: Campaign) -> datetime.date:
    return min(today(), campaign.end)


def parse_cutoff(value: str | None, campaign: Campaign) -> datetime.date:
    if value:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    return default_cutoff(campaign)


def allowed_scope(user, region_id: str | None, line: str | None) -> ReportScope:
    """The scope asked for, narrowed to what the user may see (a city never sees another's); the
    user is its viewer, so the figures count only rows the user may list."""
    unit = user.unit
    if unit is None:
        raise PermissionDenied
    own = ReportScope.for_unit(unit)
    region = parse_int(region_id, None, minimum=1)
    line = line if line in Line.values else None
    if own.region_id is not None:
        if region not in (None, own.region_id) and region not in unit.covered_city_ids():
            raise PermissionDenied
        if region is None and len(unit.covered_city_ids()) == 1:
            region = own.region_id
        # A unit covering several cities (a customs district) sees all of them unless it picks
        # one: the viewer's rows are the bound.
    if own.line is not None:
        if line not in (None, own.line):
            raise PermissionDenied
        # A department's figures are its line's: a record another line transferred to it (which it
        # may list) stays counted by its own line, as 附件2 counts a case sent to the police as the
        # sender's 移送公安 — the lines then add up to the province without counting a case twice.
        line = own.line
    return ReportScope(region_id=region, line=line, county_id=own.county_id, viewer=user)


def covers(user, scope: ReportScope) -> bool:
    """May `user` list every row counted in `scope`? Only then may they read figures computed over
    it without them (a unit's submitted report is frozen: it cannot be recomputed within their
    view). This mirrors core/access/scope.py's region and line rules for the unit."""
    unit = getattr(user, "unit", None)
    if unit is None or not area_allows(user, "records", "view"):
        return False
    if unit.is_provincial_office:
        return True
    if not unit.is_office and scope.line != unit.department.line:
        return False
    if unit.is_provincial:
        return True
    if unit.county is not None:
        return scope.county_id == unit.region_id
    return scope.region_id is not None and scope.region_id in unit.covered_city_ids()


def scope_label(scope: ReportScope) -> str:
    unit = getattr(scope.viewer, "unit", None)
    if scope.county_id:
        county = Region.objects.select_related("parent").get(pk=scope.county_id)
        place = f"{county.parent.name if county.parent else ''}{county.name}"
    elif scope.region_id:
        place = Region.objects.get(pk=scope.region_id).name
    elif unit is not None and not unit.is_provincial:
        place = _("%(unit)s辖区") % {"unit": unit.name}
    else:
        place = _("辽宁省（全省）")
    parts = [place]
    if scope.line:
        parts.append(str(Line(scope.line).label))
    return " · ".join(parts)


def snapshot_specs(campaign: Campaign, tables: dict) -> list[dict]:
    """Table specs from a frozen snapshot (the layout's headers, the snapshot's numbers)."""
    names = dict(campaign.categories.values_list("code", "name"))
    specs = []
    for layout in layouts_of(campaign):
        snap = tables.get(layout.code)
        if not snap:
            continue
        columns = list(layout.columns.select_related("indicator").order_by("order"))
        specs.append({"code": layout.code, "label": layout.label, "title": layout.title,
                      "row_header": layout.row_header, "notes": layout.notes,
                      "columns": [column_spec(c) for c in columns],
                      "rows": [(names.get(r["category"], r["category"]), r["values"]) for r in snap["rows"]]})
    return specs
