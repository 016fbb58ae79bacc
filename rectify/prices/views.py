"""Price pages beyond the generic ones: the chart, complaints grouped by seller and the import (a
flag's, a request's and a capacity request's steps are core.workflow's pages). Rows come through
`restrict(user)`; writes through services."""
from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from rectify.core.access.scope import model_allows, units_for
from rectify.core.generic.exports import file_response
from rectify.core.generic.importing import ImportFileError, failed_rows_xlsx, read_upload, template_xlsx
from rectify.core.security.inputs import parse_int
from rectify.enforcement.models import Complaint
from rectify.organisations.models import ProductCategory, Region

from . import services
from .importing import COLUMNS
from .models import PriceObservation
from .selectors import chart_choices, complaints_by_seller, price_series


def _require(user, model, action: str = "view") -> None:
    if not model_allows(user, model, action):
        raise PermissionDenied(_("您没有查看此类记录的权限。"))


def error_text(exc: Exception) -> str:
    return "；".join(getattr(exc, "messages", None) or [str(exc)])


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


class PriceChartView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request.user, PriceObservation)
        products, regions = chart_choices(request.user)
        product = request.GET.get("product") or (products[0] if products else "")
        category = ProductCategory.objects.filter(pk=parse_int(request.GET.get("category"))).first()
        region = Region.objects.filter(pk=parse_int(request.GET.get("region")), level="city").first()
        series = price_series(request.user, category_id=category.pk if category else None, product=product,
                              region_id=region.pk if region else None, start=_date(request.GET.get("start")),
                              end=_date(request.GET.get("end")))
        title = f"{product} · {region.name if region else _('全部地区')}"
        return render(request, "prices/chart.html", {
            "products": products, "product": product, "category": category, "region": region, "series": series,
            "categories": ProductCategory.objects.current(), "regions": regions,
            "option": series.echarts_option(title) if series.rows else None,
        })


class ComplaintsBySellerView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request.user, Complaint)
        min_count = max(1, parse_int(request.GET.get("min"), 2))
        rows = complaints_by_seller(request.user, min_count=min_count)[:500]
        return render(request, "prices/complaints_by_seller.html", {
            "rows": rows, "min_count": min_count, "complaint_list": reverse("enforcement:complaint_list")})


class ObservationImportView(LoginRequiredMixin, View):
    template_name = "prices/observation_import.html"

    def _context(self, request, **extra):
        return {"units": units_for(request.user), "columns": COLUMNS, **extra}

    def get(self, request):
        _require(request.user, PriceObservation, "add")
        if request.GET.get("template"):
            return file_response(template_xlsx(COLUMNS), "价格监测记录导入模板.xlsx", "xlsx")
        return render(request, self.template_name, self._context(request))

    def post(self, request):
        _require(request.user, PriceObservation, "add")
        chosen = request.POST.get("unit")
        unit = units_for(request.user).filter(pk=parse_int(chosen) if chosen else request.user.unit_id).first()
        upload = request.FILES.get("file")
        if unit is None or upload is None:
            messages.error(request, _("请选择单位和文件。"))
            return render(request, self.template_name, self._context(request), status=400)
        try:
            result = services.price_observation_import(name=upload.name, data=read_upload(upload), unit=unit,
                                                       actor=request.user)
        except (ImportFileError, ValidationError) as exc:
            messages.error(request, error_text(exc))
            return render(request, self.template_name, self._context(request), status=400)
        if result.errors:
            if request.POST.get("failed_rows"):
                return file_response(failed_rows_xlsx(result.headers, result.failed), "价格监测记录_失败行.xlsx",
                                     "xlsx")
            messages.error(request, _("有%(n)d行未通过校验，全部未导入。") % {"n": len(result.failed)})
            return render(request, self.template_name, self._context(request, errors=result.errors), status=400)
        messages.success(request, _("已导入%(n)d条价格监测记录，产生%(f)d条预警。")
                         % {"n": result.created, "f": result.flags})
        return HttpResponseRedirect(reverse("prices:priceobservation_list"))
