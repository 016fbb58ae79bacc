from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import area_allows
from rectify.core.generic.navigation import add_link
from rectify.core.registry import Extension, ModelConfig, registry
from rectify.organisations.models import Campaign

from . import (
    deliverables,  # noqa: F401  (the records' figures beside the phases' deliverables)
    labels,  # noqa: F401  (the app's events in words, for the history tab)
    workflows,  # noqa: F401  (registers the report workflow with core.workflow)
)
from .campaign_views import campaign_setup_context, indicator_detail_context, layout_detail_context
from .forms import IndicatorForm, TableLayoutForm
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
    table=IndicatorTable, form=IndicatorForm,
    filter_fields=["campaign", "aggregate", "source"], search_fields=["code", "name", "source"],
    # after a save the page shows the indicator computed on current records, and why not if it cannot be
    detail_panels=["reports/preview_panel.html"], detail_context=indicator_detail_context,
    detail_actions=[(_("预览"), "reports:indicator_preview")],
))
registry.register(ModelConfig(
    model=TableLayout, menu="reports", list_columns=["label", "title", "code", "campaign", "order"],
    filter_fields=["campaign"], search_fields=["title", "code"], form=TableLayoutForm,
    detail_panels=["reports/layout_columns_panel.html", "reports/preview_panel.html"],
    detail_context=layout_detail_context, detail_actions=[(_("预览"), "reports:layout_preview")],
))
registry.register(ModelConfig(
    model=LayoutColumn, menu="", list_columns=["layout", "order", "group", "header", "indicator"],
    filter_fields=["layout"], search_fields=["header", "group"], select_related=["layout", "indicator"],
))


class CampaignSetup(Extension):
    """The campaign's page (an organisation model) shows the set-up of its tables — copy, start and
    stop, its layouts and indicators with their previews — which are this app's."""

    def detail_panels(self, config: ModelConfig) -> list[str]:
        return ["reports/campaign_setup_panel.html"] if config.model is Campaign else []

    def detail_context(self, request, obj, config: ModelConfig) -> dict:
        return campaign_setup_context(request, obj) if config.model is Campaign else {}


registry.extend(CampaignSetup())


def _records_viewer(user) -> bool:
    return area_allows(user, "records", "view")


def _receiver(user) -> bool:
    return _records_viewer(user) and getattr(user.unit, "is_provincial", False)


add_link("reports", _("统计表（实时）"), "reports:tables", _records_viewer)
add_link("reports", _("汇总表（报送口径）"), "reports:reported", _receiver)
add_link("reports", _("报送情况"), "reports:completeness", _records_viewer)
add_link("reports", _("数据看板"), "reports:dashboard", _records_viewer)
