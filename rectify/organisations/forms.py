"""The forms of the deliverables' steps (organisations/workflows.py): only each step's own fields."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.core.workflow.forms import StepForm

from .models import CityDeliverable

DATE = forms.DateInput


def _field(name: str):
    return CityDeliverable._meta.get_field(name)


class DeliverableReportForm(StepForm):
    evidence_note = forms.CharField(
        label=_("完成情况说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("如：清单已建立，共列入企业若干家；投诉举报电话、网址已于某日在某媒体公布。"))
    completed_on = forms.DateField(label=_("完成日期"), required=False, widget=DATE,
                                   help_text=_("不填写即为今天。"))
    evidence_link = forms.URLField(label=_("佐证链接"), max_length=500, required=False, assume_scheme="https",
                                   help_text=_("如清单或公告的网址。"))
    evidence_file = forms.FileField(label=_("佐证材料"), required=False, validators=_field("evidence_file").validators,
                                    help_text=_("PDF、图片、Word 或 Excel，不超过 20 MB。"))

    def setup(self) -> None:
        if self.obj is not None and not self.is_bound:
            self.fields["evidence_note"].initial = self.obj.evidence_note
            self.fields["evidence_link"].initial = self.obj.evidence_link


class DeliverableConfirmForm(StepForm):
    confirmed_on = forms.DateField(label=_("确认日期"), required=False, widget=DATE, help_text=_("不填写即为今天。"))
