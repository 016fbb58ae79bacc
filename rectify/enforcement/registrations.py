from django.utils.translation import gettext_lazy as _

from rectify.core.generic.navigation import add_link
from rectify.core.registry import ModelConfig, registry
from rectify.enterprises.models import Enterprise

from . import (
    labels,  # noqa: F401  (the app's events in words, for the history tab)
    services,
    workflows,  # noqa: F401  (registers the workflows with core.workflow)
)
from .filtersets import ComplaintFilterSet, ProblemFilterSet
from .forms import ComplaintForm
from .models import (
    Case,
    Complaint,
    CreditRecord,
    Exposure,
    JointPunishment,
    JointPunishmentAction,
    Lead,
    Problem,
    Supervision,
    Transfer,
    TransferThreshold,
    ViolationType,
)
from .related import workflow_context
from .serializers import ComplaintSerializer
from .services.personal import can_see_personal_data

M = "enforcement"
# The records this one produced or hangs off; the workflow panel itself is core.workflow's.
WF = "enforcement/_related_panel.html"

registry.register(ModelConfig(
    model=Complaint, menu=M, sensitive=True,
    # The attachment is the reporter's own material: the personal-data rule (the handling unit only).
    file_access=lambda user, obj, field: can_see_personal_data(user, obj),
    list_columns=["number", "kind", "channel", "received_on", "subject_name", "unit", "status", "accept_due",
                  "verify_due"],
    filterset=ComplaintFilterSet, form=ComplaintForm, serializer=ComplaintSerializer,
    search_fields=["number", "subject_name", "subject_credit_code", "content"],
    detail_panels=["enforcement/complaint_reporter_panel.html", WF], detail_context=workflow_context,
    create=services.complaint_create, update=services.complaint_update,
    select_related=["unit", "enterprise", "product_category"],
))
registry.register(ModelConfig(
    model=Lead, menu=M,
    list_columns=["id", "description", "enterprise", "unit", "source", "pending_unit", "status", "created_at"],
    filter_fields=["source", "status", "region"], search_fields=["description", "enterprise__name"],
    form_fields=["unit", "source", "description", "enterprise", "product_category"],
    detail_panels=["enforcement/transfers_panel.html", WF], detail_context=workflow_context,
    select_related=["unit", "enterprise", "pending_unit"],
))
registry.register(ModelConfig(
    model=Transfer, menu=M,
    list_columns=["id", "lead", "case", "unit", "to_unit", "sent_at", "status", "police_decision"],
    filter_fields=["status", "to_police", "police_decision"],
    search_fields=["reason", "lead__description", "case__number"],
    allow_add=False, allow_delete=False, form_fields=["reason"], select_related=["unit", "to_unit", "lead", "case"],
    detail_panels=[WF], detail_context=workflow_context,
))
registry.register(ModelConfig(
    model=Case, menu=M,
    list_columns=["number", "title", "enterprise", "case_category", "product_category", "unit", "status", "filed_on",
                  "decided_on", "fine", "confiscation", "transferred_to_police"],
    total_columns=["fine", "confiscation"],
    filter_fields=["case_category", "product_category", "status", "source", "police_kind", "region", "violation_types",
                   "transferred_to_police", "filed_on", "decided_on"],
    search_fields=["number", "title", "enterprise__name", "decision_number"],
    form_fields=["unit", "number", "title", "enterprise", "product_category", "case_category", "police_kind",
                 "violation_types", "source", "source_lead", "source_complaint", "goods_value", "units_investigated",
                 "staff_dispatched", "facts"],
    detail_panels=["enforcement/transfers_panel.html", WF], detail_context=workflow_context,
    select_related=["unit", "enterprise", "case_category", "product_category"], prefetch_related=["violation_types"],
))
registry.register(ModelConfig(
    model=Supervision, menu=M, list_columns=["case", "listed_by", "listed_on", "deadline", "status"],
    filter_fields=["status", "deadline"], search_fields=["case__number", "case__title", "requirement"],
    form_fields=["case", "listed_on", "deadline", "requirement"], create=services.supervision_create,
    select_related=["case", "listed_by"], detail_panels=[WF], detail_context=workflow_context,
))
registry.register(ModelConfig(
    model=CreditRecord, menu=M,
    list_columns=["enterprise", "kind", "recorded_on", "decision_number", "amount", "ends_on", "unit"],
    total_columns=["amount"],
    filter_fields=["kind", "region", "recorded_on"], search_fields=["enterprise__name", "decision_number", "summary"],
    form_fields=["unit", "enterprise", "case", "kind", "recorded_on", "decision_number", "amount", "summary",
                 "restrictions", "ends_on", "is_public"],
    select_related=["enterprise", "unit"],
    create=services.credit_record_create, update=services.credit_record_update,
))
registry.register(ModelConfig(
    model=JointPunishment, menu=M, list_columns=["enterprise", "decided_on", "unit", "status", "case"],
    filter_fields=["status", "region", "decided_on"], search_fields=["enterprise__name", "basis"],
    form_fields=["unit", "enterprise", "case", "decided_on", "basis"], select_related=["enterprise", "unit", "case"],
    # A decision only the office takes, through joint_punishment_decide; never a generic form.
    allow_add=False, allow_edit=False,
    detail_panels=[WF], detail_context=workflow_context,
))
registry.register(ModelConfig(
    model=JointPunishmentAction, menu="", list_columns=["punishment", "unit", "measure", "done_on"],
    filter_fields=["measure"], search_fields=["action", "punishment__enterprise__name"],
    form_fields=["punishment", "unit", "measure", "action", "done_on"],
    select_related=["punishment__enterprise", "unit"],
    # By the column, not "punishment": that would sort by the punishment's own ordering, which the
    # (punishment, id) index does not give.
    ordering=["punishment_id", "id"],
    detail_panels=[WF], detail_context=workflow_context,
))
registry.register(ModelConfig(
    model=Exposure, menu=M, list_columns=["title", "case", "unit", "status", "reviewed_on", "published_on"],
    filter_fields=["status", "published_on"], search_fields=["title", "public_text"],
    form_fields=["unit", "case", "title", "public_text"], select_related=["unit", "case"],
    detail_panels=[WF], detail_context=workflow_context,
))
registry.register(ModelConfig(
    model=Problem, menu=M,
    list_columns=["id", "description", "enterprise", "unit", "source", "deadline", "status", "closed_on"],
    filterset=ProblemFilterSet, search_fields=["description", "requirement", "enterprise__name"],
    form_fields=["unit", "source", "enterprise", "description", "requirement", "deadline", "rectification", "evidence"],
    create=services.problem_create, select_related=["unit", "enterprise"],
    detail_panels=[WF], detail_context=workflow_context,
))
registry.register(ModelConfig(
    model=ViolationType, menu="organisation", list_columns=["name", "code", "order"], search_fields=["name", "code"],
))
registry.register(ModelConfig(
    model=TransferThreshold, menu="organisation", list_columns=["name", "penalty_amount", "goods_value", "is_active"],
    filter_fields=["is_active"], search_fields=["name", "basis"], prefetch_related=["violation_types"],
))

add_link(M, _("超期投诉举报"), "enforcement:complaints_overdue")
add_link(M, _("应移送公安案件"), "enforcement:criminal_check")
add_link(M, _("逾期问题清单"), "enforcement:problems_overdue")

# An enterprise's page lists its cases and the complaints about it (NetBox's related tables).
for _model in (Case, Complaint):
    registry.relate(Enterprise, _model, "enterprise")
