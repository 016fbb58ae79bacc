"""Field work in the registry: pages, API, menu (area "fieldwork"), writes routed to services."""
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import model_allows
from rectify.core.generic.navigation import add_link
from rectify.core.registry import Extension, ModelConfig, registry
from rectify.enforcement.models import Case
from rectify.enterprises.models import Enterprise

from . import (
    labels,  # noqa: F401  (the app's events in words, for the history tab)
    services,
    workflows,  # noqa: F401  (registers the workflows with core.workflow)
)
from .filtersets import InspectionFilterSet
from .forms import INSPECTION_FIELDS, LEDGER_FIELDS, SAMPLE_FIELDS, InspectionForm, LedgerEntryForm, SampleForm
from .models import (
    Bulletin,
    CollectiveInterview,
    CovertVisit,
    Disposal,
    ExportCheck,
    FastTest,
    IndustryAssociation,
    Inspection,
    LedgerEntry,
    Measure,
    MeetingTask,
    MemberCommitment,
    PublicityReport,
    Recall,
    Sample,
    SamplingTask,
    SchedulingMeeting,
    SelfDisciplineConvention,
    TestingInstitution,
)
from .selectors import association_context, bulletin_context, case_fast_tests, meeting_context
from .serializers import InspectionSerializer, LedgerEntrySerializer, SampleSerializer

SCOPE_FILTERS = ["unit", "region"]

registry.register(ModelConfig(
    model=Inspection, menu="fieldwork",
    list_columns=["date", "enterprise", "unit", "region", "staff_dispatched"], total_columns=["staff_dispatched"],
    filter_fields=[*SCOPE_FILTERS, "date"],
    search_fields=["enterprise__name", "enterprise__credit_code", "notes"],
    form_fields=INSPECTION_FIELDS, form=InspectionForm, filterset=InspectionFilterSet, serializer=InspectionSerializer,
    select_related=["enterprise", "unit", "region"], prefetch_related=["inspectors", "outcomes"],
    create=services.inspection_create, update=services.inspection_update,
    detail_panels=["fieldwork/_inspection_panel.html", "targeting/certificate_check_panel.html"],
))
registry.register(ModelConfig(
    model=Measure, menu="", list_columns=["date", "inspection", "kind", "deadline", "case_number"],
    filter_fields=["kind", "date"], search_fields=["inspection__enterprise__name", "case_number", "notes"],
    form_fields=["inspection", "kind", "date", "deadline", "case_number", "notes"],
    select_related=["inspection__enterprise"], create=services.measure_create,
))
registry.register(ModelConfig(
    model=SamplingTask, menu="fieldwork",
    list_columns=["name", "unit", "category", "period_start", "period_end", "planned_batches"],
    total_columns=["planned_batches"],
    filter_fields=[*SCOPE_FILTERS, "category", "period_start"], search_fields=["name", "notes"],
    select_related=["unit", "category"],
))
registry.register(ModelConfig(
    model=Sample, menu="fieldwork",
    list_columns=["sampled_on", "product_name", "batch_number", "enterprise", "category", "stage", "final_result",
                  "unit"],
    filter_fields=[*SCOPE_FILTERS, "category", "stage", "result", "final_result", "sampled_on", "testing_institution"],
    search_fields=["product_name", "batch_number", "enterprise__name", "report_number"],
    form_fields=SAMPLE_FIELDS, form=SampleForm, serializer=SampleSerializer,
    select_related=["enterprise", "category", "unit", "testing_institution"],
    create=services.sample_create, update=services.sample_update,
    detail_panels=["fieldwork/_sample_panel.html", "targeting/certificate_check_panel.html"],
))
registry.register(ModelConfig(
    model=Disposal, menu="fieldwork",
    list_columns=["sample", "enterprise", "category", "recall_ordered_on", "quantity_to_recall", "quantity_returned",
                  "case_number", "exposed_on"],
    total_columns=["quantity_to_recall", "quantity_returned"],
    filter_fields=[*SCOPE_FILTERS, "category", "recall_ordered_on", "exposed_on"],
    search_fields=["batch_number", "enterprise__name", "case_number"],
    form_fields=["cause_analysis_on", "cause_analysis", "recall_ordered_on", "quantity_to_recall", "quantity_returned",
                 "recall_completed_on", "flow_traced_on", "flow_trace_notes", "case_number", "case_opened_on",
                 "exposed_on",
                 "exposure_notes"],
    select_related=["sample", "enterprise", "category"], allow_add=False, update=services.disposal_update,
    detail_panels=["fieldwork/_disposal_panel.html"],
))
registry.register(ModelConfig(
    model=ExportCheck, menu="fieldwork",
    list_columns=["checked_on", "declaration_number", "category", "exporter", "producer", "batches_checked",
                  "batches_nonconforming", "destination_country", "action_taken"],
    total_columns=["batches_checked", "batches_nonconforming"],
    filter_fields=[*SCOPE_FILTERS, "category", "checked_on", "action_taken", "destination_country"],
    search_fields=["declaration_number", "exporter__name", "producer__name", "product_name", "certification_body_text"],
    form_fields=["unit", "declaration_number", "checked_on", "exporter", "producer", "category", "product_name",
                 "batches_checked", "batches_nonconforming", "destination_country", "certification_body",
                 "certification_body_text", "action_taken", "notes"],
    select_related=["exporter", "producer", "category", "unit"],
    create=services.export_check_create, update=services.export_check_update,
    detail_panels=["targeting/certificate_check_panel.html", "targeting/export_flag_panel.html"],
))
registry.register(ModelConfig(
    model=Recall, menu="fieldwork",
    list_columns=["recalled_on", "enterprise", "product_name", "batch_number", "category", "quantity", "unit"],
    total_columns=["quantity"],
    filter_fields=[*SCOPE_FILTERS, "category", "recalled_on"],
    search_fields=["enterprise__name", "product_name", "batch_number"],
    select_related=["enterprise", "category", "unit"],
))
registry.register(ModelConfig(
    model=LedgerEntry, menu="fieldwork",
    list_columns=["traded_on", "seller", "buyer", "buyer_name", "product_name", "batch_number", "quantity"],
    total_columns=["quantity"],
    filter_fields=[*SCOPE_FILTERS, "category", "traded_on"],
    search_fields=["batch_number", "seller__name", "buyer__name", "buyer_name", "product_name"],
    form_fields=LEDGER_FIELDS, form=LedgerEntryForm, serializer=LedgerEntrySerializer,
    create=services.ledger_entry_create, update=services.ledger_entry_update,
    select_related=["seller", "buyer"], ordering=["-traded_on", "-id"],
    list_actions=[(_("导入台账"), "fieldwork:ledger_import"), (_("批次流向追溯"), "fieldwork:trace")],
))
registry.register(ModelConfig(
    model=TestingInstitution, menu="fieldwork",
    list_columns=["name", "is_testing_lab", "is_certification_body", "jurisdiction", "accreditation_number", "status",
                  "valid_to"],
    filter_fields=["is_testing_lab", "is_certification_body", "jurisdiction", "status", "valid_to"],
    search_fields=["name", "accreditation_number", "scope_text"],
    create=services.institution_create, update=services.institution_update,
))
registry.register(ModelConfig(
    model=CovertVisit, menu="fieldwork",
    list_columns=["start_date", "visited_city", "end_date", "response_due", "responded_on", "verified_on"],
    filter_fields=["visited_city", "start_date", "responded_on", "verified_on"],
    search_fields=["findings", "requirements", "team"],
    select_related=["visited_city", "unit"], create=services.covert_visit_create, update=services.covert_visit_update,
    detail_panels=["fieldwork/_covertvisit_panel.html"],
))
registry.register(ModelConfig(
    model=CollectiveInterview, menu="fieldwork",
    list_columns=["date", "topic", "unit", "region", "commitments_signed"], total_columns=["commitments_signed"],
    filter_fields=[*SCOPE_FILTERS, "date"], search_fields=["topic", "follow_up", "notes"],
    form_fields=["unit", "date", "topic", "invited", "attended", "commitments_signed", "follow_up", "notes"],
    select_related=["unit", "region"],
    # the attendance rules read the many-to-many fields, which the generic writes set after full_clean
    create=services.interview_create, update=services.interview_update,
))
registry.register(ModelConfig(
    model=SchedulingMeeting, menu="fieldwork",
    list_columns=["date", "title", "unit", "region"],
    filter_fields=[*SCOPE_FILTERS, "date"], search_fields=["title", "minutes", "notes"],
    form_fields=["unit", "date", "title", "attendees", "minutes", "notes"],
    select_related=["unit", "region"], update=services.meeting_update,
    detail_panels=["fieldwork/_meeting_panel.html"], detail_context=meeting_context,
))
registry.register(ModelConfig(
    model=MeetingTask, menu="fieldwork",
    list_columns=["description", "meeting", "assignee", "deadline", "done_on"],
    filter_fields=["assignee", "deadline", "done_on"], search_fields=["description", "report", "meeting__title"],
    form_fields=["meeting", "description", "assignee", "deadline"],
    select_related=["meeting", "assignee"],
    create=services.meeting_task_create, update=services.meeting_task_update,
))
registry.register(ModelConfig(
    model=Bulletin, menu="fieldwork",
    list_columns=["issued_on", "kind", "title", "unit", "region"],
    filter_fields=[*SCOPE_FILTERS, "kind", "issued_on"], search_fields=["title", "content"],
    form_fields=["unit", "kind", "issued_on", "title", "content", "to_departments", "to_regions"],
    select_related=["unit", "region"], create=services.bulletin_create,
    # a sent bulletin is not rewritten (its recipients have read it): a correction is a new bulletin
    allow_edit=False,
    detail_panels=["fieldwork/_bulletin_panel.html"], detail_context=bulletin_context,
))
registry.register(ModelConfig(
    model=FastTest, menu="fieldwork",
    list_columns=["requested_on", "case", "institution", "samples", "deadline", "result", "result_on"],
    filter_fields=["institution", "result", "requested_on", "deadline"],
    search_fields=["samples", "items", "case__number", "case__title", "report_number"],
    form_fields=["case", "institution", "requested_on", "samples", "items", "deadline"],
    select_related=["case", "institution"], create=services.fast_test_create, update=services.fast_test_update,
))
registry.register(ModelConfig(
    model=IndustryAssociation, menu="fieldwork",
    list_columns=["name", "unit", "region", "contact"],
    filter_fields=SCOPE_FILTERS, search_fields=["name", "credit_code", "notes"],
    form_fields=["unit", "name", "credit_code", "contact", "members", "notes"],
    select_related=["unit", "region"], update=services.association_update,
    detail_panels=["fieldwork/_association_panel.html"], detail_context=association_context,
))
registry.register(ModelConfig(
    model=SelfDisciplineConvention, menu="fieldwork",
    list_columns=["adopted_on", "title", "association"],
    filter_fields=["association", "adopted_on"], search_fields=["title", "content", "association__name"],
    form_fields=["association", "title", "adopted_on", "content"], select_related=["association"],
))
registry.register(ModelConfig(
    model=MemberCommitment, menu="fieldwork",
    list_columns=["signed_on", "enterprise", "convention"],
    filter_fields=["convention", "signed_on"], search_fields=["enterprise__name", "convention__title", "content"],
    form_fields=["convention", "enterprise", "signed_on", "content"], select_related=["enterprise", "convention"],
    create=services.commitment_create, update=services.commitment_update,
))
registry.register(ModelConfig(
    model=PublicityReport, menu="fieldwork",
    list_columns=["published_on", "channel", "outlet", "title", "unit", "region"],
    filter_fields=[*SCOPE_FILTERS, "channel", "published_on"], search_fields=["title", "outlet", "notes"],
    form_fields=["unit", "published_on", "channel", "outlet", "title", "link", "scan", "notes"],
    select_related=["unit", "region"],
))


class CaseFastTests(Extension):
    """The case's page shows its fast-track tests and offers its handling side a new one: the case is
    enforcement's, which may not import field work, so field work adds the panel."""

    def detail_panels(self, config: ModelConfig) -> list[str]:
        return ["fieldwork/_case_fast_tests.html"] if config.model is Case else []

    def detail_context(self, request, obj, config: ModelConfig) -> dict:
        return case_fast_tests(request.user, obj) if config.model is Case else {}


registry.extend(CaseFastTests())

add_link("fieldwork", _("批次流向追溯"), "fieldwork:trace", check=lambda user: model_allows(user, LedgerEntry, "view"))
# beside the registry's own pages, where people look for the list's coverage
add_link("registry", _("排查覆盖情况"), "fieldwork:coverage", check=lambda user: model_allows(user, Enterprise, "view"))

# An enterprise's page lists its field work (NetBox's related tables).
for _model in (Inspection, Sample, Recall):
    registry.relate(Enterprise, _model, "enterprise")
