"""The tables as data: indicators (a figure over records), the official table layouts and their
columns. Each is checked when saved: its values by reports/configuration.py, its agreement with the
rows that use it here."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import PROVINCIAL_OFFICE_DATA
from rectify.core.generic.display import Line, field_path_label, inline_text
from rectify.core.models import BaseModel

from ..aggregation import Aggregate
from ..configuration import Errors, column_errors, indicator_errors, layout_errors, source_of


def _json_value(value: Any) -> Any:
    """A logged JSON field's value: the change log may keep it as its JSON text."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _raise_if_any(errors: Errors, conflicts: Iterator[tuple[str, str]]) -> None:
    for field, message in conflicts:
        errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)


class Indicator(BaseModel):
    """A named figure defined over records: `aggregate` of `source` rows from the campaign start to
    the cut-off (by `date_field`), grouped per product category (`category_field`), narrowed by
    `filters` (Django lookups as JSON). A ratio divides the sums of two other indicators."""

    Aggregate = Aggregate

    campaign = models.ForeignKey("organisations.Campaign", verbose_name=_("专项行动"), on_delete=models.CASCADE,
                                 related_name="indicators")
    code = models.CharField(_("代码"), max_length=60)
    name = models.CharField(_("名称"), max_length=100)
    source = models.CharField(_("数据来源模型"), max_length=100, blank=True,
                              help_text=_("app_label.Model，如 enforcement.Case"))
    aggregate = models.CharField(_("汇总方式"), max_length=20, choices=Aggregate.choices)
    field = models.CharField(_("汇总字段"), max_length=100, blank=True, help_text=_("去重计数或求和的字段"))
    date_field = models.CharField(_("日期字段"), max_length=100, blank=True)
    category_field = models.CharField(_("产品类别字段"), max_length=100, blank=True)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    scale = models.DecimalField(_("换算系数"), max_digits=12, decimal_places=6, default=1,
                                help_text=_("如 元→万元 为 0.0001"))
    decimals = models.PositiveSmallIntegerField(_("小数位"), default=0)
    numerator = models.ForeignKey("self", verbose_name=_("分子"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    denominator = models.ForeignKey("self", verbose_name=_("分母"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    region_field = models.CharField(_("地区字段"), max_length=100, default="region")
    line_field = models.CharField(_("条线字段"), max_length=100, default="line")
    description = models.TextField(_("口径说明"), blank=True)

    perm_area = "campaign"
    scope = PROVINCIAL_OFFICE_DATA

    class Meta:
        verbose_name = _("统计指标")
        verbose_name_plural = _("统计指标")
        ordering = ["campaign", "code"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="indicator_code_unique")]

    def __str__(self) -> str:
        return self.name

    # The page shows the source model and its field paths by their names, not their codes.
    def source_model(self):
        return source_of(self.source)

    def shown_source(self) -> str | None:
        model = self.source_model()
        return str(model._meta.verbose_name) if model is not None else (self.source or None)

    def _shown_path(self, path: str) -> str | None:
        return field_path_label(self.source_model(), path) or None

    def shown_field(self) -> str | None:
        return self._shown_path(self.field)

    def shown_date_field(self) -> str | None:
        return self._shown_path(self.date_field)

    def shown_category_field(self) -> str | None:
        return self._shown_path(self.category_field)

    def shown_region_field(self) -> str | None:
        return self._shown_path(self.region_field)

    def shown_line_field(self) -> str | None:
        return self._shown_path(self.line_field)

    def shown_filters(self) -> list[Line] | None:
        model = self.source_model()
        return [Line(field_path_label(model, str(path)), inline_text(value))
                for path, value in (self.filters or {}).items()] or None

    def logged_value(self, name: str, value: Any) -> Any:
        """A logged value of this indicator in words, as its page shows the current one."""
        if value in (None, ""):
            return None
        if name == "code":
            return f"{self.name}（{value}）"
        if name == "source":
            model = source_of(str(value))
            return str(model._meta.verbose_name) if model is not None else value
        if name in ("field", "date_field", "category_field", "region_field", "line_field"):
            return " + ".join(field_path_label(self.source_model(), part.strip()) or part
                              for part in str(value).split("+"))
        value = _json_value(value) if name == "filters" else value
        if name == "filters" and isinstance(value, dict):
            return [Line(field_path_label(self.source_model(), str(p)), inline_text(v)) for p, v in value.items()]
        return NotImplemented

    def clean(self) -> None:
        """The source, its fields and filters exist and fit the aggregate (reports/configuration.py),
        and a saved indicator stays what the rows using it need."""
        _raise_if_any(indicator_errors(self), self._conflicts() if self.pk is not None else iter(()))

    def _conflicts(self) -> Iterator[tuple[str, str]]:
        """(field, why) for each row this saved indicator's new values would contradict: a ratio that
        has it as a part, a layout of another campaign that shows it."""
        if self.aggregate == Aggregate.RATIO:
            users = Indicator.objects.filter(models.Q(numerator=self.pk) | models.Q(denominator=self.pk))
            for other in users.exclude(pk=self.pk)[:3]:
                yield "aggregate", _("比率指标“%(name)s”以本指标为分子或分母，本指标不能改为比率。") % {
                    "name": other.name}
        column = (LayoutColumn.objects.filter(indicator=self.pk).exclude(layout__campaign=self.campaign_id)
                  .select_related("layout").first())
        if column is not None:
            yield "campaign", _("本指标是另一专项行动的报表格式“%(layout)s”的列，不能移到本专项行动。") % {
                "layout": column.layout}


class TableLayout(BaseModel):
    """An official table (附件1, 附件2): title, header/footer fields, notes; rows are the campaign's
    product categories in their order; columns are LayoutColumns."""

    campaign = models.ForeignKey("organisations.Campaign", verbose_name=_("专项行动"), on_delete=models.CASCADE,
                                 related_name="layouts")
    code = models.CharField(_("代码"), max_length=30)
    label = models.CharField(_("附件编号"), max_length=30)
    title = models.CharField(_("表名"), max_length=200)
    row_header = models.CharField(_("行标题"), max_length=30, blank=True)
    header_fields = models.JSONField(_("表头字段"), default=list, blank=True)
    footer_fields = models.JSONField(_("表尾字段"), default=list, blank=True)
    notes = models.TextField(_("填表说明"), blank=True)
    rules = models.JSONField(_("校验规则"), default=list, blank=True,
                             help_text=_('如 [{"kind": "lte", "left": "不合格批次指标代码", '
                                         '"right": "抽查批次指标代码"}]'))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    perm_area = "campaign"
    scope = PROVINCIAL_OFFICE_DATA

    class Meta:
        verbose_name = _("报表格式")
        verbose_name_plural = _("报表格式")
        ordering = ["campaign", "order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="layout_code_unique")]

    def __str__(self) -> str:
        return f"{self.label} {self.title}"

    def logged_value(self, name: str, value: Any) -> Any:
        """A logged value of this layout in words, as its page shows the current one."""
        value = _json_value(value) if name == "rules" else value
        if name == "rules" and isinstance(value, list):
            return TableLayout(campaign_id=self.campaign_id, rules=value).shown_rules() or None
        if name == "code" and value:
            return f"{self.label}（{value}）"
        return NotImplemented

    def shown_rules(self) -> list[Line] | None:
        """Each check rule as a sentence over the indicators' names (左 ≤ 右)."""
        names = dict(Indicator.objects.filter(campaign=self.campaign_id).values_list("code", "name"))
        lines = []
        for i, rule in enumerate(self.rules or [], 1):
            if isinstance(rule, dict) and rule.get("kind") == "lte":
                text = _("%(left)s不大于%(right)s") % {"left": names.get(rule.get("left"), rule.get("left")),
                                                        "right": names.get(rule.get("right"), rule.get("right"))}
            else:
                text = inline_text(rule)
            lines.append(Line(str(i), text))
        return lines or None

    def clean(self) -> None:
        """Its label, rules and header fields (reports/configuration.py, the rules against the codes of
        its campaign's indicators), and its agreement with its campaign's other layouts and its columns."""
        codes = (set(Indicator.objects.filter(campaign=self.campaign_id).values_list("code", flat=True))
                 if self.campaign_id else None)
        _raise_if_any(layout_errors(self, codes), self._conflicts())

    def _conflicts(self) -> Iterator[tuple[str, str]]:
        """(field, why): another layout of the campaign has its label (the workbook's sheet name), or a
        saved layout moved to another campaign keeps columns showing this one's indicators."""
        if self.campaign_id and self.label:
            twin = (TableLayout.objects.filter(campaign=self.campaign_id, label=self.label).exclude(pk=self.pk)
                    .first())
            if twin is not None:
                yield "label", _("本专项行动的报表格式“%(other)s”已使用附件编号“%(label)s”。") % {
                    "other": twin, "label": self.label}
        if self.pk is not None and self.campaign_id:
            stray = self.columns.exclude(indicator__campaign=self.campaign_id).select_related("indicator").first()
            if stray is not None:
                yield "campaign", _("本表的列“%(column)s”使用另一专项行动的指标，不能移到本专项行动。") % {
                    "column": stray}


class LayoutColumn(BaseModel):
    layout = models.ForeignKey(TableLayout, verbose_name=_("报表格式"), on_delete=models.CASCADE,
                               related_name="columns")
    order = models.PositiveSmallIntegerField(_("列序"))
    group = models.CharField(_("列组"), max_length=100, blank=True)
    header = models.CharField(_("列标题"), max_length=100)
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="columns")

    perm_area = "campaign"
    scope = PROVINCIAL_OFFICE_DATA

    class Meta:
        verbose_name = _("报表列")
        verbose_name_plural = _("报表列")
        ordering = ["layout", "order"]
        constraints = [models.UniqueConstraint(fields=["layout", "order"], name="layout_column_order_unique")]

    def __str__(self) -> str:
        return f"{self.group}/{self.header}" if self.group else self.header

    def clean(self) -> None:
        _raise_if_any(column_errors(self), iter(()))
