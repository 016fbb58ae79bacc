"""What the report page's forms send, read into what the services take: the submission (narrative,
who filled it, the explanations of the check step's warnings, the reason for a correction) and, in
manual mode, the figures typed into the grid or the filled official workbook."""
from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.core.generic.importing import read_upload
from rectify.core.workflow.forms import StepForm

from . import official, services
from .models import WeeklyReport


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
