"""Customs export checks (出口查验) and recalls (召回, recorded by commerce units)."""
from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import RECORD_SCOPE
from rectify.core.models import CampaignRecord
from rectify.core.security.validators import validate_not_future


class ExportCheck(CampaignRecord):
    """One declaration × one product category. 附件1 counts per category, so a declaration covering
    several categories is several rows (unique per declaration and category); the figures are then
    plain sums: batches sampled = Σ batches_checked, nonconforming = Σ batches_nonconforming, the
    rate = Σ nonconforming / Σ checked, enterprises sampled = COUNT(DISTINCT enterprise_id).

    `enterprise` is the producer when known, otherwise the exporter (filled by the service); the
    record's region is that enterprise's city, not the customs office's seat."""

    class Action(models.TextChoices):
        RELEASED = "released", _("放行")
        RECTIFIED = "rectified", _("整改后放行")
        RETURNED = "returned", _("退运")
        DESTROYED = "destroyed", _("销毁")
        DETAINED = "detained", _("扣留")
        TRANSFERRED = "transferred", _("移交处理")

    declaration_number = models.CharField(_("报关单号"), max_length=40)
    checked_on = models.DateField(_("查验日期"), validators=[validate_not_future])
    exporter = models.ForeignKey("enterprises.Enterprise", verbose_name=_("出口（经营）企业"), on_delete=models.PROTECT,
                                 related_name="export_checks")
    producer = models.ForeignKey("enterprises.Enterprise", verbose_name=_("生产企业"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="produced_export_checks")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("统计企业"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), on_delete=models.PROTECT,
                                 related_name="+")
    product_name = models.CharField(_("产品名称"), max_length=200, blank=True)
    batches_checked = models.PositiveIntegerField(_("抽查批次"))
    batches_nonconforming = models.PositiveIntegerField(_("不合格批次"), default=0)
    destination_country = models.CharField(_("目的国（地区）"), max_length=100)
    certification_body = models.ForeignKey("fieldwork.TestingInstitution", verbose_name=_("认证/检测机构"), null=True,
                                           blank=True, on_delete=models.PROTECT, related_name="export_checks")
    certification_body_text = models.CharField(_("单证所列认证/检测机构"), max_length=200, blank=True)
    action_taken = models.CharField(_("处置措施"), max_length=20, choices=Action.choices, default=Action.RELEASED)
    notes = models.TextField(_("说明"), blank=True)

    # stated explicitly: region + county + line of work (see core.access.scope)
    scope = RECORD_SCOPE
    unit_lines = ("customs",)

    class Meta:
        verbose_name = _("出口查验")
        verbose_name_plural = _("出口查验")
        ordering = ["-checked_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(batches_nonconforming__lte=F("batches_checked")),
                                   name="export_check_nonconforming_le_checked"),
            models.UniqueConstraint(fields=["declaration_number", "category"],
                                    name="export_check_declaration_category"),
        ]
        indexes = [
            models.Index(fields=["-checked_on", "-id"]),  # the list's order (core.generic.checks)
            models.Index(fields=["category", "checked_on", "region"], name="fw_export_cat_date_region"),
            models.Index(fields=["region", "-checked_on", "-id"], name="fw_export_region_date"),
        ]

    def __str__(self) -> str:
        return f"报关单{self.declaration_number} {self.category}"

    def scope_region_source(self):
        # customs offices cover several cities: the record belongs to the producer's city
        source = self.producer if self.producer_id else (self.exporter if self.exporter_id else None)
        if source is not None:
            return source.region, source.county
        return self.unit.city, self.unit.county


class Recall(CampaignRecord):
    """A product recall (附件1 召回产品数量, commerce line). `batch_number` lets the flow trace show
    what each downstream holder has recalled."""

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("召回企业"), on_delete=models.PROTECT,
                                   related_name="recalls")
    category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), on_delete=models.PROTECT,
                                 related_name="+")
    product_name = models.CharField(_("产品名称"), max_length=200)
    batch_number = models.CharField(_("批号"), max_length=100, blank=True)
    quantity = models.PositiveIntegerField(_("召回数量"))
    recalled_on = models.DateField(_("召回日期"), validators=[validate_not_future])
    reason = models.TextField(_("召回原因"), blank=True)
    sample = models.ForeignKey("fieldwork.Sample", verbose_name=_("关联不合格样品"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="recalls")

    # stated explicitly: region + county + line of work (see core.access.scope)
    scope = RECORD_SCOPE

    class Meta:
        verbose_name = _("产品召回")
        verbose_name_plural = _("产品召回")
        ordering = ["-recalled_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="recall_quantity_positive")]
        indexes = [
            models.Index(fields=["-recalled_on", "-id"]),  # the list's order (core.generic.checks)
            models.Index(fields=["category", "recalled_on", "region"], name="fw_recall_cat_date_region"),
            models.Index(fields=["enterprise", "batch_number"], name="fw_recall_enterprise_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} 召回 {self.product_name}"
