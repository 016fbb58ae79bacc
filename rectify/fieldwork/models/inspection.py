"""Inspections of producers (排查), their per-category outcomes and the measures taken."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import RECORD_SCOPE, ScopeSpec
from rectify.core.models import BaseModel, CampaignRecord
from rectify.core.security.validators import validate_not_future

# (field name, label): the checks the plan asks for on every inspection.
CHECKS: list[tuple[str, str]] = [
    ("check_licence", _("证照资质")),
    ("check_raw_material", _("原辅材料把控")),
    ("check_process", _("生产过程控制")),
    ("check_labels", _("标签标识和说明书")),
    ("check_registration", _("注册审批要求")),
    ("check_ledgers", _("购销台账")),
    ("check_sales_channels", _("销售渠道")),
    ("check_quality_standard", _("质量标准")),
]


class Inspection(CampaignRecord):
    """One visit to one enterprise. Outcomes per product category are InspectionOutcome rows."""

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("被查企业"), on_delete=models.PROTECT,
                                   related_name="inspections")
    date = models.DateField(_("排查日期"), validators=[validate_not_future])
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("执法人员"), related_name="+",
                                        limit_choices_to={"is_enforcement_officer": True})
    staff_dispatched = models.PositiveIntegerField(_("出动执法人员（人次）"), default=2)
    check_licence = models.BooleanField(CHECKS[0][1], default=False)
    check_raw_material = models.BooleanField(CHECKS[1][1], default=False)
    check_process = models.BooleanField(CHECKS[2][1], default=False)
    check_labels = models.BooleanField(CHECKS[3][1], default=False)
    check_registration = models.BooleanField(CHECKS[4][1], default=False)
    check_ledgers = models.BooleanField(CHECKS[5][1], default=False)
    check_sales_channels = models.BooleanField(CHECKS[6][1], default=False)
    check_quality_standard = models.BooleanField(CHECKS[7][1], default=False)
    notes = models.TextField(_("情况说明"), blank=True)

    # stated explicitly: region + county + line of work (see core.access.scope)
    scope = RECORD_SCOPE
    unit_lines = ("market",)

    class Meta:
        verbose_name = _("生产企业排查")
        verbose_name_plural = _("生产企业排查")
        ordering = ["-date", "-id"]
        constraints = [
            # at least two inspectors (checked in the service) means at least two person-times
            models.CheckConstraint(condition=Q(staff_dispatched__gte=2), name="inspection_staff_at_least_two"),
        ]
        indexes = [
            models.Index(fields=["-date", "-id"]),  # the list's order (core.generic.checks)
            models.Index(fields=["region", "-date", "-id"], name="fw_insp_region_date"),
            models.Index(fields=["line", "region", "date"], name="fw_insp_line_region_date"),
            models.Index(fields=["enterprise", "date"], name="fw_insp_enterprise_date"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.date:%Y-%m-%d} 排查"


class InspectionOutcome(BaseModel):
    """The outcome of one inspection for one product category.

    The inspection's enterprise, date and scope fields are copied here by the service so that
    附件1's columns are one GROUP BY category over this table (COUNT(DISTINCT enterprise_id),
    filtered by outcome, date ≤ cut-off and region/line), with no join."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("合格")
        FAILED_REVIEW = "failed_review", _("审评审批不合格")
        FAILED_CERTIFICATION = "failed_certification", _("认证等不合格")
        FAILED_OTHER = "failed_other", _("其他不合格")
        NO_STANDARD = "no_standard", _("无质量标准")

    inspection = models.ForeignKey(Inspection, verbose_name=_("排查"), on_delete=models.CASCADE,
                                   related_name="outcomes")
    category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), on_delete=models.PROTECT,
                                 related_name="+")
    outcome = models.CharField(_("排查结果"), max_length=30, choices=Outcome.choices)
    # denormalised from the inspection (filled by services.inspection_record / inspection_update)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("被查企业"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    date = models.DateField(_("排查日期"), editable=False)
    region = models.ForeignKey("organisations.Region", verbose_name=_("所属市"), on_delete=models.PROTECT,
                               related_name="+",
                               editable=False)
    county = models.ForeignKey("organisations.Region", verbose_name=_("所属区县"), on_delete=models.PROTECT,
                               related_name="+",
                               null=True, blank=True, editable=False)
    line = models.CharField(_("业务条线"), max_length=20, editable=False)

    scope = ScopeSpec(owner="inspection__unit")

    class Meta:
        verbose_name = _("排查结果")
        verbose_name_plural = _("排查结果")
        ordering = ["inspection", "category__order"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "category"], name="inspection_outcome_unique_category"),
        ]
        indexes = [
            models.Index(fields=["category", "date", "region"], name="fw_outcome_cat_date_region"),
            models.Index(fields=["line", "region", "date"], name="fw_outcome_line_region_date"),
        ]

    def __str__(self) -> str:
        return f"{self.category}：{self.get_outcome_display()}"

    @property
    def is_failed(self) -> bool:
        return self.outcome != self.Outcome.PASSED


class Measure(BaseModel):
    """A measure taken on an inspection's findings: interview, order to rectify, case opened."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("约谈")
        ORDER_RECTIFY = "order_rectify", _("责令限期整改")
        CASE_OPENED = "case_opened", _("立案查处")

    inspection = models.ForeignKey(Inspection, verbose_name=_("排查"), on_delete=models.CASCADE,
                                   related_name="measures")
    kind = models.CharField(_("措施"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("日期"), validators=[validate_not_future])
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    case_number = models.CharField(_("案件编号"), max_length=100, blank=True)
    notes = models.TextField(_("说明"), blank=True)

    scope = ScopeSpec(region="inspection__region", county="inspection__county", line="inspection__line",
                      owner="inspection__unit")

    class Meta:
        verbose_name = _("处置措施")
        verbose_name_plural = _("处置措施")
        ordering = ["inspection_id", "date", "id"]
        indexes = [models.Index(fields=["inspection", "date", "id"])]  # the list's order (core.generic.checks)
        constraints = [
            models.CheckConstraint(condition=~Q(kind="order_rectify") | Q(deadline__isnull=False),
                                   name="measure_order_needs_deadline"),
            models.CheckConstraint(condition=Q(deadline__isnull=True) | Q(deadline__gte=models.F("date")),
                                   name="measure_deadline_after_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"
