"""The work desk: everything where a step is open to the user, by deadline.

For each declared step listed on desks, the rows in its starting states that are assigned to the
user's unit (`Assignee.q`), within the user's scope, that the user may take now (its `who` and
`when` rules), each with its due date and whether it is overdue. A step with many open rows shows
the first `limit` of them and says how many there are."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core import clock
from rectify.core.access.scope import model_allows

from .declare import Step, Workflow, workflows


@dataclass
class DeskItem:
    workflow: Workflow
    step: Step
    obj: Any
    url: str
    due: datetime.date | datetime.datetime | None
    overdue: bool
    soon: bool
    note: str = ""

    @property
    def kind(self) -> str:
        return str(self.workflow.model._meta.verbose_name)

    @property
    def due_text(self) -> str:
        return clock.format_due(self.due)

    @property
    def countdown(self) -> str:
        """"还剩 2 天 3 小时" for a moment, "还剩 2 天" for a date; "已逾期 …" past it."""
        if self.due is None:
            return ""
        if isinstance(self.due, datetime.datetime):
            delta = self.due - timezone.now()
            hours = int(abs(delta.total_seconds()) // 3600)
            days, hours = divmod(hours, 24)
            text = _("%(d)s天%(h)s小时") % {"d": days, "h": hours} if days else _("%(h)s小时") % {"h": hours}
            return (_("已逾期%(t)s") if delta.total_seconds() < 0 else _("还剩%(t)s")) % {"t": text}
        days = (self.due - clock.today()).days
        if days < 0:
            return _("已逾期%(n)s天") % {"n": -days}
        return _("今天到期") if days == 0 else _("还剩%(n)s天") % {"n": days}


def _note(obj: Any) -> str:
    """What the user must know before opening the record: why it came back."""
    return str(getattr(obj, "return_reason", "") or "")


def _sort_key(item: DeskItem) -> tuple:
    due = item.due
    if due is None:
        return (1, datetime.datetime.max.replace(tzinfo=datetime.UTC))
    if not isinstance(due, datetime.datetime):
        due = clock.beijing_at(due, datetime.time(23, 59))
    return (0, due)


@dataclass
class Desk:
    items: list[DeskItem]
    more: dict[str, str]  # step -> how many more ("12", or "至少 12" where not every row was read)

    @property
    def overdue(self) -> int:
        return sum(1 for i in self.items if i.overdue)


def _label(workflow: Workflow, step: Step) -> str:
    return f"{workflow.model._meta.verbose_name}·{step.label}"


def desk_for(user: Any, limit: int = 30, shown: int = 60) -> Desk:
    now, today = timezone.now(), clock.today()
    items: list[DeskItem] = []
    capped: set[str] = set()
    for workflow in workflows():
        if not model_allows(user, workflow.model, "view"):
            continue
        for step in workflow.steps:
            if not step.on_desk or step.assignee is None:
                continue
            assigned = step.assignee.q(user)
            if assigned is None:
                continue
            rows = (workflow.model.objects.restrict(user, "view").filter(assigned)
                    .filter(workflow.in_states(step.sources)))
            taken = 0
            for obj in rows[: limit * 2 + 1]:
                if taken == limit:
                    capped.add(_label(workflow, step))
                    break
                if step.who.refusal(user, obj, step) or (step.when and step.when.refusal(user, obj, step)):
                    continue
                taken += 1
                due = step.deadline.due(obj) if step.deadline else None
                if isinstance(due, datetime.datetime):
                    overdue, soon = due < now, now <= due <= now + datetime.timedelta(days=1)
                elif due is not None:
                    overdue, soon = due < today, today <= due <= today + datetime.timedelta(days=2)
                else:
                    overdue = soon = False
                url = step.page(obj) if step.page else obj.get_absolute_url()
                items.append(DeskItem(workflow, step, obj, url, due, overdue, soon, _note(obj)))
    items.sort(key=_sort_key)
    counts: dict[str, int] = {}
    for item in items[shown:]:  # the earliest deadlines are shown; the rest counted by step
        label = _label(item.workflow, item.step)
        counts[label] = counts.get(label, 0) + 1
    for label in capped - set(counts):
        counts[label] = 0
    more = {label: (str(n) if label not in capped else _("至少%(n)s") % {"n": n} if n else _("若干"))
            for label, n in counts.items()}
    return Desk(items[:shown], more)
