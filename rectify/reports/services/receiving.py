"""Who reports to whom: every city office to the provincial office, and every city member unit to
the provincial department of its line."""
from __future__ import annotations

from django.db.models import QuerySet

from rectify.core.access.scope import area_allows
from rectify.organisations.models import Campaign, Unit

from ..models import WeeklyReport


def reporting_units(campaign: Campaign) -> QuerySet:
    """Units that report weekly to the province: each city's working-group office."""
    return (Unit.objects.filter(is_office=True, is_active=True, region__parent=campaign.region)
            .select_related("region", "department"))


def member_reporting_units(campaign: Campaign) -> QuerySet:
    """City member units that report weekly to a provincial department: a city's unit of a line
    the province has a department of (a customs district has none above it in the province)."""
    lines = (Unit.objects.filter(is_office=False, is_active=True, region=campaign.region)
             .values_list("department__line", flat=True))
    return (Unit.objects.filter(is_office=False, is_active=True, region__parent=campaign.region,
                                department__line__in=lines)
            .select_related("region", "department").order_by("region__code", "department__order", "code"))


def received_units(receiver: Unit, campaign: Campaign) -> list[Unit]:
    """The units whose weekly reports `receiver` receives: every city office for the provincial
    office, the member units of its line for a provincial department, nobody for anyone else."""
    if not receiver.is_provincial:
        return []
    if receiver.is_office:
        return list(reporting_units(campaign).order_by("region__code"))
    return list(member_reporting_units(campaign).filter(department__line=receiver.department.line))


def receiver_may_review(actor, report: WeeklyReport) -> bool:
    """City offices report to the provincial office; member units report to their provincial
    department (same line of work). A provincial unit's own report goes upward, out of the system:
    nobody here accepts or returns it."""
    unit = getattr(actor, "unit", None)
    if not unit or not unit.is_provincial or report.unit.is_provincial:
        return False
    if report.unit.is_office:
        return unit.is_provincial_office and area_allows(actor, "records", "manage")
    return (not unit.is_office and unit.department.line == report.unit.department.line
            and area_allows(actor, "records", "review"))
