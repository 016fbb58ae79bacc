from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import area_allows
from rectify.core.generic.navigation import add_link
from rectify.core.registry import ModelConfig, registry

from . import (
    deliverables,  # noqa: F401  (the records' figures beside the phases' deliverables)
    labels,  # noqa: F401  (the app's events in words, for the history tab)
    workflows,  # noqa: F401  (registers the report workflow with core.workflow)
)
from .models import Indicator, LayoutColumn, ReportVersion, TableLayout, WeeklyReport
from .serializers import ReportVersionSerializer
from .tables import IndicatorTable, WeeklyReportTable
from .views import report_context


def _report_context(request, obj):
    return report_context(request, obj)


registry.register(ModelConfig(
    model=WeeklyReport, menu="reports", table=WeeklyReportTable,
    list_columns=["unit", "kind", "cutoff", "deadline", "status", "submitted_at", "is_late"],
    filter_fields=["status", "kind", "region", "cutoff", "is_late"], search_fields=["unit__name"],
    allow_add=False, allow_edit=False, allow_delete=False, select_related=["unit", "region"],
    detail_template="reports/weeklyreport_detail.html", ordering=["-cutoff", "region__code"],
    detail_context=_report_context,
    list_actions=[(_("建立本单位报告"), "reports:report_open"), (_("报送情况"), "reports:completeness")],
))
registry.register(ModelConfig(
    model=ReportVersion, menu="", list_columns=["report", "number", "mode", "submitted_at", "filled_by"],
    filter_fields=["mode"], search_fields=["report__unit__name", "filled_by"],
    allow_add=False, allow_edit=False, allow_delete=False,
    select_related=["report__unit__region", "report__unit__department"], serializer=ReportVersionSerializer,
    detail_fields=["report", "number", "mode", "filled_by", "phone", "submitted_at", "submitted_by",
                   "correction_reason", "integrity_code"],
))
registry.register(ModelConfig(
    model=Indicator, menu="reports",
    list_columns=["code", "name", "source", "aggregate", "field", "date_field", "campaign"],
    table=IndicatorTable,
    filter_fields=["campaign", "aggregate", "source"], search_fields=["code", "name", "source"],
))
registry.register(ModelConfig(
    model=TableLayout, menu="reports", list_columns=["label", "title", "code", "campaign", "order"],
    filter_fields=["campaign"], search_fields=["title", "code"], detail_panels=["reports/layout_columns_panel.html"],
))
registry.register(ModelConfig(
    model=LayoutColumn, menu="", list_columns=["layout", "order", "group", "header", "indicator"],
    filter_fields=["layout"], search_fields=["header", "group"], select_related=["layout", "indicator"],
))


def _records_viewer(user) -> bool:
    return area_allows(user, "records", "view")


def _receiver(user) -> bool:
    return _records_viewer(user) and getattr(user.unit, "is_provincial", False)


add_link("reports", _("统计表（实时）"), "reports:tables", _records_viewer)
add_link("reports", _("汇总表（报送口径）"), "reports:reported", _receiver)
add_link("reports", _("报送情况"), "reports:completeness", _records_viewer)
add_link("reports", _("数据看板"), "reports:dashboard", _records_viewer)
