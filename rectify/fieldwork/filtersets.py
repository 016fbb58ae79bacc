"""The inspection list filters by the categories and outcomes of its outcome rows."""
from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from rectify.core.generic.builders import SearchFilterSet, day_input
from rectify.organisations.models import ProductCategory

from .models import Inspection, InspectionOutcome


class InspectionFilterSet(SearchFilterSet):
    search_fields = ("enterprise__name", "enterprise__credit_code", "notes")
    date__gte = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("排查日期≥"),
                                          widget=day_input())
    date__lte = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("排查日期≤"),
                                          widget=day_input())
    category = django_filters.ModelChoiceFilter(field_name="outcomes__category", queryset=ProductCategory.objects.all(),
                                                label=_("产品类别"), distinct=True)
    outcome = django_filters.ChoiceFilter(field_name="outcomes__outcome", choices=InspectionOutcome.Outcome.choices,
                                          label=_("排查结果"), distinct=True)

    class Meta:
        model = Inspection
        fields = ["unit", "region"]
