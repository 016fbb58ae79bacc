"""Setting a campaign up on pages: copy an earlier campaign, start and stop it, and preview a table
layout or an indicator on current records. The provincial office writes (core.access: area
"campaign"); everyone who reads the campaign reads the previews, within their own rows."""
from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.core.access.scope import area_allows, can, model_allows, write_refusal
from rectify.core.generic.services import ConflictError
from rectify.core.security.inputs import parse_int
from rectify.organisations.models import Campaign, Line, Region

from . import services
from .forms import CampaignCopyForm
from .models import Indicator, LayoutColumn, TableLayout
from .selectors import allowed_scope, scope_label
from .services.preview import Preview


def _visible(model, request, pk: int, related: tuple[str, ...] = ()):
    obj = model.objects.restrict(request.user, "view").select_related(*related).filter(pk=pk).first()
    if obj is None:
        raise Http404(_("记录不存在或不在您的数据范围内。"))
    return obj


@login_required
def campaign_copy(request, pk: int):
    """复制为新专项行动: the new campaign's code, name, dates, deadlines and address; then its page."""
    source = _visible(Campaign, request, pk)
    if not model_allows(request.user, Campaign, "add"):
        raise PermissionDenied(write_refusal(request.user, "add", Campaign))
    if request.method == "POST":
        form = CampaignCopyForm(request.POST)
        if form.is_valid():
            try:
                copied = services.campaign_copy(source=source, values=form.values(), actor=request.user)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("已复制为新专项行动“%(name)s”（未启用）：请核对阶段、类别、指标和报表格式，"
                                            "预览报表后再启用。") % {"name": copied.campaign.name})
                for warning in copied.warnings:
                    messages.warning(request, warning)
                return HttpResponseRedirect(copied.campaign.get_absolute_url())
        status = 400
    else:
        form = CampaignCopyForm(initial=CampaignCopyForm.initial_from(source))
        status = 200
    return render(request, "reports/campaign_copy.html", {"source": source, "form": form}, status=status)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_POST
def campaign_state(request, pk: int):
    """启用 / 停用: a step of its own, refused with every reason while the tables cannot be computed."""
    campaign = _visible(Campaign, request, pk)
    action = request.POST.get("action")
    version = parse_int(request.POST.get("version"), None)
    try:
        if action == "activate":
            services.campaign_activate(campaign=campaign, actor=request.user, expected_version=version)
            messages.success(request, _("已启用专项行动“%(name)s”。") % {"name": campaign.name})
        elif action == "deactivate":
            services.campaign_deactivate(campaign=campaign, actor=request.user, expected_version=version)
            messages.success(request, _("已停用专项行动“%(name)s”。") % {"name": campaign.name})
        else:
            messages.error(request, _("未知操作。"))
    except ConflictError as exc:
        messages.error(request, exc.messages[0])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return HttpResponseRedirect(campaign.get_absolute_url())


def campaign_setup_context(request, campaign: Campaign) -> dict[str, Any]:
    """The campaign page's set-up panel: its tables, what keeps it from starting, what the user may do."""
    user = request.user
    return {
        "setup_layouts": list(TableLayout.objects.filter(campaign=campaign).order_by("order")
                              .prefetch_related("columns")),
        "setup_indicators": list(Indicator.objects.filter(campaign=campaign).order_by("code")),
        "setup_problems": services.campaign_problems(campaign) if not campaign.is_active else [],
        "setup_may_copy": model_allows(user, Campaign, "add"),
        "setup_may_change": can(user, "change", campaign),
    }


# --- previews -----------------------------------------------------------------------------------
def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def preview_context(request, compute, campaign: Campaign) -> dict[str, Any]:
    """The figures of `compute(scope, start, cutoff)` for the user's rows (the region asked for, for a
    provincial user), or why there are none: a reader of the configuration who may not read the
    records sees its checks only."""
    user = request.user
    if not area_allows(user, "records", "view") or getattr(user, "unit", None) is None:
        return {"preview": compute(None, None, None), "preview_hidden": True}
    start, cutoff = _date(request.GET.get("start")), _date(request.GET.get("cutoff"))
    notes = []
    if (request.GET.get("start") and start is None) or (request.GET.get("cutoff") and cutoff is None):
        notes.append(_("日期应按“年-月-日”填写，例如 2020-05-20；已按默认期间计算。"))
        start = cutoff = None
    elif start and cutoff and start > cutoff:
        notes.append(_("统计起始日期晚于截至日期；已按默认期间计算。"))
        start = cutoff = None
    scope = allowed_scope(user, request.GET.get("region"), request.GET.get("line"))
    preview: Preview = compute(scope, start, cutoff)
    regions = Region.objects.filter(level="city").order_by("code") if user.unit.is_provincial else []
    return {"preview": preview, "preview_notes": notes, "scope": scope, "scope_label": scope_label(scope),
            "regions": regions, "lines": Line.choices, "preview_campaign": campaign}


@login_required
def layout_preview(request, pk: int):
    layout = _visible(TableLayout, request, pk, ("campaign",))
    context = preview_context(request, lambda scope, start, cutoff: _layout(layout, scope, start, cutoff),
                              layout.campaign)
    return render(request, "reports/layout_preview.html", {"object": layout, "campaign": layout.campaign, **context})


@login_required
def indicator_preview(request, pk: int):
    indicator = _visible(Indicator, request, pk, ("campaign", "numerator", "denominator"))
    context = preview_context(request, lambda scope, start, cutoff: _indicator(indicator, scope, start, cutoff),
                              indicator.campaign)
    layouts = TableLayout.objects.filter(pk__in=LayoutColumn.objects.filter(indicator=indicator)
                                         .values("layout")).order_by("order")
    return render(request, "reports/layout_preview.html", {"object": indicator, "campaign": indicator.campaign,
                                                           "used_in": layouts, **context})


def layout_detail_context(request, layout: TableLayout) -> dict[str, Any]:
    context = preview_context(request, lambda scope, start, cutoff: _layout(layout, scope, None, None),
                              layout.campaign)
    return {**context, "preview_url": reverse("reports:layout_preview", args=[layout.pk])}


def indicator_detail_context(request, indicator: Indicator) -> dict[str, Any]:
    context = preview_context(request, lambda scope, start, cutoff: _indicator(indicator, scope, None, None),
                              indicator.campaign)
    return {**context, "preview_url": reverse("reports:indicator_preview", args=[indicator.pk])}


def _layout(layout: TableLayout, scope, start, cutoff) -> Preview:
    return services.layout_preview(layout, scope=scope, start=start, cutoff=cutoff)


def _indicator(indicator: Indicator, scope, start, cutoff) -> Preview:
    return services.indicator_preview(indicator, scope=scope, start=start, cutoff=cutoff)
