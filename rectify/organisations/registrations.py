from rectify.core.registry import ModelConfig, registry

from . import (
    labels,  # noqa: F401  (the app's events in words, for the history tab)
    workflows,  # noqa: F401  (registers the deliverables' workflow with core.workflow)
)
from .models import (
    Campaign,
    CaseCategory,
    CityDeliverable,
    Deliverable,
    Department,
    Phase,
    ProductCategory,
    Region,
    Unit,
)
from .selectors import deliverable_context, row_context
from .services import deliverable_create, deliverable_update

registry.register(ModelConfig(
    model=Region, menu="organisation", list_columns=["code", "name", "level", "parent"],
    filter_fields=["level", "parent"], search_fields=["code", "name"], select_related=["parent"],
))
registry.register(ModelConfig(
    model=Department, menu="organisation", list_columns=["code", "name", "short_name", "line", "order"],
    filter_fields=["line"], search_fields=["code", "name"],
))
registry.register(ModelConfig(
    model=Unit, menu="organisation",
    list_columns=["name", "code", "department", "region", "is_office", "is_active"],
    filter_fields=["department", "region", "is_office", "is_active"], search_fields=["code", "name"],
    select_related=["department", "region"],
))
registry.register(ModelConfig(
    model=Campaign, menu="organisation",
    list_columns=["name", "code", "start", "end", "final_summary_due", "is_active"],
    filter_fields=["is_active"], search_fields=["name", "code"], detail_panels=["organisations/campaign_panel.html"],
))
registry.register(ModelConfig(
    model=Phase, menu="", list_columns=["name", "campaign", "start", "end", "order"], filter_fields=["campaign"],
    search_fields=["name"], select_related=["campaign"],
))
registry.register(ModelConfig(
    model=ProductCategory, menu="organisation",
    list_columns=["name", "code", "campaign", "order", "is_raw_material", "is_medical"],
    filter_fields=["campaign", "is_raw_material"], search_fields=["name", "code"], select_related=["campaign"],
))
registry.register(ModelConfig(
    model=CaseCategory, menu="organisation", list_columns=["name", "code", "campaign", "order", "line"],
    filter_fields=["campaign"], search_fields=["name", "code"], select_related=["campaign"],
))
registry.register(ModelConfig(
    model=Deliverable, menu="organisation", list_columns=["name", "phase", "due", "kind", "order"],
    filter_fields=["phase", "kind"], search_fields=["name", "description"], select_related=["phase"],
    create=deliverable_create, update=deliverable_update,
    detail_panels=["organisations/deliverable_panel.html"], detail_context=deliverable_context,
))
# A city's rows are made with their deliverable and move only by the workflow's steps.
registry.register(ModelConfig(
    model=CityDeliverable, menu="organisation",
    list_columns=["deliverable", "region", "status", "due", "completed_on", "confirmed_on"],
    filter_fields=["deliverable", "region", "status", "due"],
    search_fields=["deliverable__name", "region__name", "evidence_note"],
    select_related=["deliverable", "region", "unit"], allow_add=False, allow_edit=False, allow_delete=False,
    detail_panels=["organisations/citydeliverable_panel.html"], detail_context=row_context,
))
