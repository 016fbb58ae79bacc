"""The open deadline of each row of a list page: of the steps declared with a `Deadline` that the
row's state opens (and its `when` condition allows), the earliest due date, and whether it has
passed — the same declarations the work desk and the reminders read, for every user alike.

The rows' states are asked in the database (`Workflow.in_states`, which also answers a derived
state such as a capacity request's), in one query for the whole page, which reads the full rows:
a list reads only the columns it shows, and a deadline may read others."""
from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core import clock

from .declare import Step, workflow_of
from .rules import AllOf, Rule


@dataclass(frozen=True)
class RowDeadline:
    due: datetime.date | datetime.datetime
    label: str  # what the deadline is (收到投诉之日起7个工作日内决定是否受理)
    step: str  # the step it is for (受理)
    overdue: bool

    @property
    def text(self) -> str:
        return clock.format_due(self.due)

    @property
    def countdown(self) -> str:
        """"已逾期3天" past the deadline, "今天到期", "还剩2天"; days and hours for a moment."""
        if isinstance(self.due, datetime.datetime):  # as the work desk counts a moment
            delta = self.due - timezone.now()
            days, hours = divmod(int(abs(delta.total_seconds()) // 3600), 24)
            text = _("%(d)s天%(h)s小时") % {"d": days, "h": hours} if days else _("%(h)s小时") % {"h": hours}
            return (_("已逾期%(t)s") if delta.total_seconds() < 0 else _("还剩%(t)s")) % {"t": text}
        days = (self.due - clock.today()).days
        if days < 0:
            return _("已逾期%(n)s天") % {"n": -days}
        return _("今天到期") if days == 0 else _("还剩%(n)s天") % {"n": days}


def _moment(due: datetime.date | datetime.datetime) -> datetime.datetime:
    """A due date as the last minute of its Beijing day, to compare it with a due moment."""
    if isinstance(due, datetime.datetime):
        return due
    return clock.beijing_at(due, datetime.time(23, 59))


def _holds(rule: Rule | None, obj: Any) -> bool:
    """A step's `when` (a condition on the record alone) holds for `obj`. Its test is asked, not its
    refusal, whose reason may read related records."""
    if rule is None:
        return True
    if isinstance(rule, AllOf):
        return all(_holds(part, obj) for part in rule.rules)
    return bool(rule.test(None, obj))


def deadline_steps(model: Any) -> list[Step]:
    workflow = workflow_of(model)
    return [step for step in workflow.steps if step.deadline is not None] if workflow else []


def row_deadlines(model: Any, pks: Iterable[Any]) -> dict[Any, RowDeadline]:
    """The open deadline of each of the rows `pks` that has one, by pk, in one query."""
    pks = list(pks)
    steps = deadline_steps(model)
    if not steps or not pks:
        return {}
    workflow = workflow_of(model)
    opened = {f"_open_{n}": ExpressionWrapper(workflow.in_states(step.sources), output_field=BooleanField())
              for n, step in enumerate(steps)}
    now, today = timezone.now(), clock.today()
    found: dict[Any, RowDeadline] = {}
    for obj in model._base_manager.filter(pk__in=pks).annotate(**opened):
        best: RowDeadline | None = None
        for n, step in enumerate(steps):
            if not getattr(obj, f"_open_{n}") or not _holds(step.when, obj):
                continue
            due = step.deadline.due(obj)
            if due is None or (best is not None and _moment(best.due) <= _moment(due)):
                continue
            overdue = due < now if isinstance(due, datetime.datetime) else due < today
            best = RowDeadline(due, str(step.deadline.label), str(step.label), overdue)
        if best is not None:
            found[obj.pk] = best
    return found
