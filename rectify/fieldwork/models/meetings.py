"""Scheduling meetings (调度会议) of a working group and the tasks their decisions assign (议定事项)."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import ScopeSpec
from rectify.core.models import BaseModel, CampaignRecord
from rectify.core.security.validators import validate_not_future


class SchedulingMeeting(CampaignRecord):
    """A meeting convened by `unit` (the convening unit), with the units that attended it. Placed
    where the convening unit is; every attending unit sees it (of any city or line), since its
    decisions bind them."""

    date = models.DateField(_("会议日期"), validators=[validate_not_future])
    title = models.CharField(_("会议名称"), max_length=200)
    attendees = models.ManyToManyField("organisations.Unit", verbose_name=_("参会单位"), related_name="+")
    minutes = models.TextField(_("会议纪要"))
    notes = models.TextField(_("备注"), blank=True)

    scope = ScopeSpec(shared="attendees")

    class Meta:
        verbose_name = _("调度会议")
        verbose_name_plural = _("调度会议")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["-date", "-id"]),  # the list's order (core.generic.checks)
            models.Index(fields=["region", "-date", "-id"], name="fw_meeting_region_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"


class MeetingTask(BaseModel):
    """A decision of a meeting assigned to one unit with a deadline. It belongs to the meeting (its
    place and its owner are the meeting's, so a task is written by the convening side) and the
    assigned unit sees it and reports on it through the workflow's 报告完成情况 step
    (rectify/fieldwork/workflows.py), which puts it on that unit's work desk with its deadline; the
    convening side then confirms it done (确认办结) or returns it (退回重办)."""

    meeting = models.ForeignKey(SchedulingMeeting, verbose_name=_("调度会议"), on_delete=models.CASCADE,
                                related_name="tasks")
    description = models.TextField(_("议定事项"))
    assignee = models.ForeignKey("organisations.Unit", verbose_name=_("承办单位"), on_delete=models.PROTECT,
                                 related_name="+")
    deadline = models.DateField(_("完成期限"))
    report = models.TextField(_("完成情况"), blank=True, editable=False)
    done_on = models.DateField(_("完成日期"), null=True, blank=True, editable=False)
    confirmed_on = models.DateField(_("确认办结日期"), null=True, blank=True, editable=False)

    scope = ScopeSpec(region="meeting__region", county="meeting__county", line="meeting__line",
                      owner="meeting__unit", shared="assignee")

    frozen_message = _("已报告完成的事项不能修改；如需重办，请召集单位退回。")

    class Meta:
        verbose_name = _("会议议定事项")
        verbose_name_plural = _("会议议定事项")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["deadline", "id"])]  # the list's order (core.generic.checks)
        constraints = [
            models.CheckConstraint(condition=Q(done_on__isnull=True) | ~Q(report=""), name="meeting_task_report"),
            models.CheckConstraint(condition=Q(confirmed_on__isnull=True) | Q(done_on__isnull=False),
                                   name="meeting_task_confirmed_after_report"),
        ]

    def __str__(self) -> str:
        text = self.description.strip().splitlines()[0] if self.description.strip() else ""
        return f"{text[:40]}（{self.assignee}）" if self.assignee_id else text[:40]

    def clean(self) -> None:
        super().clean()
        if self.meeting_id and self.deadline and self.deadline < self.meeting.date:
            raise ValidationError({"deadline": _("完成期限不能早于会议日期（%(d)s）。") % {"d": self.meeting.date}})
        if self.done_on and self.meeting_id and self.done_on < self.meeting.date:
            raise ValidationError({"done_on": _("完成日期不能早于会议日期。")})

    def frozen_fields(self) -> tuple[str, ...]:
        return ("meeting", "description", "assignee", "deadline") if self.done_on else ()
