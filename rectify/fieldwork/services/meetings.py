"""Scheduling meetings (调度会议) and their decisions (议定事项).

A meeting's decisions become tasks, each assigned to the convening unit or to a unit that attended,
with a deadline; the assigned unit sees the task on its work desk, is told when it is assigned and
reminded before the deadline (core.workflow), and reports what was done (报告完成情况); the
convening side confirms it done (确认办结) or returns a report it finds wanting (退回重办). Which units attended is a
many-to-many field, which the generic writes set after `full_clean`, so the rules that read it are
here (ModelConfig `create=`/`update=`)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from rectify.core.clock import today
from rectify.core.generic.services import lock_for_write, object_create, object_update
from rectify.core.workflow.engine import Outcome, perform
from rectify.core.workflow.notices import announce

from ..models import MeetingTask, SchedulingMeeting
from .common import not_future


def _ids(values: Iterable | None) -> set[int]:
    return {getattr(v, "pk", v) for v in values or []}


@transaction.atomic
def meeting_update(*, obj: SchedulingMeeting, data: Mapping[str, Any], actor,
                   expected_version: int | None = None) -> SchedulingMeeting:
    """ModelConfig.update: a unit that holds a decision of the meeting stays among its attendees
    (it would lose sight of the meeting that gave it the task)."""
    locked = lock_for_write(SchedulingMeeting, obj.pk, actor, "change")
    if "attendees" in data and (expected_version is None or locked.version == expected_version):
        keep = _ids(data["attendees"]) | {data["unit"].pk if "unit" in data else locked.unit_id}
        holding = [t.assignee for t in locked.tasks.select_related("assignee") if t.assignee_id not in keep]
        if holding:
            names = "、".join(dict.fromkeys(str(u) for u in holding))
            raise ValidationError({"attendees": _("以下单位承办本次会议的议定事项，不能从参会单位中移除：%(names)s")
                                   % {"names": names}})
    return object_update(obj=locked, data=data, actor=actor, expected_version=expected_version)


def _check_assignee(meeting: SchedulingMeeting, assignee) -> None:
    if assignee is None:
        return
    if assignee.pk != meeting.unit_id and not meeting.attendees.filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("承办单位须为会议的召集单位或参会单位：“%(unit)s”未参加“%(meeting)s”。")
                               % {"unit": assignee, "meeting": meeting}})
    if not assignee.is_active:
        raise ValidationError({"assignee": _("“%(unit)s”已停用，不能承办事项。") % {"unit": assignee}})


@transaction.atomic
def meeting_task_create(*, model: type[models.Model], data: Mapping[str, Any], actor) -> MeetingTask:
    """ModelConfig.create: the convening side records a decision as a task; the assigned unit is told."""
    meeting = data.get("meeting")
    if meeting is not None:
        # only the convening side assigns a meeting's decisions (an attendee sees the meeting, no more)
        meeting = lock_for_write(SchedulingMeeting, meeting.pk, actor, "change")
        _check_assignee(meeting, data.get("assignee"))
    task = object_create(model=model, data=dict(data), actor=actor)
    announce(task, actor, task.description)
    return task


@transaction.atomic
def meeting_task_update(*, obj: MeetingTask, data: Mapping[str, Any], actor,
                        expected_version: int | None = None) -> MeetingTask:
    """ModelConfig.update: the rule holds for an edit, a PATCH read against the task as kept; a new
    assignee is told."""
    locked = lock_for_write(MeetingTask, obj.pk, actor, "change")
    before = locked.assignee_id
    if expected_version is None or locked.version == expected_version:
        meeting = data.get("meeting", locked.meeting)
        _check_assignee(meeting, data.get("assignee", locked.assignee))
    task = object_update(obj=locked, data=dict(data), actor=actor, expected_version=expected_version)
    if task.assignee_id != before:
        announce(task, actor, task.description)
    return task


def meeting_task_complete(*, task: MeetingTask, report: str, actor, done_on=None) -> MeetingTask:
    """The assigned unit reports what was done (the workflow's step)."""
    values = {"report": report, **({"done_on": done_on} if done_on else {})}
    perform(task, "complete", actor=actor, values=values)
    return MeetingTask.objects.get(pk=task.pk)


def complete_body(task: MeetingTask, actor, values: dict[str, Any]) -> Outcome:
    done_on = values.get("done_on") or today()
    not_future(done_on, "done_on")
    if done_on < task.meeting.date:
        raise ValidationError({"done_on": _("完成日期不能早于会议日期（%(d)s）。") % {"d": task.meeting.date}})
    report = (values.get("report") or "").strip()
    if not report:
        raise ValidationError({"report": _("请填写完成情况。")})
    task.report, task.done_on = report, done_on
    task.full_clean()
    return Outcome(detail={"on": done_on.isoformat(), "late": str(done_on > task.deadline)})


def meeting_task_reopen(*, task: MeetingTask, reason: str, actor) -> MeetingTask:
    perform(task, "reopen", actor=actor, values={"reason": reason})
    return MeetingTask.objects.get(pk=task.pk)


def reopen_body(task: MeetingTask, actor, values: dict[str, Any]) -> None:
    # The report stays on the task (and in the event of the step that gave it) until the unit
    # reports again; only its date goes, which reopens the unit's step.
    task.done_on = None


def meeting_task_confirm(*, task: MeetingTask, actor, confirmed_on=None) -> MeetingTask:
    """The convening side confirms the reported task done (确认办结)."""
    perform(task, "confirm", actor=actor, values={"confirmed_on": confirmed_on} if confirmed_on else {})
    return MeetingTask.objects.get(pk=task.pk)


def confirm_body(task: MeetingTask, actor, values: dict[str, Any]) -> None:
    on = values.get("confirmed_on") or today()
    not_future(on, "confirmed_on")
    if on < task.done_on:
        raise ValidationError({"confirmed_on": _("确认办结日期不能早于完成日期（%(d)s）。") % {"d": task.done_on}})
    task.confirmed_on = on
