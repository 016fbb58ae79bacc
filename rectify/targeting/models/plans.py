"""Sampling plans proposed from risk scores, accepted by the unit into a fieldwork SamplingTask."""
from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import RECORD_SCOPE
from rectify.core.models import CampaignRecord


class SamplingPlan(CampaignRecord):
    class Status(models.TextChoices):
        DRAFT = "draft", _("待确认")
        ACCEPTED = "accepted", _("已确认并生成抽检任务")

    name = models.CharField(_("计划名称"), max_length=200)
    category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), on_delete=models.PROTECT,
                                 related_name="+")
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    size = models.PositiveSmallIntegerField(_("计划抽检企业数"), default=10)
    threshold = models.PositiveSmallIntegerField(_("风险分值阈值"), default=30,
                                                 help_text=_("分值不低于阈值的企业按风险从高到低优先列入。"))
    random_percent = models.PositiveSmallIntegerField(_("随机抽取比例（%）"), default=20,
                                                      help_text=_("计划数中留给阈值以下企业随机抽取的比例，防止只盯高分企业。"))
    seed = models.BigIntegerField(_("随机种子"), null=True, blank=True, help_text=_("留空则自动生成并记录。"))
    proposed = models.JSONField(_("建议抽检对象"), default=list, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    task = models.OneToOneField("fieldwork.SamplingTask", verbose_name=_("抽检任务"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+", editable=False)

    scope = RECORD_SCOPE

    class Meta:
        verbose_name = _("风险抽检计划")
        verbose_name_plural = _("风险抽检计划")
        ordering = ["-period_start", "-id"]
        indexes = [models.Index(fields=["-period_start", "-id"])]  # the list's order (core.generic.checks)
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="sampling_plan_period"),
            models.CheckConstraint(condition=Q(random_percent__lte=100), name="sampling_plan_random_percent"),
            models.CheckConstraint(condition=Q(size__gte=1), name="sampling_plan_size_positive"),
        ]

    def __str__(self) -> str:
        return self.name
