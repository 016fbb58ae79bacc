"""Filtersets that add what derived ones cannot: the `overdue=1` legal-clock filters."""
from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from rectify.core.generic.builders import SearchFilterSet, date_range_filters

from .models import Complaint, Problem
from .selectors import overdue_complaints_q, overdue_problems_q


def _date_range(name: str, label) -> dict:
    return date_range_filters(name, label)


class ComplaintFilterSet(SearchFilterSet):
    search_fields = ("number", "subject_name", "subject_credit_code", "content")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("超期未办"))
    locals().update(_date_range("received_on", _("登记日期")))

    class Meta:
        model = Complaint
        fields = ["kind", "channel", "status", "region", "product_category", "anonymous"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        q = overdue_complaints_q()
        return queryset.filter(q) if value else queryset.exclude(q)


class ProblemFilterSet(SearchFilterSet):
    search_fields = ("description", "requirement", "enterprise__name")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("逾期未整改"))
    locals().update(_date_range("deadline", _("整改期限")))

    class Meta:
        model = Problem
        fields = ["source", "status", "region"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        q = overdue_problems_q()
        return queryset.filter(q) if value else queryset.exclude(q)
