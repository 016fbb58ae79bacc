"""The problem ledger (问题清单台账): every problem found, its owner, requirement and deadline."""
from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.models import CampaignRecord
from rectify.core.security.validators import validate_file_content

from .common import HandlerRegionMixin, validate_file_size


class Problem(HandlerRegionMixin, CampaignRecord):
    class Source(models.TextChoices):
        INSPECTION = "inspection", _("排查检查")
        VISIT = "visit", _("明察暗访")
        COMPLAINT = "complaint", _("投诉举报")
        SAMPLE = "sample", _("抽检")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        RECTIFYING = "rectifying", _("整改中")
        DONE = "done", _("已整改")
        VERIFIED = "verified", _("已验收")

    OPEN_STATUSES = (Status.OPEN, Status.RECTIFYING)

    source = models.CharField(_("问题来源"), max_length=20, choices=Source.choices)
    # The record the problem was found in (an inspection, a covert visit...), when there is one.
    source_type = models.ForeignKey(ContentType, verbose_name=_("来源记录类型"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    source_id = models.CharField(_("来源记录编号"), max_length=64, blank=True, editable=False)
    source_object = GenericForeignKey("source_type", "source_id")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("涉及企业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("问题描述"))
    requirement = models.TextField(_("整改要求"))
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True,
                              editable=False)
    evidence = models.FileField(
        _("整改佐证材料"), upload_to="problems/%Y/%m/", blank=True,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png", "doc", "docx", "xlsx"]), validate_file_size,
                    validate_file_content],  # the bytes, not only the name: no renamed executables
    )
    rectification = models.TextField(_("整改情况"), blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("问题清单")
        verbose_name_plural = _("问题清单台账")
        ordering = ["deadline", "-id"]
        indexes = [models.Index(fields=["deadline", "-id"])]  # the list's order (core.generic.checks)

    def __str__(self) -> str:
        return f"问题{self.pk or ''}：{self.description[:30]}"
