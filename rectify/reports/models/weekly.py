"""The weekly cycle's records: each unit's report for a week, its frozen versions, and the changes
made afterwards to records a submitted report counted."""
from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import ScopeSpec
from rectify.core.audit.integrity import SealGuard
from rectify.core.models import BaseModel, ScopedRecord


class WeeklyReport(ScopedRecord):
    """One unit's report for one week. Its figures live in versions (frozen snapshots)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待报送")
        SUBMITTED = "submitted", _("已报送")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已接收")

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("周报")
        FINAL = "final", _("总结报告")

    campaign = models.ForeignKey("organisations.Campaign", verbose_name=_("专项行动"), on_delete=models.PROTECT,
                                 related_name="+")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.WEEKLY)
    week_start = models.DateField(_("周期开始"))
    cutoff = models.DateField(_("数据截至"))
    deadline = models.DateTimeField(_("报送截止时间"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    is_late = models.BooleanField(_("迟报"), default=False)
    return_reason = models.TextField(_("退回原因"), blank=True)

    class Meta:
        verbose_name = _("周报")
        verbose_name_plural = _("周报")
        ordering = ["-cutoff", "region__code"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit", "kind", "cutoff"],
                                               name="weekly_report_unique")]
        indexes = [models.Index(fields=["cutoff", "status"])]

    def __str__(self) -> str:
        label = "总结报告" if self.kind == self.Kind.FINAL else "周报"
        return f"{self.unit.name} {label}（截至{self.cutoff:%Y-%m-%d}）"

    def scope_region_source(self):
        return self.unit.city, self.unit.county

    @property
    def latest_version(self):
        return self.versions.order_by("-number").first()


class ReportVersion(SealGuard, BaseModel):
    """A submitted (or manually entered) snapshot. Never changed once submitted: a correction after
    return is a new version."""

    class Mode(models.TextChoices):
        COMPUTED = "computed", _("系统计算")
        MANUAL = "manual", _("手工填报")

    report = models.ForeignKey(WeeklyReport, verbose_name=_("周报"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    mode = models.CharField(_("来源"), max_length=10, choices=Mode.choices, default=Mode.COMPUTED)
    tables = models.JSONField(_("报表数据"))
    narrative = models.JSONField(_("工作情况"), default=dict)
    explanations = models.JSONField(_("预警说明"), default=dict, blank=True)
    warnings = models.JSONField(_("校验提示"), default=list, blank=True)
    filled_by = models.CharField(_("填报人"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    correction_reason = models.TextField(_("更正原因"), blank=True)
    basis = models.JSONField(_("汇总依据"), default=list, blank=True,
                             help_text=_("按报送口径汇总的报告：计入的各单位报告及其版本。"))
    integrity_code = models.CharField(_("完整性校验码"), max_length=64, blank=True, editable=False)

    scope = ScopeSpec(region="report__region", county="report__county", line="report__line", owner="report__unit")
    sealed_message = _("已报送的报表版本不可修改；更正请报送新版本。")
    # The figures stay in the sealed row; the change log (read by whoever reads the version) keeps
    # no copy, so a narrower reader never sees them through the history tab.
    log_exclude = ("tables", "narrative", "explanations", "warnings", "basis")

    class Meta:
        verbose_name = _("报表版本")
        verbose_name_plural = _("报表版本")
        ordering = ["report", "-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_version_unique")]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"

    def integrity_fields(self) -> dict:
        """What a submitted version freezes (HMAC-SM3, core/audit/integrity.py; `rectify verify_integrity`)."""
        fields = {"report": self.report_id, "number": self.number, "mode": self.mode, "tables": self.tables,
                  "narrative": self.narrative, "explanations": self.explanations, "filled_by": self.filled_by,
                  "phone": self.phone, "submitted_at": self.submitted_at, "submitted_by": self.submitted_by_id}
        if self.basis:  # only a summed version has one; the seals of the others stay as they were
            fields["basis"] = self.basis
        return fields


class CountedChange(BaseModel):
    """A record a submitted (or accepted) report counted was deleted, or its sealed content
    corrected (更正), afterwards: the figures of the report's unit change behind that report, and
    the unit's next report explains why (a warning of the check step that needs a written
    explanation, reports/corrections.py). Written in the transaction of the deletion or
    correction; `explained_in` is the version that gave the explanation."""

    class Kind(models.TextChoices):
        DELETED = "deleted", _("删除")
        CORRECTED = "corrected", _("更正")

    kind = models.CharField(_("变动"), max_length=10, choices=Kind.choices)
    report = models.ForeignKey(WeeklyReport, verbose_name=_("计入该记录的报告"), on_delete=models.PROTECT,
                               related_name="counted_changes")
    content_type = models.ForeignKey(ContentType, verbose_name=_("记录类型"), on_delete=models.PROTECT,
                                     related_name="+")
    object_id = models.CharField(_("记录编号"), max_length=64)
    object_repr = models.CharField(_("记录"), max_length=200)
    record_date = models.DateField(_("记录日期"))
    reason = models.TextField(_("原因"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("时间"), auto_now_add=True)
    explained_in = models.ForeignKey(ReportVersion, verbose_name=_("说明所在版本"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    explanation = models.TextField(_("说明"), blank=True)

    scope = ScopeSpec(region="report__region", county="report__county", line="report__line", owner="report__unit")

    class Meta:
        verbose_name = _("已报送数据的变动")
        verbose_name_plural = _("已报送数据的变动")
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["report", "explained_in"], name="reports_counted_change_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_repr}"
