"""Public forms. Attachments are checked by content, not by name: a renamed executable or an
office macro file is refused (the portal accepts only what a phone camera or a PDF gives)."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rectify.core.generic.builders import BootstrapFormMixin
from rectify.enforcement.models import Complaint
from rectify.organisations.models import ProductCategory, Region

ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
ATTACHMENT_TYPES = {"pdf": (b"%PDF",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
                    "png": (b"\x89PNG\r\n\x1a\n",)}


def validate_attachment(upload) -> None:
    ext = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if ext not in ATTACHMENT_TYPES:
        raise ValidationError(_("附件只能是 PDF、JPG 或 PNG 文件。"), code="type")
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(_("附件不能超过 5 MB。"), code="size")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(ATTACHMENT_TYPES[ext]):
        raise ValidationError(_("附件内容与文件类型不符。"), code="type")


class CaptchaMixin(forms.Form):
    captcha = forms.CharField(label=_("验证码（请计算图中算式）"), max_length=8,
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))


class ComplaintForm(BootstrapFormMixin, CaptchaMixin, forms.Form):
    city = forms.ModelChoiceField(Region.objects.filter(level="city").order_by("code"), label=_("所在城市"),
                                  empty_label=_("请选择"))
    kind = forms.ChoiceField(label=_("类型"), choices=Complaint.Kind.choices, initial=Complaint.Kind.TIP,
                             widget=forms.RadioSelect)
    subject_name = forms.CharField(label=_("被投诉举报的商家或企业名称"), max_length=200)
    subject_credit_code = forms.CharField(label=_("统一社会信用代码（选填）"), max_length=18, required=False)
    product_category = forms.ModelChoiceField(ProductCategory.objects.current(), label=_("涉及产品"),
                                              required=False, empty_label=_("请选择"))
    content = forms.CharField(label=_("投诉举报内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("请写明时间、地点、商品、价格或质量问题等。"))
    anonymous = forms.BooleanField(label=_("匿名举报（不留姓名和电话）"), required=False)
    reporter_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    reporter_phone = forms.RegexField(label=_("联系电话"), regex=r"^[0-9+\- ]{5,20}$", max_length=20, required=False)
    attachment = forms.FileField(label=_("附件（选填，PDF/JPG/PNG，不超过5MB）"), required=False,
                                 validators=[validate_attachment])
    field_order = ["city", "kind", "subject_name", "subject_credit_code", "product_category", "content", "anonymous",
                   "reporter_name", "reporter_phone", "attachment", "captcha"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-check-input"
        self._style()
        self.fields["kind"].widget.attrs["class"] = "form-check-input"


class TrackForm(BootstrapFormMixin, CaptchaMixin, forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=32, widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
