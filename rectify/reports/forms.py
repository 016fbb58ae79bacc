"""What the report page's forms send, read into what the services take: the submission (narrative,
who filled it, the explanations of the check step's warnings, the reason for a correction) and, in
manual mode, the figures typed into the grid or the filled official workbook."""
from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.core.generic.builders import BootstrapFormMixin, ScopedModelForm
from rectify.core.generic.importing import read_upload
from rectify.core.workflow.forms import StepForm
from rectify.organisations.models import Campaign
from rectify.organisations.models.campaigns import WEEKDAYS

from . import official, services
from .models import Indicator, TableLayout, WeeklyReport


def submission_from(post: QueryDict) -> dict[str, Any]:
    """The keyword arguments of services.report_submit the submit form gives, the figures aside."""
    return {
        "narrative": {key: post.get(f"narrative_{key}", "").strip()
                      for key, _label in official.NARRATIVE_FIELDS + official.SUMMARY_FIELDS
                      if post.get(f"narrative_{key}") is not None},
        "filled_by": post.get("filled_by", ""),
        "phone": post.get("phone", ""),
        "explanations": {k.removeprefix("explain_"): v for k, v in post.items() if k.startswith("explain_")},
        "correction_reason": post.get("correction_reason", ""),
    }


def uploaded_tables(files: MultiValueDict, report: WeeklyReport) -> dict[str, dict]:
    """The figures of the filled official workbook (manual mode), as a snapshot; raises
    official.OfficialFileError or ImportFileError with what is wrong in the file."""
    upload = files.get("file")
    if upload is None:
        raise ValidationError(_("请选择要上传的正式报表 .xlsx 文件。"))
    return official.read_official_workbook(upload.name, read_upload(upload), report.campaign,
                                           services.layouts_of(report.campaign))


def manual_tables_from(post: QueryDict, report: WeeklyReport) -> dict[str, dict]:
    """The grid form: one input per cell, named cell-<layout>-<category>-<indicator>."""
    tables = {}
    errors = []
    for layout in services.layouts_of(report.campaign):
        columns = list(layout.columns.select_related("indicator").order_by("order"))
        rows = []
        for category in report.campaign.categories.order_by("order"):
            values = []
            for column in columns:
                raw = post.get(f"cell-{layout.code}-{category.code}-{column.indicator.code}", "")
                value = official.cell_number(raw)
                if value == "bad":
                    errors.append(_("%(table)s·%(category)s·%(column)s：“%(value)s”不是数字") % {
                        "table": layout.label, "category": category.name, "column": column.header, "value": raw})
                    value = None
                values.append("" if value is None else value)
            rows.append({"category": category.code, "values": values})
        tables[layout.code] = {"layout": layout.code, "columns": [c.indicator.code for c in columns], "rows": rows}
    if errors:
        raise ValidationError(errors)
    return tables


class ReportSubmitForm(StepForm):
    """报送 through the API (the report's page has its own form, with the check step's findings and
    the manual grid, and gives the same values)."""

    filled_by = forms.CharField(label=gettext_lazy("填报人"), max_length=50)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=30, required=False)
    narrative = forms.JSONField(label=gettext_lazy("文字报告（各栏）"), required=False)
    explanations = forms.JSONField(label=gettext_lazy("预警说明（按检查项）"), required=False)
    manual_tables = forms.JSONField(label=gettext_lazy("手工填报的表格"), required=False)
    correction_reason = forms.CharField(label=gettext_lazy("更正原因"), max_length=500, required=False,
                                        help_text=gettext_lazy("退回后重新报送时必填。"))


class ReportReturnForm(StepForm):
    reason = forms.CharField(label=gettext_lazy("退回原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ReportReopenForm(StepForm):
    reason = forms.CharField(label=gettext_lazy("重新打开的原因"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=gettext_lazy("报告退回报送单位更正，更正后重新报送并再次接收。"))


class ReportReopenRequestForm(StepForm):
    reason = forms.CharField(label=gettext_lazy("申请重新打开的原因"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=gettext_lazy("说明已接收的报告哪里有误；接收单位决定是否重新打开。"))


class CampaignCopyForm(BootstrapFormMixin, forms.Form):
    """What a copy of a campaign takes anew (services.CampaignValues): its code and name, its dates,
    its weekly deadline as a day of the week and a time, its address."""

    code = forms.CharField(label=gettext_lazy("代码"), max_length=40,
                           help_text=gettext_lazy("字母、数字和连字符，如 ln-2021-heating；不能与已有专项行动重复。"))
    name = forms.CharField(label=gettext_lazy("名称"), max_length=200)
    start = forms.DateField(label=gettext_lazy("开始日期"), widget=forms.DateInput)
    end = forms.DateField(label=gettext_lazy("结束日期"), widget=forms.DateInput)
    final_summary_due = forms.DateField(label=gettext_lazy("总结报送截止日期"), widget=forms.DateInput)
    weekly_deadline_weekday = forms.TypedChoiceField(label=gettext_lazy("周报截止星期"), choices=WEEKDAYS, coerce=int)
    weekly_deadline_time = forms.TimeField(label=gettext_lazy("周报截止时间"), widget=forms.TimeInput)
    report_email = forms.EmailField(label=gettext_lazy("报送邮箱"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    @classmethod
    def initial_from(cls, source: Campaign) -> dict[str, Any]:
        """The source's deadlines and address; the dates, code and name are the new campaign's own."""
        return {"name": _("%(name)s（副本）") % {"name": source.name},
                "weekly_deadline_weekday": source.weekly_deadline_weekday,
                "weekly_deadline_time": source.weekly_deadline_time, "report_email": source.report_email}

    def values(self) -> services.CampaignValues:
        return services.CampaignValues(**self.cleaned_data)


# --- the configuration's own forms: lists and rules written as lines, an empty value as nothing ----
class LinesField(forms.CharField):
    """A list of texts (a layout's header or footer fields), one per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(str(v) for v in value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> Any:
        _no_nul(value)
        pasted = _json_list(value)
        if pasted is not None:
            return pasted  # a JSON list as the API takes it: the model's checks judge its items
        return [line.strip() for line in str(value or "").splitlines() if line.strip()]


NUL_REFUSED = gettext_lazy("不能含有空字符。")


def _no_nul(value: Any) -> None:
    """PostgreSQL keeps no NUL in text or JSON: refused on the form, never a database error."""
    if "\x00" in str(value or "") or "\\u0000" in str(value or ""):
        raise ValidationError(NUL_REFUSED, code="null_characters_not_allowed")


def _json_list(value: Any) -> list | None:
    """`value` when it is a whole JSON list (pasted from the API or an earlier version), else None."""
    text = str(value or "").strip()
    if not text.startswith("["):
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, list) else None


class RulesField(forms.CharField):
    """A layout's check rules, one per line: “左边指标代码 <= 右边指标代码” (left not above right)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        return "\n".join(f"{rule['left']} <= {rule['right']}"
                         if isinstance(rule, dict) and rule.get("kind") == "lte" and {"left", "right"} <= set(rule)
                         else json.dumps(rule, ensure_ascii=False) for rule in value)

    def to_python(self, value: Any) -> list:
        _no_nul(value)
        pasted = _json_list(value)
        if pasted is not None:
            return pasted
        rules = []
        for n, line in enumerate(str(value or "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            left, sep, right = line.partition("<=")
            if sep and left.strip() and right.strip():
                rules.append({"kind": "lte", "left": left.strip(), "right": right.strip()})
                continue
            try:
                rule = json.loads(line)  # a rule of another kind, kept as written
            except ValueError:
                rule = None
            if not isinstance(rule, dict):
                raise ValidationError(_("第%(n)s行“%(line)s”应写成“左边指标代码 <= 右边指标代码”。") % {
                    "n": n, "line": line[:60]})
            rules.append(rule)
        return rules


class FiltersField(forms.JSONField):
    """An indicator's filters as a JSON object; none is an empty box, not “{}”."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        return "" if value == {} else super().prepare_value(value)

    def to_python(self, value: Any) -> Any:
        _no_nul(value)
        return {} if value in self.empty_values else super().to_python(value)


INDICATOR_FIELDS = ["campaign", "code", "name", "source", "aggregate", "field", "date_field", "category_field",
                    "filters", "scale", "decimals", "numerator", "denominator", "region_field", "line_field",
                    "description"]
LAYOUT_FIELDS = ["campaign", "code", "label", "title", "row_header", "header_fields", "footer_fields", "notes",
                 "rules", "order"]


class IndicatorForm(ScopedModelForm):
    filters = FiltersField(label=gettext_lazy("筛选条件"), required=False, help_text=gettext_lazy(
        "JSON 对象，每个条件写成 \"字段路径\": 值，例如按案件类别代码筛选写 case_category__code 与类别代码；"
        "留空为不筛选。"))

    class Meta:
        model = Indicator
        fields = INDICATOR_FIELDS


class TableLayoutForm(ScopedModelForm):
    header_fields = LinesField(label=gettext_lazy("表头字段"), required=False,
                               help_text=gettext_lazy("每行一项，如“填报单位”。"))
    footer_fields = LinesField(label=gettext_lazy("表尾字段"), required=False,
                               help_text=gettext_lazy("每行一项，如“填报人”。"))
    rules = RulesField(label=gettext_lazy("校验规则"), required=False, help_text=gettext_lazy(
        "每行一条，写成“左边指标代码 <= 右边指标代码”（左边不大于右边），报送前逐类别检查。"))

    class Meta:
        model = TableLayout
        fields = LAYOUT_FIELDS
