from rectify.core.registry import ModelConfig, registry

from . import labels  # noqa: F401  (the app's events in words, for the history tab)
from .models import Campaign, CaseCategory, Department, Phase, ProductCategory, Region, Unit

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
