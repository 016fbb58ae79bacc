"""The API's filter backend: django-filter's, with the pages' scope rules."""
from __future__ import annotations

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend

from rectify.core.builders import restrict_choice_filters


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
        if filterset_class is None or not set(request.query_params) & set(filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)
