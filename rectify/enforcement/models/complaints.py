"""Complaints and tips (投诉举报) from the public, with the reporter's data encrypted at rest."""
from __future__ import annotations

from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.models import CampaignRecord
from rectify.core.security.crypto import EncryptedTextField
from rectify.core.security.validators import validate_file_content, validate_not_future

from .common import HandlerRegionMixin, validate_file_size


class Complaint(HandlerRegionMixin, CampaignRecord):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("投诉")
        TIP = "tip", _("举报")

    class Channel(models.TextChoices):
        HOTLINE = "hotline", _("12315热线")
        WEB = "web", _("全国12315平台")
        LETTER = "letter", _("来信")
        VISIT = "visit", _("来访")
        TRANSFERRED = "transferred", _("转办")
        PORTAL = "portal", _("公众门户")

    class Status(models.TextChoices):
        RECEIVED = "received", _("待受理")
        ACCEPTED = "accepted", _("已受理")
        REJECTED = "rejected", _("不予受理")
        VERIFIED = "verified", _("已核查")
        CLOSED = "closed", _("已办结")

    class Mediation(models.TextChoices):
        """How the mediation of an accepted complaint ended (SAMR order 20 of 2019)."""

        AGREED = "agreed", _("调解成功，达成协议")
        FAILED = "failed", _("调解不成，终止调解")
        WITHDRAWN = "withdrawn", _("投诉人撤回投诉")

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("受理")
        REJECTED = "rejected", _("不予受理")

    number = models.CharField(_("登记编号"), max_length=40, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.COMPLAINT)
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices, default=Channel.HOTLINE)
    received_on = models.DateField(_("登记日期"), validators=[validate_not_future])
    anonymous = models.BooleanField(_("匿名"), default=False)
    # Personal data: SM4 ciphertext in the database, never in the change log or the API read side.
    reporter_name = EncryptedTextField(_("投诉举报人姓名"), max_length=50, blank=True)
    reporter_phone = EncryptedTextField(_("联系电话"), max_length=30, blank=True)
    reporter_id_number = EncryptedTextField(_("身份证号码"), max_length=18, blank=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("被投诉举报企业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    subject_name = models.CharField(_("被投诉举报主体名称"), max_length=200, blank=True)
    subject_credit_code = models.CharField(_("被投诉举报主体信用代码"), max_length=18, blank=True)
    product_category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")
    content = models.TextField(_("投诉举报内容"))
    attachment = models.FileField(
        _("附件"), upload_to="complaints/%Y/%m/", blank=True,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png", "doc", "docx", "xlsx"]), validate_file_size,
                    validate_file_content],  # the bytes, not only the name: no renamed executables
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True,
                              editable=False)
    decision = models.CharField(_("受理决定"), max_length=10, choices=Decision.choices, blank=True, editable=False)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True, editable=False)
    decision_reason = models.TextField(_("决定理由"), blank=True, editable=False)
    verified_on = models.DateField(_("核查完成日期"), null=True, blank=True, editable=False)
    verification_result = models.TextField(_("核查结果"), blank=True, editable=False)
    mediation_result = models.CharField(_("调解结果"), max_length=10, choices=Mediation.choices, blank=True,
                                        editable=False)
    reply = models.TextField(_("办结答复"), blank=True, editable=False)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True, editable=False)
    # Due dates are stored (not computed on read) so "overdue" is one indexed query.
    accept_due = models.DateField(_("受理期限"), null=True, blank=True, editable=False, db_index=True)
    verify_due = models.DateField(_("核查期限"), null=True, blank=True, editable=False, db_index=True)

    log_exclude = ("reporter_name", "reporter_phone", "reporter_id_number")
    PERSONAL_FIELDS = log_exclude
    unit_lines = ("market",)  # 12315: complaints are handled by market regulation

    class Meta:
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decided_on__isnull=True) | models.Q(decided_on__gte=models.F("received_on")),
                name="complaint_decided_after_received"),
        ]
        indexes = [models.Index(fields=["-received_on", "-id"]),  # the list's order (core.generic.checks)
                   models.Index(fields=["region", "-received_on", "-id"], name="enf_complaint_region_received")]

    def __str__(self) -> str:
        return f"{self.number} {self.subject_name or self.get_kind_display()}"

