"""The forms of the price workflows' steps (prices/workflows.py): each holds its step's fields only;
whether the step may be taken is the declaration's business."""
from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.core.workflow.forms import StepForm

from .models import CapacityOffer
from .selectors import offers_with_capacity

DATE = forms.DateInput


class PriceFlagCaseForm(StepForm):
    number = forms.CharField(label=_("案件编号"), max_length=60, required=False,
                             help_text=_("留空则按“价格-地区-日期-预警号”编号。"))
    title = forms.CharField(label=_("案由"), max_length=200, required=False,
                            help_text=_("留空则为“涉嫌哄抬某商品价格（经营场所）”。"))


class PriceFlagDismissForm(StepForm):
    reason = forms.CharField(label=_("排除理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ServiceRequestAnswerForm(StepForm):
    answer = forms.CharField(label=_("答复意见"), widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("企业凭查询码可以看到答复意见。"))
    answered_on = forms.DateField(label=_("答复日期"), required=False, widget=DATE)


class OfferChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        left = getattr(obj, "left", None)
        return f"{obj}（{_('剩余')} {left}{obj.unit_of_measure}）" if left is not None else str(obj)


class CapacityAllocateForm(StepForm):
    offer = OfferChoice(label=_("产能供给"), queryset=CapacityOffer.objects.none(),
                        help_text=_("同一产品类别、尚有剩余产能的供给。"))
    quantity = forms.IntegerField(label=_("调配数量"), min_value=1)
    allocated_on = forms.DateField(label=_("调配日期"), required=False, widget=DATE)
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def setup(self) -> None:
        if self.obj is not None and self.user is not None:
            self.fields["offer"].queryset = offers_with_capacity(self.user, self.obj.category_id)
