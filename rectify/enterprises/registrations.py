from rectify.core.registry import ModelConfig, registry

from .models import Enterprise, ListEntry, Qualification

registry.register(ModelConfig(
    model=Enterprise, menu="registry",
    list_columns=["name", "credit_code", "entity_type", "region", "county", "legal_representative", "is_producer", "is_exporter"],
    filter_fields=["region", "county", "entity_type", "categories", "is_producer", "is_exporter", "credit_status"],
    search_fields=["name", "credit_code", "legal_representative", "address"],
    form_fields=["name", "credit_code", "entity_type", "legal_representative", "region", "county", "address", "contact",
                 "phone", "categories", "is_producer", "is_exporter", "approved_on", "credit_status", "notes"],
    select_related=["region", "county"],
))
registry.register(ModelConfig(
    model=Qualification, menu="registry", list_columns=["number", "kind", "enterprise", "issuer", "valid_from", "valid_to"],
    filter_fields=["kind", "valid_to"], search_fields=["number", "enterprise__name", "issuer"],
    select_related=["enterprise"],
))
registry.register(ModelConfig(
    model=ListEntry, menu="", list_columns=["enterprise", "kind", "listed_on", "source", "unit"],
    filter_fields=["kind", "listed_on"], search_fields=["enterprise__name", "source"], select_related=["enterprise", "unit"],
))
