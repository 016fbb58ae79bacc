"""A phase's deliverables (阶段任务: the producer list built, the complaint channels published...) and
each city's progress on them.

A `Deliverable` is a catalogue row of a campaign's phase, like the phase itself: what every city
must have done by its due date. Each city office keeps one `CityDeliverable` per deliverable, a
scoped record of its city: it marks it done with its evidence, and the provincial office confirms it
or sends it back with a reason (organisations/workflows.py). What the records themselves show of it
(the city's listed producers, its publicity) is counted by `organisations.evidence` beside the status."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.core import clock
from rectify.core.access.scope import ScopeSpec
from rectify.core.models import BaseModel, CampaignRecord
from rectify.core.security.validators import validate_file_content, validate_not_future

from .campaigns import Phase

EVIDENCE_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx"]
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


def validate_evidence_size(file) -> None:
    if file and getattr(file, "size", 0) > EVIDENCE_MAX_BYTES:
        raise ValidationError(_("佐证材料不能超过 20 MB。"), code="size")


class Deliverable(BaseModel):
    """What every city must have done by `due` in one phase of a campaign."""

    class Kind(models.TextChoices):
        PRODUCER_LIST = "producer_list", _("生产企业清单")
        EXPORTER_LIST = "exporter_list", _("出口企业清单")
        COMPLAINT_CHANNEL = "complaint_channel", _("投诉举报渠道")
        PUBLICITY = "publicity", _("宣传报道")
        OTHER = "other", _("无（以报告的佐证为准）")

    phase = models.ForeignKey(Phase, verbose_name=_("阶段"), on_delete=models.CASCADE, related_name="deliverables")
    name = models.CharField(_("任务名称"), max_length=100)
    description = models.TextField(_("工作要求"), blank=True)
    due = models.DateField(_("完成期限"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    kind = models.CharField(
        _("佐证数据"), max_length=30, choices=Kind.choices, default=Kind.OTHER,
        help_text=_("系统据此从各市的记录中统计完成情况的佐证数据（如列入生产企业清单的企业数），显示在状态旁。"),
    )

    # Part of its phase's configuration: read and written by whoever may read and write the phase.
    perm_area = Phase.perm_area
    scope = getattr(Phase, "scope", None)

    class Meta:
        verbose_name = _("阶段任务")
        verbose_name_plural = _("阶段任务")
        ordering = ["phase", "order"]
        constraints = [models.UniqueConstraint(fields=["phase", "name"], name="deliverable_name_unique")]

    label_fields = ("name",)

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if not self.phase_id or not self.due:
            return
        phase = self.phase
        if self.due < phase.start:
            raise ValidationError({"due": _("完成期限不能早于阶段开始日期（%(d)s）。") % {"d": phase.start}})
        if self.due > phase.campaign.end:
            raise ValidationError({"due": _("完成期限不能晚于专项行动结束日期（%(d)s）。") % {"d": phase.campaign.end}})

    def delete_refusal(self) -> str | None:
        """A deliverable some city has started on keeps its rows: they are that city's record."""
        started = self.city_rows.exclude(status=CityDeliverable.Status.OPEN).select_related("region")
        names = "、".join(dict.fromkeys(str(row.region) for row in started[:5]))
        if names:
            return str(_("%(names)s等市已办理该阶段任务，不能删除。") % {"names": names})
        return None


class CityDeliverable(CampaignRecord):
    """One city's progress on a deliverable, kept by the city's working-group office (`unit`). Every
    unit of the city sees it (no line constraint); the province sees all. The state moves only by
    the workflow's steps. The due date and the campaign are the deliverable's, copied so that the
    lists, the work desk and the reminders read them from the row itself (a list shows the rows of
    the campaign the user works in, core.generic.campaigns)."""

    class Status(models.TextChoices):
        OPEN = "open", _("未开始")
        IN_PROGRESS = "in_progress", _("进行中")
        REPORTED = "reported", _("已报完成待确认")
        DONE = "done", _("已完成")

    deliverable = models.ForeignKey(Deliverable, verbose_name=_("阶段任务"), on_delete=models.CASCADE,
                                    related_name="city_rows")
    due = models.DateField(_("完成期限"), editable=False)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN,
                              editable=False, db_index=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True, editable=False,
                                    validators=[validate_not_future])
    evidence_note = models.TextField(_("完成情况说明"), blank=True, editable=False)
    evidence_link = models.URLField(_("佐证链接"), max_length=500, blank=True, editable=False)
    evidence_file = models.FileField(
        _("佐证材料"), upload_to="deliverables/%Y/%m/", blank=True, editable=False,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS), validate_evidence_size, validate_file_content],
    )
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报告人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    confirmed_on = models.DateField(_("确认日期"), null=True, blank=True, editable=False,
                                    validators=[validate_not_future])
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", editable=False)
    return_reason = models.TextField(_("退回原因"), blank=True, editable=False)

    scope = ScopeSpec(line=None)

    class Meta:
        verbose_name = _("阶段任务完成情况")
        verbose_name_plural = _("阶段任务完成情况")
        ordering = ["due", "id"]
        indexes = [
            models.Index(fields=["due", "id"]),  # the list's order (core.generic.checks)
            models.Index(fields=["region", "due", "id"], name="org_citydeliv_region_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["deliverable", "region"], name="city_deliverable_once_per_city"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_progress"]) | Q(completed_on__isnull=False),
                name="city_deliverable_reported_has_date"),
            models.CheckConstraint(condition=~Q(status="done") | Q(confirmed_on__isnull=False),
                                   name="city_deliverable_done_confirmed"),
        ]

    def __str__(self) -> str:
        return f"{self.deliverable.name}（{self.region.name}）" if self.region_id else self.deliverable.name

    def fill_scope(self) -> None:
        # the deliverable's campaign, whichever campaign the writer works in
        self.campaign_id = self.deliverable.phase.campaign_id
        super().fill_scope()

    @property
    def is_finished(self) -> bool:
        """Reported or confirmed: the city has done its part."""
        return self.status in (self.Status.REPORTED, self.Status.DONE)

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Past its due date and not yet reported done."""
        return not self.is_finished and self.due < (today or clock.today())

    @property
    def was_late(self) -> bool:
        return self.completed_on is not None and self.completed_on > self.due
