"""双随机 draws and the conflict-of-interest declarations they honour."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import RECORD_SCOPE
from rectify.core.models import CampaignRecord, ScopedRecord
from rectify.core.security.validators import validate_not_future


class UnitPlacedMixin:
    """Placed in the owning unit's city: a Shenyang draw or declaration about a Dalian enterprise
    still belongs to Shenyang (the core default would follow the enterprise)."""

    def scope_region_source(self):
        return self.unit.city, self.unit.county


class ConflictOfInterest(UnitPlacedMixin, ScopedRecord):
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("执法人员"), on_delete=models.PROTECT,
                                related_name="+", limit_choices_to={"is_enforcement_officer": True})
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("回避企业"), on_delete=models.PROTECT,
                                   related_name="+")
    reason = models.CharField(_("回避理由"), max_length=300)
    declared_on = models.DateField(_("申报日期"), validators=[validate_not_future])

    scope = RECORD_SCOPE

    class Meta:
        verbose_name = _("利益冲突回避申报")
        verbose_name_plural = _("利益冲突回避申报")
        ordering = ["-declared_on", "-id"]
        indexes = [models.Index(fields=["-declared_on", "-id"])]  # the list's order (core.generic.checks)
        constraints = [models.UniqueConstraint(fields=["officer", "enterprise"], name="conflict_officer_enterprise")]

    def __str__(self) -> str:
        return f"{self.officer} 回避 {self.enterprise}"


class Draw(UnitPlacedMixin, CampaignRecord):
    """One 双随机 draw. Never edited or deleted: a repeated draw for the same unit and period is a
    new record with the next sequence number, so every attempt stays visible (no cherry-picking).
    `inputs` is the snapshot the draw ran on (sorted ids), so `draw_rerun` reproduces `result`
    from `seed` even after the registers have changed."""

    number = models.CharField(_("抽取编号"), max_length=80, unique=True, editable=False)
    sequence = models.PositiveSmallIntegerField(_("同期第几次抽取"), default=1, editable=False)
    name = models.CharField(_("抽查事项"), max_length=200)
    period_start = models.DateField(_("检查开始日期"))
    period_end = models.DateField(_("检查结束日期"))
    category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    target_region = models.ForeignKey("organisations.Region", verbose_name=_("抽查区域"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+",
                                      help_text=_("留空为本单位辖区全部。"))
    target_count = models.PositiveSmallIntegerField(_("抽取对象数"))
    flagged_percent = models.PositiveSmallIntegerField(
        _("重点对象抽取比例（%）"), default=50,
        help_text=_("有投诉举报或列入经营异常名录/严重违法失信名单的企业按此比例抽取，其余名额从一般对象中随机抽取。"))
    inspectors_per_target = models.PositiveSmallIntegerField(_("每户执法人员数"), default=2)
    seed = models.BigIntegerField(_("随机种子"), null=True, blank=True, help_text=_("留空则自动生成并记录、公开。"))
    inputs = models.JSONField(_("抽取输入快照"), default=dict, blank=True, editable=False)
    result = models.JSONField(_("抽取结果"), default=list, blank=True, editable=False)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True, editable=False)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", editable=False)

    scope = RECORD_SCOPE

    class Meta:
        verbose_name = _("双随机抽取")
        verbose_name_plural = _("双随机抽取")
        ordering = ["-drawn_at", "-id"]
        indexes = [models.Index(fields=["-drawn_at", "-id"])]  # the list's order (core.generic.checks)
        constraints = [
            models.CheckConstraint(condition=Q(inspectors_per_target__gte=2), name="draw_two_inspectors"),
            models.CheckConstraint(condition=Q(flagged_percent__lte=100), name="draw_flagged_percent"),
            models.CheckConstraint(condition=Q(target_count__gte=1), name="draw_target_count_positive"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="draw_period"),
            models.UniqueConstraint(fields=["unit", "period_start", "period_end", "sequence"],
                                    name="draw_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"
