"""An uploaded enterprise list and what became of it (enterprises/importing.py reads it, the services apply it)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import RECORD_SCOPE
from rectify.core.models import ScopedRecord


class ImportJob(ScopedRecord):
    """One uploaded list file and what became of it. Kept so the user can leave the page and come
    back, and so the failed rows can be downloaded later."""

    class Status(models.TextChoices):
        PENDING = "pending", _("等待校验")
        VALIDATING = "validating", _("校验中")
        READY = "ready", _("校验通过，待确认导入")
        INVALID = "invalid", _("有错误行，不能导入")
        COMMITTING = "committing", _("导入中")
        DONE = "done", _("已导入")
        FAILED = "failed", _("导入失败（未写入任何数据）")

    kind = models.CharField(_("导入类型"), max_length=30, default="enterprises")
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    total = models.PositiveIntegerField(_("数据行数"), default=0)
    processed = models.PositiveIntegerField(_("已处理行数"), default=0)
    count_new = models.PositiveIntegerField(_("新增"), default=0)
    count_update = models.PositiveIntegerField(_("更新"), default=0)
    count_unchanged = models.PositiveIntegerField(_("无变化"), default=0)
    count_error = models.PositiveIntegerField(_("错误行"), default=0)
    message = models.TextField(_("说明"), blank=True)
    errors = models.JSONField(_("错误明细"), default=list, blank=True)      # [{row, column, reason}]
    failed_rows = models.JSONField(_("失败行原始数据"), default=dict, blank=True)  # {row: [cells]}
    headers = models.JSONField(_("表头"), default=list, blank=True)
    # [{row, status, name, credit_code, changes, warnings}]
    preview = models.JSONField(_("预览"), default=list, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)  # [{row, column, reason}]: shown, not blocking
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    scope = RECORD_SCOPE

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:import_job", kwargs={"pk": self.pk})

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.PENDING, self.Status.VALIDATING, self.Status.COMMITTING}
