"""Public pages (no login): 双随机 draw results (一公开). Only what is published leaves the
system: the draw's number, unit, subject, period, seed, the size of each register, and the
enterprises drawn with the number of inspectors — never why a target was flagged (complaints and
credit flags are not published here), the inspectors' names, recusals or the snapshot."""
from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from ..models import Draw
from ..services import public_result


def _published():
    return Draw.objects.select_related("unit", "category").filter(drawn_at__isnull=False)


def draws(request):
    page = Paginator(_published().order_by("-drawn_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(request, "targeting/public_draws.html", {"page": page})


def draw(request, pk: int):
    obj = get_object_or_404(_published(), pk=pk)
    inputs = obj.inputs or {}
    return render(request, "targeting/public_draw.html", {
        "draw": obj, "rows": public_result(obj), "register_size": len(inputs.get("targets", [])),
        "inspector_register_size": len(inputs.get("inspectors", []))})
