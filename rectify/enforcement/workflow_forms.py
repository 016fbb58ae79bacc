"""Small forms for the enforcement workflow steps. Each form holds only the fields of its step and
validates input shape only; whether the step is allowed is decided by the service it feeds."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.core.workflow.forms import StepForm
from rectify.organisations.models import CaseCategory, Line, ProductCategory, Unit

from .models import Case, Complaint, Problem

DATE = forms.DateInput


class ComplaintRejectForm(StepForm):
    reason = forms.CharField(label=_("不予受理理由"), widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(label=_("决定日期"), required=False, widget=DATE)


class ComplaintAcceptForm(StepForm):
    decided_on = forms.DateField(label=_("决定日期"), required=False, widget=DATE)


class ComplaintVerifyForm(StepForm):
    result = forms.CharField(label=_("核查结果"), widget=forms.Textarea(attrs={"rows": 4}))
    verified_on = forms.DateField(label=_("核查完成日期"), required=False, widget=DATE)


class ComplaintToLeadForm(StepForm):
    description = forms.CharField(label=_("线索内容"), widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("线索可能移送其他单位，请勿填写投诉举报人个人信息。"))

    def setup(self) -> None:
        if self.obj is not None and not self.is_bound:
            self.fields["description"].initial = self.obj.content


def _units_excluding(own_unit_id: int | None, police: bool):
    qs = Unit.objects.filter(is_active=True).select_related("department", "region")
    qs = qs.filter(department__line=Line.POLICE) if police else qs.exclude(department__line=Line.POLICE)
    return qs.exclude(pk=own_unit_id) if own_unit_id else qs


class TransferForm(StepForm):
    """移送: to another unit, or (police=True) to a public-security unit (移送公安). The service
    derives `to_police` from the receiver's line, so the variant only narrows the choice."""

    police = False
    to_unit = forms.ModelChoiceField(label=_("接收单位"), queryset=Unit.objects.none())
    reason = forms.CharField(label=_("移送理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def setup(self) -> None:
        self.fields["to_unit"].queryset = _units_excluding(getattr(self.obj, "unit_id", None), self.police)
        if self.police:
            self.fields["to_unit"].label = _("接收公安机关")


class PoliceTransferForm(TransferForm):
    police = True


class TransferReturnForm(StepForm):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}))
    returned_on = forms.DateField(label=_("退回日期"), required=False, widget=DATE)


class TransferAcceptForm(StepForm):
    accepted_on = forms.DateField(label=_("接收日期"), required=False, widget=DATE)


class PoliceDecisionForm(StepForm):
    opened = forms.TypedChoiceField(label=_("公安立案决定"), coerce=lambda v: v == "1",
                                    choices=[("1", _("立案")), ("0", _("不予立案"))])
    decided_on = forms.DateField(label=_("决定日期"), required=False, widget=DATE)


class CaseFromLeadForm(StepForm):
    number = forms.CharField(label=_("案件编号"), max_length=60)
    title = forms.CharField(label=_("案由"), max_length=200)
    # The current campaign's categories only: a second campaign's, named alike, would appear twice.
    case_category = forms.ModelChoiceField(label=_("案件类别"), queryset=CaseCategory.objects.current())
    product_category = forms.ModelChoiceField(label=_("产品类别"), required=False,
                                              queryset=ProductCategory.objects.current().order_by("order"))
    police_kind = forms.ChoiceField(label=_("治安案件类型"), choices=[("", "—"), *Case.PoliceKind.choices],
                                    required=False, help_text=_("仅治安违法犯罪类案件填写。"))
    source = forms.ChoiceField(label=_("案件来源"), choices=Case.Source.choices, initial=Case.Source.LEAD)
    filed_on = forms.DateField(label=_("立案日期"), required=False, widget=DATE)

    def setup(self) -> None:
        lead = self.obj
        if lead is not None and lead.product_category_id is None:
            self.fields["product_category"].required = True  # the case's category comes from here then
        if lead is not None and not self.is_bound:
            self.fields["product_category"].initial = lead.product_category_id
            if lead.source == lead.Source.COMPLAINT:
                self.fields["source"].initial = Case.Source.COMPLAINT


# Case steps: one form per target status, with only the fields case_transition permits there.
class CaseFileForm(StepForm):
    filed_on = forms.DateField(label=_("立案日期"), widget=DATE)


class CaseInvestigatedForm(StepForm):
    investigated_on = forms.DateField(label=_("调查终结日期"), required=False, widget=DATE)
    facts = forms.CharField(label=_("违法事实"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    units_investigated = forms.IntegerField(label=_("被查单位（家）"), min_value=0, required=False)
    staff_dispatched = forms.IntegerField(label=_("出动执法人员（人次）"), min_value=0, required=False)

    def setup(self) -> None:
        if self.obj is not None and not self.is_bound:
            for name in ("facts", "units_investigated", "staff_dispatched"):
                self.fields[name].initial = getattr(self.obj, name)


class CaseDecideForm(StepForm):
    decision_number = forms.CharField(label=_("处罚决定书文号"), max_length=80)
    decided_on = forms.DateField(label=_("处罚决定日期"), widget=DATE)
    fine = forms.DecimalField(label=_("罚款（元）"), min_value=Decimal("0"), max_digits=14, decimal_places=2,
                              required=False)
    confiscation = forms.DecimalField(label=_("没收违法所得（元）"), min_value=Decimal("0"), max_digits=14,
                                      decimal_places=2, required=False)
    goods_confiscated = forms.CharField(label=_("没收物品"), max_length=300, required=False)
    licence_revoked = forms.BooleanField(label=_("吊销许可证照"), required=False)
    goods_value = forms.DecimalField(label=_("涉案货值（元）"), min_value=Decimal("0"), max_digits=14, decimal_places=2,
                                     required=False)

    def setup(self) -> None:
        if self.obj is not None and not self.is_bound:
            self.fields["goods_value"].initial = self.obj.goods_value

    def values(self) -> dict[str, Any]:
        data = super().values()
        # An unticked box is an answer too (and a permitted field of the step).
        data["licence_revoked"] = bool(self.cleaned_data.get("licence_revoked"))
        return data


class CaseDecisionCorrectForm(CaseDecideForm):
    """更正: the corrected decision in full (prefilled with the one in force) and why."""

    reason = forms.CharField(label=_("更正原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500,
                             error_messages={"required": _("更正处罚决定须填写更正原因。")},
                             help_text=_("原处罚决定及其校验码留存，更正后的决定重新签章。"))

    def setup(self) -> None:
        if self.obj is not None and not self.is_bound:
            for name in ("decision_number", "decided_on", "fine", "confiscation", "goods_confiscated",
                         "licence_revoked", "goods_value"):
                self.fields[name].initial = getattr(self.obj, name)


class CaseCloseForm(StepForm):
    closed_on = forms.DateField(label=_("结案日期"), required=False, widget=DATE)


class SupervisionListForm(StepForm):
    deadline = forms.DateField(label=_("办结期限"), widget=DATE)
    requirement = forms.CharField(label=_("督办要求"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    listed_on = forms.DateField(label=_("挂牌日期"), required=False, widget=DATE)


class SupervisionFollowUpForm(StepForm):
    note = forms.CharField(label=_("跟踪情况"), widget=forms.Textarea(attrs={"rows": 3}))


class ProblemRectifyForm(StepForm):
    rectification = forms.CharField(label=_("整改情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("整改佐证材料"), required=False,
                               validators=Problem._meta.get_field("evidence").validators)

    def setup(self) -> None:
        if self.obj is not None and not self.is_bound:
            self.fields["rectification"].initial = self.obj.rectification


class JointActionDoneForm(StepForm):
    text = forms.CharField(label=_("落实情况"), widget=forms.Textarea(attrs={"rows": 3}))
    done_on = forms.DateField(label=_("落实日期"), required=False, widget=DATE)


class ExposureReviewForm(StepForm):
    reviewed_on = forms.DateField(label=_("审核日期"), required=False, widget=DATE)


class ExposurePublishForm(StepForm):
    published_on = forms.DateField(label=_("发布日期"), required=False, widget=DATE)


class ComplaintCloseForm(StepForm):
    mediation_result = forms.ChoiceField(label=_("调解结果"), required=False,
                                         choices=[("", "---------"), *Complaint.Mediation.choices],
                                         help_text=_("已受理的投诉须填写；举报不填。"))
    reply = forms.CharField(label=_("办结答复（调解结果或处理结果）"), max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("将告知投诉人或举报人的答复内容。"))
    closed_on = forms.DateField(label=_("办结日期"), required=False, widget=DATE)


class LeadCloseForm(StepForm):
    reason = forms.CharField(label=_("了结理由（不予立案的理由）"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))


class SupervisionCancelForm(StepForm):
    reason = forms.CharField(label=_("撤销督办的理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
