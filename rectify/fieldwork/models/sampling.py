"""Supervisory sampling (抽检): tasks, samples with objection/retest, and the disposal of a
nonconforming batch (cause analysis, recall, flow tracing, case, exposure)."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import RECORD_SCOPE, ScopeSpec
from rectify.core.models import CampaignRecord
from rectify.core.security.validators import validate_not_future

from .directory import TestingInstitution

OBJECTION_DAYS = 15  # 产品质量监督抽查: the enterprise may object within 15 days of notification


class Result(models.TextChoices):
    PENDING = "pending", _("待检")
    CONFORMING = "conforming", _("合格")
    NONCONFORMING = "nonconforming", _("不合格")


class Stage(models.TextChoices):
    PRODUCTION = "production", _("生产环节")
    CIRCULATION = "circulation", _("流通环节")
    ECOMMERCE = "ecommerce", _("电商平台")
    EXPORT = "export", _("出口环节")


class SamplingTask(CampaignRecord):
    name = models.CharField(_("任务名称"), max_length=200)
    category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    planned_batches = models.PositiveIntegerField(_("计划批次"), default=0)
    targets = models.ManyToManyField("enterprises.Enterprise", verbose_name=_("抽检对象"), blank=True, related_name="+")
    notes = models.TextField(_("说明"), blank=True)

    # stated explicitly: region + county + line of work (see core.access.scope)
    scope = RECORD_SCOPE
    unit_lines = ("market",)

    class Meta:
        verbose_name = _("抽检任务")
        verbose_name_plural = _("抽检任务")
        ordering = ["-period_start", "name"]
        constraints = [models.CheckConstraint(condition=Q(period_end__gte=F("period_start")),
                                              name="sampling_task_period")]
        indexes = [models.Index(fields=["region", "period_start"], name="fw_task_region_start")]

    def __str__(self) -> str:
        return self.name


class Sample(CampaignRecord):
    """One sampled batch. `final_result` is the result that stands — the retest's when there is
    one — kept as a column (filled by the services, enforced by a check constraint) so reports
    and the disposal rule read one field."""

    task = models.ForeignKey(SamplingTask, verbose_name=_("抽检任务"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="samples")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("被抽样企业"), on_delete=models.PROTECT,
                                   related_name="samples")
    product_name = models.CharField(_("产品名称"), max_length=200)
    category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), on_delete=models.PROTECT,
                                 related_name="+")
    batch_number = models.CharField(_("批号"), max_length=100)
    quantity = models.PositiveIntegerField(_("抽样数量"), default=1)
    production_date = models.DateField(_("生产日期"), null=True, blank=True, validators=[validate_not_future])
    sampled_on = models.DateField(_("抽样日期"), validators=[validate_not_future])
    stage = models.CharField(_("抽样环节"), max_length=20, choices=Stage.choices, default=Stage.PRODUCTION)
    testing_institution = models.ForeignKey("fieldwork.TestingInstitution", verbose_name=_("检验机构"), null=True,
                                            blank=True,
                                            on_delete=models.PROTECT, related_name="samples")
    report_number = models.CharField(_("检验报告编号"), max_length=100, blank=True)
    items_tested = models.TextField(_("检验项目"), blank=True)
    standard = models.CharField(_("检验依据（标准）"), max_length=300, blank=True)
    result = models.CharField(_("检验结论"), max_length=20, choices=Result.choices, default=Result.PENDING)
    failing_items = models.TextField(_("不合格项目"), blank=True)
    notified_on = models.DateField(_("结果告知日期"), null=True, blank=True, validators=[validate_not_future])
    objection_filed_on = models.DateField(_("异议申请日期"), null=True, blank=True, validators=[validate_not_future])
    retest_result = models.CharField(_("复检结论"), max_length=20, choices=Result.choices, blank=True)
    retest_report_number = models.CharField(_("复检报告编号"), max_length=100, blank=True)
    retested_on = models.DateField(_("复检日期"), null=True, blank=True, validators=[validate_not_future])
    final_result = models.CharField(_("最终结论"), max_length=20, choices=Result.choices, default=Result.PENDING,
                                    editable=False, db_index=True)

    # stated explicitly: region + county + line of work (see core.access.scope)
    scope = RECORD_SCOPE
    unit_lines = ("market",)

    class Meta:
        verbose_name = _("抽检样品")
        verbose_name_plural = _("抽检样品")
        ordering = ["-sampled_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(objection_filed_on__isnull=True)
                                   | Q(notified_on__isnull=False, objection_filed_on__gte=F("notified_on")),
                                   name="sample_objection_after_notice"),
            models.CheckConstraint(condition=Q(retest_result="") | Q(objection_filed_on__isnull=False),
                                   name="sample_retest_needs_objection"),
            models.CheckConstraint(condition=Q(retest_result="", final_result=F("result"))
                                   | (~Q(retest_result="") & Q(final_result=F("retest_result"))),
                                   name="sample_final_result_stands"),
            models.CheckConstraint(condition=Q(production_date__isnull=True) | Q(production_date__lte=F("sampled_on")),
                                   name="sample_produced_before_sampled"),
        ]
        indexes = [
            models.Index(fields=["-sampled_on", "-id"]),  # the list's order (core.generic.checks)
            models.Index(fields=["region", "-sampled_on", "-id"], name="fw_sample_region_date"),
            models.Index(fields=["category", "sampled_on", "region"], name="fw_sample_cat_date_region"),
            models.Index(fields=["enterprise", "batch_number"], name="fw_sample_enterprise_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} 批号{self.batch_number}"

    LAB_USE = _("样品的检验机构")

    @classmethod
    def from_db(cls, db, field_names, values):
        obj = super().from_db(db, field_names, values)
        obj._stored_lab_id = obj.__dict__.get("testing_institution_id")
        return obj

    def clean(self) -> None:
        super().clean()
        # The lab must test when it is chosen. One already stored stays: the directory may have
        # changed since (a lab that lost its accreditation), and the test-report check flags it.
        if self.testing_institution_id and self.testing_institution_id != getattr(self, "_stored_lab_id", None):
            refusal = self.testing_institution.role_refusal(TestingInstitution.Kind.TESTING, self.LAB_USE)
            if refusal:
                raise ValidationError({"testing_institution": refusal})

    @staticmethod
    def standing_result(result: str, retest_result: str) -> str:
        """The retest result stands when present."""
        return retest_result or result


class Disposal(CampaignRecord):
    """The disposal of one nonconforming sample, step by step. Created by the sample services
    when the final result is nonconforming; the unit is the sample's."""

    sample = models.OneToOneField(Sample, verbose_name=_("不合格样品"), on_delete=models.CASCADE,
                                  related_name="disposal",
                                  editable=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), on_delete=models.PROTECT,
                                 related_name="+", editable=False)
    batch_number = models.CharField(_("批号"), max_length=100, editable=False)
    cause_analysis_on = models.DateField(_("收到原因分析日期"), null=True, blank=True, validators=[validate_not_future])
    cause_analysis = models.TextField(_("原因分析"), blank=True)
    recall_ordered_on = models.DateField(_("责令召回日期"), null=True, blank=True, validators=[validate_not_future])
    quantity_to_recall = models.PositiveIntegerField(_("应召回数量"), null=True, blank=True)
    quantity_returned = models.PositiveIntegerField(_("实际召回数量"), null=True, blank=True)
    recall_completed_on = models.DateField(_("召回完成日期"), null=True, blank=True, validators=[validate_not_future])
    flow_traced_on = models.DateField(_("流向排查完成日期"), null=True, blank=True, validators=[validate_not_future])
    flow_trace_notes = models.TextField(_("流向排查情况"), blank=True)
    case_number = models.CharField(_("立案编号"), max_length=100, blank=True)
    case_opened_on = models.DateField(_("立案日期"), null=True, blank=True, validators=[validate_not_future])
    exposed_on = models.DateField(_("曝光日期"), null=True, blank=True, validators=[validate_not_future])
    exposure_notes = models.TextField(_("曝光情况"), blank=True)
    # The units of the cities the batch flowed into, told by the flow trace (services.tracing).
    downstream_units = models.ManyToManyField("organisations.Unit", verbose_name=_("已通报的下游地市单位"),
                                              blank=True, editable=False, related_name="+")

    # Region + county + line of work, and the downstream cities' units from the trace on (read only:
    # the owner side stays the sampling unit's). A to-many path, so scope takes it as a subquery.
    scope = ScopeSpec(shared="downstream_units__id")

    class Meta:
        verbose_name = _("不合格产品核查处置")
        verbose_name_plural = _("不合格产品核查处置")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity_returned__isnull=True) | Q(quantity_to_recall__isnull=True)
                                   | Q(quantity_returned__lte=F("quantity_to_recall")),
                                   name="disposal_returned_le_to_recall"),
            models.CheckConstraint(condition=Q(case_opened_on__isnull=True) | ~Q(case_number=""),
                                   name="disposal_case_needs_number"),
        ]
        indexes = [models.Index(fields=["region", "recall_ordered_on"], name="fw_disposal_region_recall")]

    def __str__(self) -> str:
        return f"{self.sample} 处置"

    def scope_region_source(self):
        return self.sample.region, self.sample.county

    @property
    def recall_effectiveness(self) -> Decimal | None:
        """Returned / to recall, as a percentage (None until both are known)."""
        if not self.quantity_to_recall or self.quantity_returned is None:
            return None
        return (Decimal(self.quantity_returned) * 100 / Decimal(self.quantity_to_recall)).quantize(Decimal("0.1"))
