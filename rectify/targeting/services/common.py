"""Helpers shared by the targeting services."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.core.access.scope import area_allows
from rectify.core.audit.events import record_event
from rectify.core.clock import today as today  # the Beijing date, for the services importing it from here
from rectify.enterprises.models import Enterprise


def require_provincial_unit(actor, what: str) -> None:
    """Any provincial unit (office or line department) whose role may add records: the export
    lists are the province's, whichever provincial department keeps them."""
    unit = getattr(actor, "unit", None)
    if unit is None or not unit.is_provincial or not area_allows(actor, "records", "add"):
        raise PermissionDenied(_("只有省级单位可以%(what)s。") % {"what": what})


def event(actor, name: str, obj=None, **kwargs):
    """record_event attributed to the acting user also outside a request (tasks, tests)."""
    return record_event(name, obj, user=actor, **kwargs)


def enterprises_of_unit(unit) -> QuerySet:
    """The enterprises in a unit's jurisdiction (its target register before filters): a county
    unit its county, a city unit (or customs) the cities it covers, a provincial unit all."""
    qs = Enterprise.objects.filter(merged_into__isnull=True)
    if unit.is_provincial:
        return qs
    if unit.county is not None:
        return qs.filter(county_id=unit.region_id)
    return qs.filter(region_id__in=unit.covered_city_ids())


def officers_of_unit(unit) -> QuerySet:
    """Enforcement officers of the unit's line in its jurisdiction (the inspector register)."""
    qs = User.objects.filter(is_enforcement_officer=True, is_active=True, unit__department__line=unit.department.line,
                             unit__is_active=True)
    if unit.is_provincial:
        return qs
    if unit.county is not None:
        return qs.filter(unit_id=unit.pk)
    cities = unit.covered_city_ids()
    return qs.filter(Q(unit__region_id__in=cities) | Q(unit__region__parent_id__in=cities))
