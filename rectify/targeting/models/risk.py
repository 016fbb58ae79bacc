"""Risk scoring: the weights (configuration) and the computed score per enterprise × category."""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import ScopeSpec
from rectify.core.models import BaseModel


class Factor(models.TextChoices):
    NEW_PRODUCT = "new_product", _("新注册/备案产品")
    NEW_ENTERPRISE = "new_enterprise", _("新获批/成立企业")
    COMPLAINTS = "complaints", _("投诉举报")
    NONCONFORMING_SAMPLES = "nonconforming_samples", _("抽检不合格")
    FAILED_INSPECTIONS = "failed_inspections", _("排查不合格")
    EXPORT_NONCONFORMING = "export_nonconforming", _("出口查验不合格批次")
    ABNORMAL_LIST = "abnormal_list", _("列入经营异常名录")
    SERIOUS_LIST = "serious_list", _("列入严重违法失信名单")
    NEVER_SAMPLED = "never_sampled", _("从未抽检")


class RiskWeight(BaseModel):
    """One factor's weight. Reference data (the system administrator keeps it) so the province can
    tune the model without a release; a factor without a row uses the code default
    (services.risk.DEFAULT_WEIGHTS)."""

    factor = models.CharField(_("风险因素"), max_length=30, choices=Factor.choices, unique=True)
    weight = models.PositiveSmallIntegerField(_("权重（每次计分）"))
    max_count = models.PositiveSmallIntegerField(_("计分次数上限"), default=3,
                                                 help_text=_("同一因素最多按几次计分，避免单一因素压倒其他因素。"))
    window_days = models.PositiveSmallIntegerField(_("“新”的时间窗（天）"), default=90,
                                                   help_text=_("仅用于新注册产品、新获批企业两个因素。"))
    is_active = models.BooleanField(_("启用"), default=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    perm_area = "reference"

    class Meta:
        verbose_name = _("风险权重")
        verbose_name_plural = _("风险权重配置")
        ordering = ["factor"]
        constraints = [models.CheckConstraint(condition=Q(max_count__gte=1), name="risk_weight_max_count_positive")]

    def __str__(self) -> str:
        return f"{self.get_factor_display()} ×{self.weight}"


class RiskScore(BaseModel):
    """Derived data, rebuilt by `services.risk.risk_recompute`; never edited. Not change-logged:
    it is recomputed wholesale whenever an input changes, and its inputs are logged themselves."""

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="risk_scores")
    category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")
    score = models.PositiveIntegerField(_("风险分值"), default=0, db_index=True)
    reasons = models.JSONField(_("计分依据"), default=list, blank=True)  # [{factor, label, count, points, detail}]
    computed_at = models.DateTimeField(_("计算时间"))

    change_logged = False
    # Placed like the enterprise: every department of the enterprise's city sees it.
    scope = ScopeSpec(region="enterprise__region", county="enterprise__county", line=None, owner=None)

    class Meta:
        verbose_name = _("风险评分")
        verbose_name_plural = _("风险评分")
        ordering = ["-score", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "category"], condition=Q(category__isnull=False),
                                    name="risk_score_enterprise_category"),
            models.UniqueConstraint(fields=["enterprise"], condition=Q(category__isnull=True),
                                    name="risk_score_enterprise_no_category"),
        ]
        indexes = [models.Index(fields=["category", "-score"], name="tgt_risk_cat_score")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.category or '—'}：{self.score}"

    @property
    def reasons_text(self) -> str:
        return "；".join(f"{r['label']}（{r['detail']}）+{r['points']}" for r in self.reasons or [])
