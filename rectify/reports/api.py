"""The tables through the API: for a region and a cut-off, *live* (computed from the records the
caller may list) or *as reported* (the sum of the versions a provincial receiver was sent), every
cell with its value and, for a live cell that counts records, the address of its drill-down."""
from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rectify.core.access.scope import area_allows
from rectify.core.generic.api.campaign import InUsersCampaign
from rectify.organisations.models import Campaign, Line, Region

from . import services
from .engine import ComputedTable
from .selectors import allowed_scope, default_cutoff, scope_label, snapshot_specs

BASES = ("live", "reported")


def _cutoff(value: str | None, campaign: Campaign) -> datetime.date:
    if not value:
        return default_cutoff(campaign)
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({"cutoff": [_("日期格式应为 YYYY-MM-DD。")]}) from None
    if not campaign.start <= day <= campaign.end:
        raise ValidationError({"cutoff": [_("数据截至日期应在专项行动期间（%(start)s 至 %(end)s）。") % {
            "start": f"{campaign.start:%Y-%m-%d}", "end": f"{campaign.end:%Y-%m-%d}"}]})
    return day


def _column(column) -> dict[str, Any]:
    return {"indicator": column.indicator.code, "group": column.group, "header": column.header}


def _live_tables(request: Request, tables: dict[str, ComputedTable], cutoff: datetime.date,
                 params: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for table in tables.values():
        rows = []
        for category, cells in table.rows:
            out_cells = []
            for cell in cells:
                drill = None
                if cell.drillable:
                    query = urlencode({**params, "category": category.pk, "cutoff": cutoff.isoformat()})
                    drill = request.build_absolute_uri(
                        f"{reverse('reports:drill', args=[cell.indicator.pk])}?{query}")
                out_cells.append({"indicator": cell.indicator.code, "value": _json(cell.value),
                                  "problem": cell.problem, "drill": drill})
            rows.append({"category": category.code, "category_name": category.name, "cells": out_cells})
        out.append({"code": table.layout.code, "label": table.layout.label, "title": table.layout.title,
                    "columns": [_column(c) for c in table.columns], "rows": rows})
    return out


def _reported_tables(campaign: Campaign, tables: dict[str, dict]) -> list[dict[str, Any]]:
    names = dict(campaign.categories.values_list("code", "name"))
    out = []
    for spec in snapshot_specs(campaign, tables):
        snapshot = tables[spec["code"]]
        rows = [{"category": row["category"], "category_name": names.get(row["category"], row["category"]),
                 "cells": [{"indicator": code, "value": value, "problem": None, "drill": None}
                           for code, value in zip(snapshot["columns"], row["values"], strict=True)]}
                for row in snapshot["rows"]]
        out.append({"code": spec["code"], "label": spec["label"], "title": spec["title"],
                    "columns": [{"indicator": code, "group": c["group"], "header": c["header"]}
                                for code, c in zip(snapshot["columns"], spec["columns"], strict=True)],
                    "rows": rows})
    return out


def _json(value: Any) -> Any:
    return str(value) if not isinstance(value, (int, str)) and value is not None else value


class TablesQuery(serializers.Serializer):
    cutoff = serializers.CharField(required=False, help_text="数据截至日期 YYYY-MM-DD（默认今天或行动结束日）")
    basis = serializers.ChoiceField(choices=BASES, required=False, default="live",
                                    help_text="live：由记录实时计算；reported：按已报送的报告汇总（省级接收单位）")
    region = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                      help_text="地区编号（实时口径）")
    line = serializers.ChoiceField(choices=Line.choices, required=False, help_text="业务条线（实时口径）")


class TablesView(InUsersCampaign, APIView):
    """GET /api/reports/tables/: the campaign's tables for a scope and a cut-off."""

    @extend_schema(
        parameters=[OpenApiParameter("cutoff", OpenApiTypes.DATE), OpenApiParameter("basis", str, enum=list(BASES)),
                    OpenApiParameter("region", int), OpenApiParameter("line", str, enum=list(Line.values))],
        responses={200: OpenApiTypes.OBJECT}, operation_id="reports_tables",
        description="附件表格的每个单元格：数值，以及（实时口径下）其明细地址。",
    )
    def get(self, request: Request) -> Response:
        if not area_allows(request.user, "records", "view") or request.user.unit is None:
            raise PermissionDenied(_("您的角色不能查看统计表。"))
        query = TablesQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        campaign = Campaign.current()
        if campaign is None:
            raise ValidationError({"campaign": [_("当前没有进行中的专项行动。")]})
        cutoff = _cutoff(query.validated_data.get("cutoff"), campaign)
        if query.validated_data["basis"] == "reported":
            return Response(self._reported(request, campaign, cutoff))
        region = query.validated_data.get("region")
        if region and not Region.objects.filter(pk=region, level=Region.Level.CITY).exists():
            raise ValidationError({"region": [_("没有编号为 %(id)s 的市。") % {"id": region}]})
        scope = allowed_scope(request.user, str(region) if region else None, query.validated_data.get("line"))
        tables = services.compute_tables(campaign, scope, cutoff)
        return Response({"basis": "live", "scope": scope_label(scope), "cutoff": cutoff.isoformat(),
                         "tables": _live_tables(request, tables, cutoff, scope.as_params())})

    def _reported(self, request: Request, campaign: Campaign, cutoff: datetime.date) -> dict[str, Any]:
        unit = request.user.unit
        if not unit.is_provincial:
            raise PermissionDenied(_("报送口径汇总仅供接收报告的省级单位查看。"))
        if request.query_params.get("region") or request.query_params.get("line"):
            raise ValidationError({"basis": [_("报送口径按接收的报告汇总，不能再按地区或条线筛选。")]})
        cutoff = services.week_of(campaign, cutoff)[1]
        summed = services.as_reported(campaign, cutoff, unit, with_own=unit.is_provincial_office)
        units = [{"unit": u.unit.name, "unit_code": u.unit.code, "state": u.state, "state_label": u.state_label,
                  "report": request.build_absolute_uri(u.report.get_absolute_url()) if u.report else None,
                  "version": u.version.number if u.counted else None,
                  "submitted_at": u.version.submitted_at.isoformat() if u.counted else None,
                  "late": bool(u.report and u.report.is_late)} for u in summed.units]
        return {"basis": "reported", "receiver": unit.name, "cutoff": cutoff.isoformat(),
                "own_records_added": summed.own is not None, "units": units,
                "tables": _reported_tables(campaign, summed.tables)}


