"""Reads for the price pages: the chart's choices and series, the complaints grouped by seller, and
the capacity left to allocate. Every query starts from `restrict(user)`, so a city sees its own
outlets only."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Avg, Count, F, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from rectify.enforcement.models import Complaint
from rectify.organisations.models import Region

from .models import CapacityAllocation, CapacityOffer, CapacityRequest, PriceBaseline, PriceFlag, PriceObservation


@dataclass
class PriceSeries:
    dates: list[datetime.date] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)      # per day: avg/min/max/count/baseline
    flagged: list[dict[str, Any]] = field(default_factory=list)   # flagged observations (points)
    baseline: Decimal | None = None

    def echarts_option(self, title: str) -> dict[str, Any]:
        days = [d.isoformat() for d in self.dates]
        by_day = {r["day"]: r for r in self.rows}
        avg = [float(by_day[d]["avg"]) if d in by_day else None for d in days]
        high = [float(by_day[d]["max"]) if d in by_day else None for d in days]
        series: list[dict[str, Any]] = [
            {"name": _("日均价"), "type": "line", "data": avg, "connectNulls": True},
            {"name": _("最高价"), "type": "line", "data": high, "connectNulls": True, "lineStyle": {"type": "dotted"}},
        ]
        if self.baseline is not None:
            series.append({"name": _("基准价"), "type": "line", "data": [float(self.baseline)] * len(days),
                           "lineStyle": {"type": "dashed"}, "symbol": "none"})
        series.append({"name": _("预警经营者"), "type": "scatter", "symbolSize": 12, "itemStyle": {"color": "#dc3545"},
                       "data": [{"value": [f["day"], float(f["price"])], "name": f["outlet"]} for f in self.flagged]})
        return {
            "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
            "tooltip": {"trigger": "axis"}, "legend": {"top": 28},
            "grid": {"top": 70, "left": 50, "right": 20, "bottom": 40},
            "xAxis": {"type": "category", "data": days}, "yAxis": {"type": "value", "name": _("元")},
            "series": series,
        }


def chart_choices(user, *, limit: int = 200) -> tuple[list[str], models.QuerySet]:
    """The products the user's observations name (the first `limit`, by name) and the cities they
    were seen in: what the chart offers to choose."""
    visible = PriceObservation.objects.restrict(user)
    products = list(visible.values_list("product", flat=True).distinct().order_by("product")[:limit])
    regions = Region.objects.filter(level="city", pk__in=visible.values("region")).order_by("code")
    return products, regions


def price_series(user, *, category_id: int | None, product: str, region_id: int | None,
                 start: datetime.date | None = None, end: datetime.date | None = None) -> PriceSeries:
    qs = PriceObservation.objects.restrict(user).filter(product=product)
    if category_id:
        qs = qs.filter(category_id=category_id)
    if region_id:
        qs = qs.filter(region_id=region_id)
    if start:
        qs = qs.filter(observed_on__gte=start)
    if end:
        qs = qs.filter(observed_on__lte=end)
    out = PriceSeries()
    rows = list(qs.values("observed_on").annotate(avg=Avg("price"), min=Min("price"), max=Max("price"), n=Count("id"))
                .order_by("observed_on"))
    if not rows:
        return out
    category_id = category_id or qs.values_list("category_id", flat=True).first()
    candidates = PriceBaseline.objects.filter(Q(product=product) | Q(product=""),
                                              Q(area_id=region_id) | Q(area__isnull=True), category_id=category_id)
    # The most specific one: product over category, city over province, newest first.
    ranked = sorted(candidates, key=lambda b: (b.product != "", b.area_id is not None, b.valid_from), reverse=True)
    base = ranked[0] if ranked else None
    out.baseline = base.price if base else None
    first, last = rows[0]["observed_on"], rows[-1]["observed_on"]
    out.dates = [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]
    cent = Decimal("0.01")
    out.rows = [{"day": r["observed_on"].isoformat(), "avg": Decimal(r["avg"]).quantize(cent),
                 "min": Decimal(r["min"]).quantize(cent), "max": Decimal(r["max"]).quantize(cent), "n": r["n"],
                 "baseline": out.baseline} for r in rows]
    flagged = (PriceFlag.objects.restrict(user).filter(observation__in=qs)
               .values("observation__observed_on", "observation__price", "outlet_name").distinct()[:500])
    out.flagged = [{"day": f["observation__observed_on"].isoformat(), "price": f["observation__price"],
                    "outlet": f["outlet_name"]} for f in flagged]
    return out


def complaints_by_seller(user, *, min_count: int = 1):
    """Complaints the user may see, grouped by the seller (registry enterprise, else the name the
    reporter gave), most complained-about first. Counts only: no content, no reporter."""
    qs = Complaint.objects.restrict(user)
    return (qs.annotate(seller=Coalesce("enterprise__name", "subject_name"))
            .exclude(seller="").values("seller", "enterprise_id")
            .annotate(total=Count("id"), tips=Count("id", filter=Q(kind=Complaint.Kind.TIP)),
                      open=Count("id", filter=Q(status=Complaint.Status.RECEIVED)),
                      first=Min("received_on"), last=Max("received_on"))
            .filter(total__gte=min_count).order_by("-total", "seller"))


def offers_with_capacity(user, category_id: int | None) -> models.QuerySet:
    """The offers of a category the user sees that still have capacity to allocate, each with its
    `left` (what is not yet allocated)."""
    used = Coalesce(Sum("allocations__quantity"), 0)
    return (CapacityOffer.objects.restrict(user).filter(category_id=category_id)
            .annotate(left=F("quantity") - used).filter(left__gt=0)
            .select_related("enterprise", "category").order_by("-available_from", "-id"))


def capacity_state(request: CapacityRequest) -> str:
    """待调配 (nothing allocated), 部分调配, or 已满足 (allocations cover the quantity needed)."""
    used = request.allocations.aggregate(n=Sum("quantity"))["n"] or 0
    return "open" if used == 0 else "partial" if used < request.quantity else "met"


def capacity_state_q(states) -> Q:
    """The requests in `states` (see capacity_state), as a filter."""
    used = (CapacityAllocation.objects.filter(request=OuterRef("pk")).values("request")
            .annotate(n=Sum("quantity")).values("n"))
    rows = CapacityRequest.objects.annotate(used=Coalesce(Subquery(used), 0))
    by_state = {"open": Q(used=0), "partial": Q(used__gt=0, used__lt=F("quantity")),
                "met": Q(used__gte=F("quantity"))}
    q = Q(pk__in=[])
    for state in states:
        if state in by_state:
            q |= Q(pk__in=rows.filter(by_state[state]).values("pk"))
    return q
