"""Whom a step tells: the users who may take the next step, once each, never anyone out of scope.

A step's hand-off is the moment a step of another unit opens: the record's new state opens steps
whose `assignee` names that unit, and every active user of it who could take the step (its `who`
rule and the record's scope) gets one notice — in the application and, where they have an address,
by e-mail once the transaction commits. Colleagues of the actor's own unit are not told of their
own unit's progress. `also_tell` tells a unit the outcome (the sender of a transfer). Reminders
before a deadline and notices of an overdue step go out once per step and due date."""
from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from rectify.core import clock
from rectify.core.access.scope import can
from rectify.core.notifications import notify

from .declare import Assignee, Step, Workflow, workflow_of, workflows


def recipients(assignee: Assignee, obj: Any, step: Step | None, exclude_unit: int | None) -> list[Any]:
    """The active users of the assignee's units (but `exclude_unit`) who see `obj` and, given a step,
    could take it now: whom a notice about `obj` may reach."""
    unit_ids = {u.pk for u in assignee.units(obj)} - {exclude_unit}
    if not unit_ids:
        return []
    users = get_user_model().objects.filter(unit_id__in=unit_ids, is_active=True).select_related("unit")
    found = []
    for user in users:
        if not can(user, "view", obj):
            continue
        if step is not None and step.who.refusal(user, obj, step):
            continue
        found.append(user)
    return found


def _key(kind: str, obj: Any, *parts: Any) -> str:
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return ":".join(str(p) for p in (kind, ct.pk, obj.pk, *parts))[:120]


def _body(actor: Any, step_label: str, values: dict[str, Any]) -> str:
    reason = str(values.get("reason") or values.get("return_reason") or "").strip()
    who = f"{actor.unit}·{actor}" if getattr(actor, "unit", None) else str(actor)
    body = _("%(who)s已%(step)s。") % {"who": who, "step": step_label}
    if reason:
        body += _("理由：%(reason)s") % {"reason": reason}
    return body


def _tell_open(workflow: Workflow, obj: Any, actor: Any, body: str, skip: Step | None, told: set[int]) -> int:
    """Tell the assignees of the steps open on `obj` now (other units than the actor's)."""
    sent = 0
    own_unit = getattr(actor, "unit_id", None)
    marker = obj.version if hasattr(obj, "version") else workflow.state(obj)
    for nxt in workflow.open_steps(workflow.state(obj)):
        if nxt.assignee is None or nxt is skip:
            continue
        if nxt.when is not None and nxt.when.refusal(None, obj, nxt):
            continue
        title = _("待%(step)s：%(obj)s") % {"step": nxt.label, "obj": obj}
        for user in recipients(nxt.assignee, obj, nxt, own_unit):
            if user.pk not in told:
                told.add(user.pk)
                sent += notify(user=user, title=title[:200], body=body, url=obj.get_absolute_url(),
                               key=_key("step", obj, marker, user.pk))
    return sent


def after_step(workflow: Workflow, step: Step, obj: Any, actor: Any, previous: str,
               values: dict[str, Any]) -> int:
    """The notices of a step just taken (in its transaction); returns how many were written."""
    body = _body(actor, str(step.label), values)
    told: set[int] = set()
    # A step that leaves the state as it was does not reopen itself for its own unit's colleagues.
    sent = _tell_open(workflow, obj, actor, body, step if workflow.state(obj) == previous else None, told)
    if step.also_tell is not None:
        title = _("%(step)s：%(obj)s") % {"step": step.label, "obj": obj}
        for user in recipients(step.also_tell, obj, None, getattr(actor, "unit_id", None)):
            if user.pk not in told:
                told.add(user.pk)
                sent += notify(user=user, title=title[:200], body=body, url=obj.get_absolute_url(),
                               key=_key("outcome", obj, step.name, getattr(obj, "version", ""), user.pk))
    return sent


def announce(obj: Any, actor: Any, reason: str = "") -> int:
    """A record a step created (a transfer's hop, a joint-punishment measure, a 督办 item): tell the
    units that must act on it, with the reason it was sent."""
    workflow = workflow_of(obj)
    if workflow is None:
        return 0
    body = _("%(who)s发来：%(obj)s。") % {"who": getattr(actor, "unit", None) or actor, "obj": obj}
    if reason.strip():
        body += _("理由：%(reason)s") % {"reason": reason.strip()}
    return _tell_open(workflow, obj, actor, body, None, set())


def _as_date(due: datetime.date | datetime.datetime) -> datetime.date:
    return clock.beijing_date(due) if isinstance(due, datetime.datetime) else due


def remind(today: datetime.date | None = None, days_before: int = 2) -> int:
    """Reminders for open steps due within `days_before` days, and overdue notices; each once."""
    today = today or clock.today()
    sent = 0
    for workflow in workflows():
        for step in workflow.steps:
            if step.deadline is None or step.assignee is None:
                continue
            rows = workflow.model._default_manager.filter(workflow.in_states(step.sources))
            for obj in rows.iterator(chunk_size=500):
                if step.when is not None and step.when.refusal(None, obj, step):
                    continue
                due = step.deadline.due(obj)
                if due is None:
                    continue
                day = _as_date(due)
                if day < today:
                    kind, title = "overdue", _("已逾期：%(step)s·%(obj)s（期限 %(due)s）")
                elif (day - today).days <= days_before:
                    kind, title = "remind", _("即将到期：%(step)s·%(obj)s（期限 %(due)s）")
                else:
                    continue
                text = title % {"step": step.label, "obj": obj, "due": clock.format_due(due)}
                for user in recipients(step.assignee, obj, step, None):
                    sent += notify(user=user, title=text[:200], body=str(step.deadline.label),
                                   url=obj.get_absolute_url(), key=_key(kind, obj, step.name, day, user.pk))
    return sent
