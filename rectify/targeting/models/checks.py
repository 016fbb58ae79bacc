"""Certificate and test-report checks, attached to the record they were made at."""
from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import RECORD_SCOPE
from rectify.core.models import CampaignRecord
from rectify.core.security.validators import validate_not_future
from rectify.enterprises.models import Qualification

TEST_REPORT = "test_report"
KIND_CHOICES = [*Qualification.Kind.choices, (TEST_REPORT, _("检验检测报告"))]


class CertificateCheck(CampaignRecord):
    """The findings of one check of a certificate or test-report number. `flagged` is set when any
    finding failed; `reason` says why in one line for lists and the flag panel."""

    number = models.CharField(_("证书/报告编号"), max_length=100, db_index=True)
    kind = models.CharField(_("类型"), max_length=30, choices=KIND_CHOICES)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    on_date = models.DateField(_("核验日期"), validators=[validate_not_future])
    institution = models.ForeignKey("fieldwork.TestingInstitution", verbose_name=_("发证/检验机构"), null=True,
                                    blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    institution_name = models.CharField(_("单证所列机构名称"), max_length=200, blank=True)
    content_type = models.ForeignKey(ContentType, verbose_name=_("核验环节"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", editable=False)
    object_id = models.PositiveBigIntegerField(_("环节记录编号"), null=True, blank=True, editable=False)
    source = GenericForeignKey("content_type", "object_id")
    findings = models.JSONField(_("核验结论"), default=list, blank=True, editable=False)  # [{code, ok, message}]
    flagged = models.BooleanField(_("存疑"), default=False, db_index=True, editable=False)
    reason = models.TextField(_("存疑原因"), blank=True, editable=False)
    lead = models.ForeignKey("enforcement.Lead", verbose_name=_("已转线索"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+", editable=False)

    scope = RECORD_SCOPE

    class Meta:
        verbose_name = _("证书报告核验")
        verbose_name_plural = _("证书报告核验")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"]),  # the list's order (core.generic.checks)
                   models.Index(fields=["content_type", "object_id"], name="tgt_check_source")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def scope_region_source(self):
        # Same place as the record it was made at (an export check lives in the producer's city).
        source = self.source if self.content_type_id else None
        if source is not None and getattr(source, "region_id", None):
            return source.region, source.county
        return super().scope_region_source()
