from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import model_allows
from rectify.core.generic.navigation import add_link
from rectify.core.registry import ModelConfig, registry

from . import (
    labels,  # noqa: F401  (the app's events in words, for the history tab)
    services,
)
from .models import Enterprise, Letter, LetterBatch, ListEntry, Qualification

registry.register(ModelConfig(
    model=Enterprise, menu="registry",
    list_columns=["name", "credit_code", "entity_type", "region", "county", "legal_representative", "is_producer",
                  "is_exporter"],
    filter_fields=["region", "county", "entity_type", "categories", "is_producer", "is_exporter", "credit_status"],
    search_fields=["name", "credit_code", "legal_representative", "address"],
    form_fields=["name", "credit_code", "entity_type", "legal_representative", "region", "county", "address", "contact",
                 "phone", "categories", "is_producer", "is_exporter", "approved_on", "credit_status", "notes"],
    select_related=["region", "county", "merged_into"],
    detail_panels=["enterprises/enterprise_panels.html", "enforcement/enterprise_credit_panel.html",
                   "targeting/enterprise_risk_panel.html"],
    list_actions=[(_("Excel 导入"), "enterprises:import"), (_("疑似重复"), "enterprises:duplicates")],
    create=services.enterprise_create, update=services.enterprise_update,
))
registry.register(ModelConfig(
    model=Qualification, menu="registry",
    list_columns=["number", "kind", "enterprise", "issuer", "valid_from", "valid_to"],
    filter_fields=["kind", "valid_to"], search_fields=["number", "enterprise__name", "issuer"],
    select_related=["enterprise"], create=services.qualification_create, update=services.qualification_update,
))
registry.register(ModelConfig(
    model=ListEntry, menu="", list_columns=["enterprise", "kind", "listed_on", "source", "unit"],
    filter_fields=["kind", "listed_on"], search_fields=["enterprise__name", "source"],
    select_related=["enterprise", "unit"],
))
registry.register(ModelConfig(
    model=Letter, menu="registry", list_columns=["enterprise", "kind", "date", "number", "unit", "region"],
    filter_fields=["kind", "region", "date"], search_fields=["enterprise__name", "number"],
    form_fields=["unit", "enterprise", "kind", "date", "number", "returned_on", "document", "notes"],
    select_related=["enterprise", "unit", "region"],
))
registry.register(ModelConfig(
    model=LetterBatch, menu="registry", list_columns=["kind", "category", "date", "number_prefix", "issued", "unit"],
    filter_fields=["kind", "category", "date"], search_fields=["number_prefix", "unit__name"],
    form_fields=["unit", "kind", "category", "date", "number_prefix", "body", "template"],
    select_related=["unit", "category"], create=services.letter_batch_issue, allow_edit=False, allow_delete=False,
    detail_panels=["enterprises/letter_batch_panel.html"],
))

add_link("registry", _("Excel 导入"), "enterprises:import", check=lambda u: model_allows(u, Enterprise, "add"))
add_link("registry", _("发函覆盖情况"), "enterprises:letter_coverage", check=lambda u: model_allows(u, Letter, "view"))
add_link("registry", _("疑似重复企业"), "enterprises:duplicates", check=lambda u: model_allows(u, Enterprise, "manage"))
