"""The receiver's pages of the tables *as reported*: the sum of the versions it was sent, each
unit's status and figures beside it, and the workbook of both — the other view of the province's
figures beside the live tables (views.tables), which are computed from the records."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from rectify.core.access.scope import area_allows
from rectify.core.audit.events import record_event
from rectify.core.generic.exports import XLSX_TYPE

from . import official, services
from .models import WeeklyReport
from .selectors import parse_cutoff, snapshot_specs
from .views import _campaign, _download


def _receiver(user):
    unit = getattr(user, "unit", None)
    if unit is None or not unit.is_provincial or not area_allows(user, "records", "view"):
        raise PermissionDenied
    return unit


def _reported(request):
    unit = _receiver(request.user)
    campaign = _campaign()
    cutoff = services.week_of(campaign, parse_cutoff(request.GET.get("cutoff"), campaign))[1]
    summed = services.as_reported(campaign, cutoff, unit, with_own=unit.is_provincial_office)
    return unit, campaign, cutoff, summed


@login_required
def reported(request):
    """As reported: for the provincial office every city office's latest submitted or accepted
    version added up (and the province's own records no city reports), for a provincial
    department its line's member units; the units not counted are marked."""
    unit, campaign, cutoff, summed = _reported(request)
    if request.GET.get("format") == "xlsx":
        return _workbook(unit, campaign, cutoff, summed)
    own_report = WeeklyReport.objects.filter(campaign=campaign, unit=unit, cutoff=cutoff,
                                             kind=WeeklyReport.Kind.WEEKLY).first()
    specs = snapshot_specs(campaign, summed.tables)
    return render(request, "reports/reported.html", {
        "campaign": campaign, "cutoff": cutoff, "weeks": services.campaign_weeks(campaign), "specs": specs,
        "units": services.unit_totals(campaign, summed), "totals_specs": specs, "summed": summed,
        "counted_count": sum(1 for u in summed.units if u.counted), "own_report": own_report,
        "receiver": unit,
    })


def _workbook(unit, campaign, cutoff, summed) -> object:
    """The sum's sheets (named 报送口径), then each counted unit's version as it was sent."""
    sheets = []
    for spec in snapshot_specs(campaign, summed.tables):
        sheets.append((f"汇总-{spec['label']}", spec, {"unit_name": f"{unit.name}（报送口径汇总）",
                                                      "filled_by": "", "phone": "", "cutoff": cutoff}))
    for row in summed.units:
        if not row.counted:
            continue
        info = {"unit_name": row.unit.name, "filled_by": row.version.filled_by, "phone": row.version.phone,
                "cutoff": cutoff}
        for spec in snapshot_specs(campaign, row.version.tables):
            sheets.append((f"{row.unit.region.name}{'' if row.unit.is_office else row.unit.department.short_name}"
                           f"-{spec['label']}", spec, info))
    record_event("export", detail={"what": "as_reported", "cutoff": str(cutoff)})
    return _download(official.workbook(sheets, campaign=campaign),
                     official.file_name(unit.name, "报送口径汇总", cutoff, "xlsx"), f"as-reported-{cutoff}.xlsx",
                     XLSX_TYPE)
