"""The risk list: filters by category, region, credit status and minimum score; sorted by score."""
from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from rectify.core.generic.builders import SearchFilterSet
from rectify.organisations.models import ProductCategory, Region

from .models import RiskScore


class RiskScoreFilterSet(SearchFilterSet):
    search_fields = ("enterprise__name", "enterprise__credit_code")
    category = django_filters.ModelChoiceFilter(queryset=ProductCategory.objects.all(), label=_("产品类别"))
    region = django_filters.ModelChoiceFilter(field_name="enterprise__region",
                                              queryset=Region.objects.filter(level="city"),
                                              label=_("所在市"))
    credit_status = django_filters.ChoiceFilter(field_name="enterprise__credit_status", label=_("信用状态"),
                                                choices=[("normal", _("正常")), ("abnormal", _("经营异常名录")),
                                                         ("serious", _("严重违法失信名单"))])
    min_score = django_filters.NumberFilter(field_name="score", lookup_expr="gte", label=_("分值≥"))

    class Meta:
        model = RiskScore
        fields = ["category"]


class RiskScoreTable(tables.Table):
    enterprise = tables.Column(linkify=lambda record: record.get_absolute_url(), verbose_name=_("企业"))
    region = tables.Column(accessor="enterprise__region", verbose_name=_("所在市"), orderable=False)
    reasons = tables.Column(accessor="reasons_text", verbose_name=_("计分依据"), orderable=False)

    class Meta:
        model = RiskScore
        fields = ["enterprise", "region", "category", "score", "reasons", "computed_at"]
        order_by = ("-score",)
