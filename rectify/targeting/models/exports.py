"""Export white/negative lists (2020) and the flags raised on export checks against them."""
from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import RECORD_SCOPE, ScopeSpec
from rectify.core.models import BaseModel, CampaignRecord


class ExportListRule(BaseModel):
    """Which categories may only be exported by white-listed producers (2020: non-medical masks)."""

    category = models.OneToOneField("organisations.ProductCategory", verbose_name=_("产品类别"),
                                    on_delete=models.CASCADE,
                                    related_name="+")
    white_list_required = models.BooleanField(_("须在白名单内方可出口"), default=True)
    notes = models.CharField(_("依据"), max_length=300, blank=True)

    perm_area = "reference"

    class Meta:
        verbose_name = _("出口名单规则")
        verbose_name_plural = _("出口名单规则")
        ordering = ["category__order"]

    def __str__(self) -> str:
        return f"{self.category}：{_('须白名单') if self.white_list_required else _('不限')}"


class ExportListEntry(CampaignRecord):
    """One entry of the commerce ministry's white list or the market regulator's negative list.
    Province-wide: every unit reads it (customs at every port checks against it); the write
    services accept only provincial units."""

    class Kind(models.TextChoices):
        WHITE = "white", _("白名单（取得国外认证的生产企业）")
        NEGATIVE = "negative", _("负面清单（质量不合格产品和企业）")

    list_kind = models.CharField(_("名单"), max_length=10, choices=Kind.choices, db_index=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", help_text=_("留空为全部类别。"))
    product = models.CharField(_("产品"), max_length=200, blank=True)
    listed_from = models.DateField(_("列入日期"))
    listed_to = models.DateField(_("移出日期"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)

    scope = ScopeSpec(region=None, county=None, line=None, province_owned=True)

    class Meta:
        verbose_name = _("出口名单条目")
        verbose_name_plural = _("出口白名单与负面清单")
        ordering = ["list_kind", "name"]
        constraints = [models.CheckConstraint(condition=Q(listed_to__isnull=True) | Q(listed_to__gte=F("listed_from")),
                                              name="export_list_entry_dates")]

    def __str__(self) -> str:
        return f"{self.get_list_kind_display()[:3]} {self.name}"

    def scope_region_source(self):
        return self.unit.city, self.unit.county


class ExportFlag(CampaignRecord):
    """An export check stopped or questioned at entry because of the lists."""

    class Kind(models.TextChoices):
        NOT_WHITE_LISTED = "not_white_listed", _("生产企业不在白名单")
        NEGATIVE_LISTED = "negative_listed", _("列入负面清单")

    class Status(models.TextChoices):
        OPEN = "open", _("待处置")
        CLEARED = "cleared", _("已核实放行")
        STOPPED = "stopped", _("已阻止出口")

    export_check = models.ForeignKey("fieldwork.ExportCheck", verbose_name=_("出口查验"), on_delete=models.CASCADE,
                                     related_name="+", editable=False)
    kind = models.CharField(_("预警类型"), max_length=20, choices=Kind.choices, editable=False)
    reason = models.TextField(_("预警原因"), editable=False)
    list_entry = models.ForeignKey(ExportListEntry, verbose_name=_("命中名单条目"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    status = models.CharField(_("处置状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    notes = models.TextField(_("处置说明"), blank=True)

    scope = RECORD_SCOPE

    class Meta:
        verbose_name = _("出口名单预警")
        verbose_name_plural = _("出口名单预警")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"])]  # the list's order (core.generic.checks)
        constraints = [models.UniqueConstraint(fields=["export_check", "kind"], name="export_flag_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.export_check}：{self.get_kind_display()}"

    def scope_region_source(self):
        return self.export_check.region, self.export_check.county
