"""The API's filter backend: django-filter's, with the pages' scope rules; and the query parameters an
API list reads, any other being refused."""
from __future__ import annotations

import functools

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.widgets import SuffixedMultiWidget
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings

from rectify.core.generic.builders import restrict_choice_filters
from rectify.core.generic.campaigns import campaign_field, in_campaign


class ScopedFilterBackend(DjangoFilterBackend):
    """Choice filters (regions, units, enterprises...) accept only what the user may see, as on the
    list pages — an id out of scope is refused as unknown rather than telling that it exists. A
    request naming none of the filters is not filtered, and no filter form is built for it: its
    fields and choices would be built for nothing."""

    def get_filterset(self, request, queryset: QuerySet, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            restrict_choice_filters(filterset, request.user)
        return filterset

    def filter_queryset(self, request, queryset: QuerySet, view) -> QuerySet:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not set(request.query_params) & filter_parameters(filterset_class):
            return queryset
        return super().filter_queryset(request, queryset, view)


@functools.cache
def filter_parameters(filterset_class: type[django_filters.FilterSet]) -> frozenset[str]:
    """The query parameters the filters of `filterset_class` read: a filter's name, or the names its
    widget reads (`price_min` and `price_max` for a range `price`)."""
    # Read from an instance's form: building the fields of the class's own filters would keep them on
    # the class, with unscoped choices, for every later request.
    form = filterset_class().form
    return frozenset(name for key, field in form.fields.items() for name in _widget_names(key, field.widget))


@functools.cache
def accepted_parameters(view_class: type) -> frozenset[str]:
    """Every query parameter a list of the API view `view_class` reads: its filters' and, listed here
    only, those that are not filters — the page and its size (the paginator's), the sort
    (`ordering`), a search backend's term and the response format (`format`, DRF's
    URL_FORMAT_OVERRIDE)."""
    names = {api_settings.URL_FORMAT_OVERRIDE}
    paginator = view_class.pagination_class() if view_class.pagination_class else None
    for attribute in ("page_query_param", "page_size_query_param", "limit_query_param", "offset_query_param",
                      "cursor_query_param"):
        names.add(getattr(paginator, attribute, None))
    for backend_class in view_class.filter_backends:
        backend = backend_class()
        names.update({getattr(backend, "ordering_param", None), getattr(backend, "search_param", None)})
        if isinstance(backend, CampaignFilterBackend):
            names |= backend.parameters(view_class)
        filterset_class = (backend.get_filterset_class(view_class, view_class.queryset)
                           if isinstance(backend, DjangoFilterBackend) else None)
        if filterset_class is not None:
            names |= filter_parameters(filterset_class)
    return frozenset(names - {None})


def _widget_names(name: str, widget: forms.Widget) -> list[str]:
    if isinstance(widget, SuffixedMultiWidget):
        return [widget.suffixed(name, suffix) for suffix in widget.suffixes]
    if isinstance(widget, forms.MultiWidget):
        return [name + suffix for suffix in widget.widgets_names]
    return [name]


def refuse_unknown_parameters(view) -> None:
    """Answer 400 naming each query parameter the list `view` does not read, as the list does for a
    filter value it cannot use: ignored, a mistyped or unsupported filter (`?objectid=145`) would
    answer the whole list as though it were the match."""
    accepted = accepted_parameters(type(view))
    unknown = sorted(set(view.request.query_params) - accepted)
    if unknown:
        listed = "、".join(sorted(accepted))
        raise ValidationError({name: [_("不支持的查询参数“%(name)s”。此列表可用的参数：%(accepted)s。")
                                      % {"name": name, "accepted": listed}] for name in unknown})


class CampaignFilterBackend:
    """An API list holds the rows of the user's current campaign (the one chosen in the top bar),
    or of the campaign `?campaign=<id>` names; a single row is found whatever its campaign."""

    param = "campaign"

    def filter_queryset(self, request, queryset: QuerySet, view) -> QuerySet:
        if getattr(view, "action", None) != "list":
            return queryset
        try:
            return in_campaign(queryset, request.query_params.get(self.param))
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc

    @classmethod
    def parameters(cls, view_class: type) -> set[str]:
        model = getattr(getattr(view_class, "config", None), "model", None)
        return {cls.param} if model is not None and campaign_field(model) is not None else set()

    def get_schema_operation_parameters(self, view) -> list[dict]:
        if not self.parameters(type(view)):
            return []
        return [{"name": self.param, "required": False, "in": "query",
                 "description": _("专项行动编号；不填为用户当前所在的专项行动。"), "schema": {"type": "integer"}}]
