"""Forms beyond the derived ones: officer choices, list import, checks at a record, and the steps of
the targeting workflows (StepForms: plan acceptance, an export flag's disposal)."""
from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.accounts.models import User
from rectify.core.access.scope import units_for
from rectify.core.generic.builders import BootstrapFormMixin, ScopedModelForm, ScopedModelSerializer
from rectify.core.workflow.forms import StepForm
from rectify.enterprises.models import Enterprise

from .models import ConflictOfInterest, Draw
from .models.checks import KIND_CHOICES
from .services.common import enterprises_of_unit


def officers_for(user):
    return (User.objects.filter(is_enforcement_officer=True, is_active=True, unit__in=units_for(user))
            .order_by("unit", "username"))


class ConflictForm(ScopedModelForm):
    class Meta:
        model = ConflictOfInterest
        fields = ["unit", "officer", "enterprise", "reason", "declared_on"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        # Users are "accounts" data a clerk cannot list; the choice is the officers of own units.
        self.fields["officer"].queryset = officers_for(user)


class ConflictSerializer(ScopedModelSerializer):
    class Meta:
        model = ConflictOfInterest
        fields = ["id", "url", "unit", "region", "county", "line", "officer", "enterprise", "reason", "declared_on"]
        read_only_fields = ["region", "county", "line"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["officer"].queryset = officers_for(request.user)
        return fields


class PlanAcceptForm(StepForm):
    """The sampling plan's step 确认 (targeting/workflows.py): the proposal as ticked boxes, and the
    enterprises the unit adds. `values()` hands the step one list, `targets`."""

    task_name = forms.CharField(label=_("抽检任务名称"), max_length=200, required=False)
    targets = forms.TypedMultipleChoiceField(label=_("保留的建议对象"), coerce=int, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    extra = forms.ModelMultipleChoiceField(label=_("增补企业"), queryset=Enterprise.objects.none(), required=False)

    def setup(self) -> None:
        plan = self.obj
        if plan is None:
            return
        self.fields["targets"].choices = [(p["enterprise_id"], f"{p['name']}（{p['why']}）") for p in plan.proposed]
        self.fields["targets"].initial = [p["enterprise_id"] for p in plan.proposed]
        self.fields["extra"].queryset = enterprises_of_unit(plan.unit).filter(categories=plan.category).order_by("name")

    def _style(self) -> None:
        super()._style()
        self.fields["targets"].widget.attrs.pop("class", None)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        out: dict[str, Any] = {"targets": [*data.get("targets", []), *(e.pk for e in data.get("extra") or [])]}
        if data.get("task_name"):
            out["task_name"] = data["task_name"]
        return out


class DisposalForm(StepForm):
    """An export flag's 核实放行 or 阻止出口: the customs says how it verified or why it stopped."""

    reason = forms.CharField(label=_("处置说明"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ListImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("名单文件（.xlsx/.xls/.csv）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class CheckAtForm(BootstrapFormMixin, forms.Form):
    """A certificate number read at an inspection (inspections have no number field of their own)."""

    number = forms.CharField(label=_("证书/报告编号"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=KIND_CHOICES)
    institution_name = forms.CharField(label=_("发证/检验机构（按单证填写）"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class DrawSerializer(ScopedModelSerializer):
    class Meta:
        model = Draw
        fields = ["id", "url", "number", "sequence", "unit", "region", "county", "line", "name", "period_start",
                  "period_end",
                  "category", "target_region", "target_count", "flagged_percent", "inspectors_per_target", "seed",
                  "result", "drawn_at", "drawn_by"]
        read_only_fields = ["region", "county", "line", "result"]
        # The (unit, period, sequence) constraint is the service's job: it numbers the next draw.
        validators: list = []
