from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import model_allows
from rectify.core.generic.navigation import add_link
from rectify.core.registry import ModelConfig, registry

from . import (
    labels,  # noqa: F401  (the app's events in words, for the history tab)
    services,
    workflows,  # noqa: F401  (registers the workflows with core.workflow)
)
from .models import (
    CapacityAllocation,
    CapacityOffer,
    CapacityRequest,
    GuidanceDocument,
    Notice,
    PriceBaseline,
    PriceFlag,
    PriceObservation,
    PriceRule,
    ServiceRequest,
)

M = "service"

registry.register(ModelConfig(
    model=PriceObservation, menu=M,
    list_columns=["observed_on", "outlet_name", "product", "specification", "category", "price", "unit_of_sale",
                  "purchase_cost", "stock_quantity", "source", "region", "unit"],
    filter_fields=["category", "source", "region", "observed_on"],
    search_fields=["outlet_name", "product", "enterprise__name"],
    form_fields=["unit", "outlet_name", "enterprise", "product", "specification", "category", "unit_of_sale", "price",
                 "purchase_cost", "stock_quantity", "normal_daily_sales", "observed_on", "source", "notes"],
    create=services.price_observation_create, update=services.price_observation_update,
    select_related=["category", "region", "unit"],
    list_actions=[(_("导入价格监测记录"), "prices:observation_import"), (_("价格走势图"), "prices:chart")],
))
registry.register(ModelConfig(
    model=PriceBaseline, menu=M,
    list_columns=["category", "product", "specification", "area", "price", "unit_of_sale", "basis", "valid_from",
                  "unit"],
    filter_fields=["category", "area"], search_fields=["product", "basis"],
    form_fields=["unit", "category", "product", "specification", "area", "unit_of_sale", "price", "basis",
                 "valid_from"],
    create=services.config_create, update=services.config_update, delete=services.config_delete,
    select_related=["category", "area", "unit"],
))
registry.register(ModelConfig(
    model=PriceRule, menu=M, list_columns=["name", "kind", "threshold", "window_days", "weight", "active", "unit"],
    filter_fields=["kind", "active"], search_fields=["name"],
    form_fields=["unit", "name", "kind", "threshold", "window_days", "weight", "active"],
    create=services.config_create, update=services.config_update, delete=services.config_delete,
    select_related=["unit"],
))
registry.register(ModelConfig(
    model=PriceFlag, menu=M,
    list_columns=["id", "outlet_name", "rule", "measured", "threshold", "status", "region", "unit", "created_at"],
    filter_fields=["status", "rule", "region"], search_fields=["outlet_name", "explanation", "enterprise__name"],
    allow_add=False, allow_edit=False, allow_delete=False,
    detail_panels=["prices/flag_panel.html"], select_related=["rule", "region", "unit"],
    list_actions=[(_("同一经营者投诉举报汇总"), "prices:complaints_by_seller")],
))
registry.register(ModelConfig(
    model=ServiceRequest, menu=M,
    list_columns=["received_on", "enterprise", "kind", "title", "unit", "status", "answered_on"],
    filter_fields=["kind", "status", "region", "received_on"],
    search_fields=["title", "content", "enterprise__name", "tracking_code"],
    # The answer is the workflow's step 答复 (prices/workflows.py), not an edit.
    form_fields=["unit", "enterprise", "kind", "title", "content", "received_on"],
    create=services.service_request_create, update=services.service_request_update,
    select_related=["enterprise", "unit"],
))
registry.register(ModelConfig(
    model=CapacityOffer, menu=M,
    list_columns=["enterprise", "category", "quantity", "unit_of_measure", "available_from", "unit"],
    filter_fields=["category", "region"], search_fields=["enterprise__name", "notes"],
    form_fields=["unit", "enterprise", "category", "quantity", "unit_of_measure", "available_from", "notes"],
    select_related=["enterprise", "category", "unit"],
))
registry.register(ModelConfig(
    model=CapacityRequest, menu=M,
    list_columns=["requester", "category", "quantity", "unit_of_measure", "needed_by", "unit"],
    filter_fields=["category", "region"], search_fields=["requester", "notes"],
    form_fields=["unit", "requester", "category", "quantity", "unit_of_measure", "needed_by", "notes"],
    select_related=["category", "unit"],
))
registry.register(ModelConfig(
    model=CapacityAllocation, menu=M, list_columns=["allocated_on", "offer", "request", "quantity", "unit"],
    filter_fields=["region", "allocated_on"], search_fields=["request__requester", "offer__enterprise__name"],
    # Made by the capacity request's step 调配产能 (prices/workflows.py); corrected by deleting it.
    allow_add=False, allow_edit=False,
    select_related=["offer__enterprise", "offer__category", "request__category", "unit"],
))
registry.register(ModelConfig(
    model=GuidanceDocument, menu=M,
    list_columns=["title", "category", "standard_codes", "published", "published_on", "unit"],
    filter_fields=["category", "published"], search_fields=["title", "standard_codes", "body"],
    form_fields=["unit", "title", "category", "standard_codes", "body", "published", "published_on"],
    select_related=["category", "unit"],
))
registry.register(ModelConfig(
    model=Notice, menu=M, list_columns=["title", "kind", "published", "published_on", "unit"],
    filter_fields=["kind", "published", "region"], search_fields=["title", "body"],
    form_fields=["unit", "kind", "title", "body", "published", "published_on"], select_related=["unit"],
))

add_link(M, _("价格走势图"), "prices:chart", check=lambda user: model_allows(user, PriceObservation, "view"))
add_link(M, _("同一经营者投诉举报汇总"), "prices:complaints_by_seller",
         check=lambda user: model_allows(user, PriceObservation, "view"))
