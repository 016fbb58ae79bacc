"""Forms beyond the derived ones: the inspection form (outcome per category, one problem for
the ledger), the sample form (its lab from the testing labs of the directory), the ledger entry
form (a buyer in another city), the ledger import, and the forms of the workflow steps (result,
notice, objection, retest, the disposal's steps, the covert visit's response and verification)."""
from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.accounts.models import User
from rectify.core.access.scope import units_for
from rectify.core.generic.builders import BootstrapFormMixin, ScopedModelForm, list_choices
from rectify.core.workflow.forms import StepForm
from rectify.enterprises.models import Enterprise
from rectify.organisations.models import Campaign, ProductCategory

from .models import FastTest, Inspection, InspectionOutcome, LedgerEntry, Sample, TestingInstitution
from .models.inspection import CHECKS
from .models.sampling import Result

INSPECTION_FIELDS = ["unit", "enterprise", "date", "inspectors", "staff_dispatched", *[n for n, _l in CHECKS], "notes"]
SAMPLE_FIELDS = ["unit", "task", "enterprise", "product_name", "category", "batch_number", "quantity",
                 "production_date", "sampled_on", "stage", "testing_institution", "report_number", "items_tested",
                 "standard", "result", "failing_items", "notified_on"]


def officers_for(user):
    """Enforcement officers of the units the user records for (joint inspections: the user's
    own units; officers elsewhere are added through the API)."""
    return (User.objects.filter(is_enforcement_officer=True, is_active=True, unit__in=units_for(user))
            .order_by("unit", "username"))


def campaign_categories():
    campaign = Campaign.current()
    qs = ProductCategory.objects.order_by("order")
    return qs.filter(campaign=campaign) if campaign else qs


class InspectionForm(ScopedModelForm):
    problem_description = forms.CharField(label=_("发现问题（列入问题清单）"), required=False,
                                          widget=forms.Textarea(attrs={"rows": 2}))
    problem_requirement = forms.CharField(label=_("整改要求"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    problem_deadline = forms.DateField(label=_("整改期限"), required=False, widget=forms.DateInput)

    class Meta:
        model = Inspection
        fields = INSPECTION_FIELDS

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["inspectors"].queryset = officers_for(user) | User.objects.filter(
            pk__in=self.instance.inspectors.values("pk") if self.instance.pk else [])
        self.fields["inspectors"].help_text = _("至少两名执法人员")
        current = {o.category_id: o.outcome for o in self.instance.outcomes.all()} if self.instance.pk else {}
        choices = [("", _("未涉及")), *InspectionOutcome.Outcome.choices]
        self.categories = list(campaign_categories())
        for category in self.categories:
            self.fields[f"outcome_{category.code}"] = forms.ChoiceField(
                label=_("%(c)s 排查结果") % {"c": category.name}, choices=choices, required=False,
                initial=current.get(category.pk, ""))
        if self.instance.pk:
            for name in ("problem_description", "problem_requirement", "problem_deadline"):
                del self.fields[name]
        self._style()

    def clean(self):
        data = super().clean()
        if not any(data.get(f"outcome_{c.code}") for c in self.categories):
            raise forms.ValidationError(_("请至少填写一个产品类别的排查结果。"))
        if data.get("problem_description") and not data.get("problem_deadline"):
            self.add_error("problem_deadline", _("列入问题清单须填写整改期限。"))
        return data

    def service_data(self) -> dict:
        data = super().service_data()
        data["outcomes"] = {c.pk: self.cleaned_data[f"outcome_{c.code}"] for c in self.categories
                            if self.cleaned_data.get(f"outcome_{c.code}")}
        if self.cleaned_data.get("problem_description"):
            data["problems"] = [{"description": self.cleaned_data["problem_description"],
                                 "requirement": self.cleaned_data.get("problem_requirement", ""),
                                 "deadline": self.cleaned_data.get("problem_deadline")}]
        return data


def directory_body(value: Any) -> TestingInstitution | None:
    """The directory body a submitted id names, if any (the directory is public: naming it leaks nothing)."""
    if isinstance(value, bool):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return TestingInstitution.objects.filter(pk=pk).first()


def directory_choices(queryset, kind: str, held: Any = None):
    """The bodies offered for a use asking for `kind`, and the one the record already holds."""
    wanted = Q(**{TestingInstitution.ROLE_FIELDS[kind]: True})
    held = getattr(held, "pk", held)
    return queryset.filter(wanted | Q(pk=held) if held else wanted)


class TestingLabField(forms.ModelChoiceField):
    """A sample's lab: only testing labs are offered (SampleForm narrows the choices); another body
    submitted anyway is refused by name, with what it is, rather than as an unknown choice."""

    def to_python(self, value: Any):
        try:
            return super().to_python(value)
        except ValidationError as exc:
            body = directory_body(value) if exc.code == "invalid_choice" else None
            refusal = body and body.role_refusal(TestingInstitution.Kind.TESTING, Sample.LAB_USE)
            if refusal:
                raise ValidationError(refusal, code="wrong_kind") from None
            raise


class SampleForm(ScopedModelForm):
    class Meta:
        model = Sample
        fields = SAMPLE_FIELDS
        field_classes = {"testing_institution": TestingLabField}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        field = self.fields["testing_institution"]
        field.queryset = directory_choices(field.queryset, TestingInstitution.Kind.TESTING,
                                           self.instance.testing_institution_id)
        field.help_text = _("只列出名录中登记为检验检测机构的机构")


LEDGER_FIELDS = ["unit", "seller", "buyer", "buyer_name", "product_name", "category", "batch_number", "quantity",
                 "traded_on"]


class LedgerEntryForm(ScopedModelForm):
    """A sale: the seller among the enterprises the user sees; the buyer among them, or anywhere in
    the registry by its credit code or exact name (a buyer in another city), or by name alone when
    it is not in the registry."""

    buyer_key = forms.CharField(label=_("外市购买方（统一社会信用代码或名录全称）"), max_length=200, required=False,
                                help_text=_("购买方在其他地市、不在上面的列表中时填写。"))

    class Meta:
        model = LedgerEntry
        fields = LEDGER_FIELDS

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        held = self.instance.buyer_id if self.instance.pk else None
        if held:  # a buyer of another city, chosen by code earlier, stays selectable on the edit page
            field = self.fields["buyer"]
            field.queryset = field.queryset.all() | Enterprise.objects.filter(pk=held)
            list_choices(field)

    def clean(self):
        data = super().clean()
        if data.get("buyer") and data.get("buyer_key"):
            self.add_error("buyer_key", _("购买方已从名录中选择，不能同时按代码或名称指定。"))
        return data

    def service_data(self) -> dict:
        data = super().service_data()
        if self.cleaned_data.get("buyer_key"):
            data["buyer_key"] = self.cleaned_data["buyer_key"]
        return data


# -- workflow steps (rectify/fieldwork/workflows.py): each form holds only its step's fields --------------
DATE = forms.DateInput


class SampleConformingForm(StepForm):
    report_number = forms.CharField(label=_("检验报告编号"), max_length=100, required=False)


class SampleNonconformingForm(StepForm):
    failing_items = forms.CharField(label=_("不合格项目"), widget=forms.Textarea(attrs={"rows": 3}))
    report_number = forms.CharField(label=_("检验报告编号"), max_length=100, required=False)


class SampleNoticeForm(StepForm):
    notified_on = forms.DateField(label=_("结果告知日期"), required=False, widget=DATE,
                                  help_text=_("企业可自告知之日起15日内提出异议；不填为今天。"))


class ObjectionForm(StepForm):
    objection_filed_on = forms.DateField(label=_("异议申请日期"), widget=DATE)


class RetestForm(StepForm):
    retest_result = forms.ChoiceField(label=_("复检结论"),
                                      choices=[(Result.CONFORMING, _("合格")), (Result.NONCONFORMING, _("不合格"))])
    retested_on = forms.DateField(label=_("复检日期"), widget=DATE)
    retest_report_number = forms.CharField(label=_("复检报告编号"), max_length=100, required=False)


class DisposalCauseForm(StepForm):
    on = forms.DateField(label=_("收到原因分析日期"), required=False, widget=DATE)
    text = forms.CharField(label=_("原因分析"), widget=forms.Textarea(attrs={"rows": 3}))


class DisposalRecallOrderForm(StepForm):
    on = forms.DateField(label=_("责令召回日期"), required=False, widget=DATE)
    quantity = forms.IntegerField(label=_("应召回数量"), min_value=1)


class DisposalRecallReturnForm(StepForm):
    on = forms.DateField(label=_("召回完成日期"), required=False, widget=DATE)
    quantity = forms.IntegerField(label=_("实际召回数量"), min_value=0)


class DisposalTraceForm(StepForm):
    on = forms.DateField(label=_("流向排查完成日期"), required=False, widget=DATE)
    text = forms.CharField(label=_("流向排查情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("登记后，系统按购销台账追溯该批次，并通报批次流入的其他地市。"))


class DisposalCaseForm(StepForm):
    on = forms.DateField(label=_("立案日期"), required=False, widget=DATE)
    case_number = forms.CharField(label=_("立案编号"), max_length=100)


class DisposalExposureForm(StepForm):
    on = forms.DateField(label=_("曝光日期"), required=False, widget=DATE)
    text = forms.CharField(label=_("曝光情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RespondForm(StepForm):
    response = forms.CharField(label=_("整改反馈"), widget=forms.Textarea(attrs={"rows": 6}))
    responded_on = forms.DateField(label=_("反馈日期"), required=False, widget=DATE)


class VisitVerifyForm(StepForm):
    note = forms.CharField(label=_("核查意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    verified_on = forms.DateField(label=_("核查日期"), required=False, widget=DATE)


class VisitReturnForm(StepForm):
    reason = forms.CharField(label=_("退回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class LedgerImportForm(BootstrapFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("填报单位"), queryset=None)
    file = forms.FileField(label=_("台账文件（xlsx）"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user)
        if getattr(user, "unit", None):
            self.fields["unit"].initial = user.unit.pk
        self._style()


class MeetingTaskReportForm(StepForm):
    report = forms.CharField(label=_("完成情况"), widget=forms.Textarea(attrs={"rows": 6}))
    done_on = forms.DateField(label=_("完成日期"), required=False, widget=DATE)


class MeetingTaskConfirmForm(StepForm):
    confirmed_on = forms.DateField(label=_("确认办结日期"), required=False, widget=DATE)


class FastTestResultForm(StepForm):
    result = forms.ChoiceField(label=_("检验结论"), choices=FastTest.Result.choices)
    findings = forms.CharField(label=_("检验结果说明"), widget=forms.Textarea(attrs={"rows": 4}))
    report_number = forms.CharField(label=_("检验报告编号"), max_length=100, required=False)
    result_on = forms.DateField(label=_("出具结果日期"), required=False, widget=DATE)
