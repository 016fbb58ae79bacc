"""The enterprise registry's own forms; the registered models' forms are derived (core.generic.builders)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(label=_("名录文件"), help_text=_("支持 .xlsx、.xls、.csv（UTF-8 或 GBK 编码）"),
                           widget=forms.ClearableFileInput(attrs={"class": "form-control",
                                                                  "accept": ".xlsx,.xls,.csv"}))
