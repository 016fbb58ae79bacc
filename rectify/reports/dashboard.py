"""Dashboard for the province and each city: weekly trends drawn with the locally served ECharts;
every chart's numbers are also printed as a table."""
from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from rectify.core.access.scope import area_allows
from rectify.core.dataversion.version import cached_until_change
from rectify.organisations.models import Campaign

from . import services
from .configuration import indicator_problem
from .engine import compute_raw
from .models import Indicator
from .selectors import allowed_scope, parse_cutoff, scope_label

DASHBOARD_CACHE_SECONDS = 600  # an upper bound; a change to any record replaces the entry sooner

# (chart title, [(series label, indicator code)], kind)
TRENDS = [
    (gettext_lazy("排查企业（累计）"), [(gettext_lazy("排查企业数量"), "a1_inspected")], "line"),
    (gettext_lazy("出口抽查批次与不合格批次（累计）"),
     [(gettext_lazy("抽查批次"), "a1_export_batches"), (gettext_lazy("不合格批次"), "a1_export_nonconforming")],
     "line"),
    (gettext_lazy("立案与处罚（累计）"),
     [(gettext_lazy("立案"), "a2_total_filed"), (gettext_lazy("处罚"), "a2_total_penalised")], "line"),
    (gettext_lazy("罚没金额（万元，累计）"), [(gettext_lazy("罚没"), "a2_total_fines")], "bar"),
]


def _weeks(campaign: Campaign, cutoff: datetime.date) -> list[datetime.date]:
    weeks, day = [], campaign.start
    while day <= cutoff:
        week_cut = services.week_of(campaign, day)[1]
        weeks.append(min(week_cut, cutoff))
        day = week_cut + datetime.timedelta(days=1)
    return weeks or [cutoff]


def _weekly_totals(indicators: dict[str, Indicator], scope, weeks, campaign) -> list[dict[str, float]]:
    """Per week, each indicator summed over categories — all weeks from one grouped query per source;
    an indicator that cannot be computed (reports/configuration.py) has no totals."""
    problems: dict[int, str] = {}
    raw = compute_raw(list(indicators.values()), scope=scope, campaign=campaign, cutoffs=weeks, problems=problems)
    out = []
    for n in range(len(weeks)):
        totals = {}
        for code, ind in indicators.items():
            if ind.pk in problems:
                continue
            amount = sum((v for (iid, _cat, k), v in raw.items() if iid == ind.pk and k == n), Decimal(0))
            totals[code] = float(round(amount * ind.scale, ind.decimals))
        out.append(totals)
    return out


@login_required
def dashboard(request):
    if not area_allows(request.user, "records", "view"):
        raise PermissionDenied
    campaign = Campaign.current()
    cutoff = parse_cutoff(request.GET.get("cutoff"), campaign)
    scope = allowed_scope(request.user, request.GET.get("region"), request.GET.get("line"))
    charts, completeness = _figures(campaign, cutoff, scope)
    return render(request, "reports/dashboard.html", {"charts": charts, "scope_label": scope_label(scope),
                                                      "cutoff": cutoff, "completeness": completeness,
                                                      "problems": _problems(campaign)})


def _problems(campaign: Campaign) -> list[str]:
    """The charted indicators that cannot be computed, and why (their series are left out)."""
    wanted = {code for _t, series, _k in TRENDS for _l, code in series}
    indicators = Indicator.objects.filter(campaign=campaign, code__in=wanted).order_by("code")
    return [_("指标“%(name)s”（代码 %(code)s）配置有误，未能绘制：%(problem)s") % {
        "name": ind.name, "code": ind.code, "problem": problem}
        for ind in indicators if (problem := indicator_problem(ind))]


def _figures(campaign: Campaign, cutoff: datetime.date, scope) -> tuple[list, list]:
    """The charts and the completeness rows, kept in the cache until the next recorded change
    (core.dataversion.version.cached_until_change): a cached figure is never older than the records, and a
    busy hour of writes simply recomputes."""
    key = ":".join(str(part) for part in ("dashboard", campaign.pk, cutoff, scope.cache_key(), get_language()))
    return cached_until_change(key, lambda: _compute_figures(campaign, cutoff, scope), DASHBOARD_CACHE_SECONDS,
                               settings.REPORTS_DB_ALIAS)


def _compute_figures(campaign: Campaign, cutoff: datetime.date, scope) -> tuple[list, list]:
    wanted = {code for _t, series, _k in TRENDS for _l, code in series}
    indicators = {i.code: i for i in Indicator.objects.filter(campaign=campaign, code__in=wanted)}
    weeks = _weeks(campaign, cutoff)
    per_week = _weekly_totals(indicators, scope, weeks, campaign)
    charts = []
    for n, (title, series, kind) in enumerate(TRENDS):
        # str(): the labels go into JSON and the cache, in the language of the request
        present = [(str(label), code) for label, code in series if code in per_week[0]]
        if not present:
            continue
        data = [[week[code] for week in per_week] for _label, code in present]
        option = {
            "tooltip": {"trigger": "axis"}, "legend": {"data": [label for label, _ in present]},
            "xAxis": {"type": "category", "data": [w.strftime("%m-%d") for w in weeks]}, "yAxis": {"type": "value"},
            "series": [{"name": label, "type": kind, "data": values}
                       for (label, _), values in zip(present, data, strict=True)],
        }
        charts.append({"id": f"chart{n}", "title": str(title), "option": json.dumps(option, ensure_ascii=False),
                       "labels": [label for label, _ in present],
                       "rows": list(zip(weeks, zip(*data, strict=True), strict=True))})
    completeness = []
    if scope.line is None:
        for w in weeks:
            # The cities' offices: the member units report to their departments, not in this count.
            rows = [r for r in services.completeness(campaign, services.week_of(campaign, w)[1]) if not r["member"]]
            if scope.region_id:
                rows = [r for r in rows if r["unit"].region_id == scope.region_id]
            completeness.append((w, sum(r["state"] == "on_time" for r in rows), sum(r["state"] == "late" for r in rows),
                                 sum(r["state"] == "missing" for r in rows)))
    return charts, completeness
