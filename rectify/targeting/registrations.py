"""Targeting in the registry: pages, API, menu (area "targeting"); writes routed to services."""
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import model_allows
from rectify.core.generic.navigation import add_link
from rectify.core.registry import ModelConfig, registry

from . import (
    labels,  # noqa: F401  (the app's events in words, for the history tab)
    services,
    workflows,  # noqa: F401  (registers the workflows with core.workflow)
)
from .forms import ConflictForm, ConflictSerializer, DrawSerializer
from .models import (
    CertificateCheck,
    ConflictOfInterest,
    Draw,
    ExportFlag,
    ExportListEntry,
    ExportListRule,
    RiskScore,
    RiskWeight,
    SamplingPlan,
)
from .tables import RiskScoreFilterSet, RiskScoreTable

M = "targeting"

registry.register(ModelConfig(
    model=RiskScore, menu=M, table=RiskScoreTable, filterset=RiskScoreFilterSet, ordering=["-score", "enterprise_id"],
    list_columns=["enterprise", "category", "score", "computed_at"],
    search_fields=["enterprise__name", "enterprise__credit_code"],
    select_related=["enterprise__region", "category"], allow_add=False, allow_edit=False, allow_delete=False,
    detail_fields=["enterprise", "category", "score", "computed_at"], detail_panels=["targeting/risk_score_panel.html"],
))
registry.register(ModelConfig(
    model=RiskWeight, menu=M, list_columns=["factor", "weight", "max_count", "window_days", "is_active", "description"],
    filter_fields=["is_active"], search_fields=["description"],
))
registry.register(ModelConfig(
    model=SamplingPlan, menu=M,
    list_columns=["name", "unit", "category", "period_start", "period_end", "size", "threshold", "status"],
    filter_fields=["unit", "category", "status", "period_start"], search_fields=["name"],
    form_fields=["unit", "name", "category", "period_start", "period_end", "size", "threshold", "random_percent",
                 "seed"],
    select_related=["unit", "category"], create=services.sampling_plan_create, allow_edit=False,
    detail_fields=["name", "unit", "category", "period_start", "period_end", "size", "threshold", "random_percent",
                   "seed",
                   "status", "task"],
    detail_panels=["targeting/plan_panel.html"],  # accepted through the workflow's step (workflows.py)
))
registry.register(ModelConfig(
    model=Draw, menu=M,
    list_columns=["number", "name", "unit", "category", "period_start", "period_end", "target_count", "sequence",
                  "drawn_at"],
    filter_fields=["unit", "category", "period_start"], search_fields=["number", "name"],
    form_fields=["unit", "name", "period_start", "period_end", "category", "target_region", "target_count",
                 "flagged_percent",
                 "inspectors_per_target", "seed"],
    select_related=["unit", "category"], create=services.draw_create, serializer=DrawSerializer, allow_edit=False,
    allow_delete=False,
    detail_fields=["number", "sequence", "name", "unit", "period_start", "period_end", "category", "target_region",
                   "target_count", "flagged_percent", "inspectors_per_target", "seed", "drawn_at", "drawn_by"],
    detail_panels=["targeting/draw_panel.html"],
    detail_context=lambda request, obj: {"draw_verified": services.draw_verify(obj)},
))
registry.register(ModelConfig(
    model=ConflictOfInterest, menu=M, list_columns=["officer", "enterprise", "reason", "declared_on", "unit"],
    filter_fields=["unit", "declared_on"], search_fields=["enterprise__name", "reason", "officer__full_name"],
    form=ConflictForm, serializer=ConflictSerializer, select_related=["officer", "enterprise", "unit"],
))
registry.register(ModelConfig(
    model=CertificateCheck, menu=M,
    list_columns=["created_at", "number", "kind", "enterprise", "category", "flagged", "reason", "unit"],
    filter_fields=["flagged", "kind", "category", "unit", "on_date"],
    search_fields=["number", "enterprise__name", "reason"],
    form_fields=["unit", "number", "kind", "enterprise", "category", "on_date", "institution", "institution_name"],
    select_related=["enterprise", "category", "unit"], create=services.certificate_check_create,
    allow_edit=False, allow_delete=False, ordering=["-created_at", "-id"],
    detail_panels=["targeting/certificate_check_detail_panel.html"],  # to a lead: the workflow's step
))
registry.register(ModelConfig(
    model=ExportListRule, menu=M, list_columns=["category", "white_list_required", "notes"],
    filter_fields=["white_list_required"], search_fields=["notes"],
))
registry.register(ModelConfig(
    model=ExportListEntry, menu=M,
    list_columns=["list_kind", "name", "credit_code", "category", "product", "listed_from", "listed_to", "source"],
    filter_fields=["list_kind", "category", "listed_from"], search_fields=["name", "credit_code", "product", "source"],
    form_fields=["unit", "list_kind", "name", "credit_code", "enterprise", "category", "product", "listed_from",
                 "listed_to",
                 "source"],
    select_related=["category", "enterprise"],
    create=services.export_list_entry_create, update=services.export_list_entry_update,
    list_actions=[(_("导入名单"), "targeting:export_list_import")],
))
registry.register(ModelConfig(
    model=ExportFlag, menu=M,
    list_columns=["created_at", "export_check", "kind", "reason", "status", "unit", "region"],
    filter_fields=["kind", "status", "region", "unit"], search_fields=["reason", "export_check__declaration_number",
                                                                        "export_check__producer__name"],
    # Disposed of by the customs through the workflow's steps (workflows.py), not edited.
    select_related=["export_check__category", "unit", "region"], allow_add=False, allow_edit=False,
    allow_delete=False,
    ordering=["-created_at", "-id"],
))

add_link(M, _("证书核验存疑清单"), "targeting:check_flags",
         check=lambda user: model_allows(user, CertificateCheck, "view"))
add_link(M, _("双随机抽取结果公示（公开页）"), "targeting_public:draws")
