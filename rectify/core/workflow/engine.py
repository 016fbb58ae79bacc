"""Taking a step: the one path every page, API call, task and service goes through.

`perform` locks the record in the actor's scope (the same answer for missing and out of scope),
checks the expected version, who may take the step (403 with the reason), the record's state and
conditions (409 naming the current state), the required values (a field error), runs the step's
service body, moves the state, bumps the version, writes the domain event and the notices — all in
one transaction, so a refusal anywhere leaves nothing half-written. `offers` answers the same
questions without acting, for the page's buttons, the API's `steps/` read and the work desk."""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from rectify.core.access.scope import restrict
from rectify.core.audit.events import record_event
from rectify.core.current import change_reason
from rectify.core.generic.services import ConflictError

from . import notices
from .declare import Step, Workflow, workflow_of


class RecordNotFound(PermissionDenied):
    """Missing or out of the actor's scope: the two are never told apart (404 on pages and API)."""

    def __init__(self) -> None:
        super().__init__(_("记录不存在或不在您的数据范围内。"))


class StepRefused(PermissionDenied):
    """The actor may not take this step (403), with the reason."""


class StateConflict(ValidationError):
    """The record is not (or no longer) in a state the step starts from (409), naming its state."""

    def __init__(self, message: str, state: str, state_label: str) -> None:
        super().__init__(message, code="state")
        self.state = state
        self.state_label = state_label


class UnknownStep(LookupError):
    pass


@dataclass
class Outcome:
    """What a step's body may return besides nothing: the record to show next, and what the step's
    event should say beyond the values it was given."""

    show: Any = None
    detail: dict[str, Any] | None = None


@dataclass(frozen=True)
class Offer:
    step: Step
    allowed: bool
    reason: str = ""


def _step(workflow: Workflow, name: str) -> Step:
    step = workflow.step(name)
    if step is None:
        raise UnknownStep(name)
    return step


def state_refusal(workflow: Workflow, step: Step, obj: Any) -> tuple[str, str] | None:
    """(reason, state) when the record's state or conditions close the step."""
    state = workflow.state(obj)
    if state not in step.sources:
        if state in workflow.final or not workflow.open_steps(state):
            text = _("%(what)s当前为“%(now)s”，不能再%(step)s。")
        else:
            text = _("%(what)s当前为“%(now)s”，须为“%(need)s”才能%(step)s。")
        return text % {"what": type(obj)._meta.verbose_name, "now": workflow.label_of(state), "step": step.label,
                       "need": "、".join(workflow.label_of(s) for s in step.sources)}, state
    if step.when is not None:
        found = step.when.refusal(None, obj, step)
        if found:
            return found, state
    return None


def refusal(workflow: Workflow, step: Step, user: Any, obj: Any) -> str | None:
    """Why `user` may not take `step` on `obj` now, or None. Who comes first: a unit that can
    never take the step reads that, not a state it could not change anyway."""
    who = step.who.refusal(user, obj, step)
    if who:
        return who
    found = state_refusal(workflow, step, obj)
    return found[0] if found else None


def offers(user: Any, obj: Any) -> list[Offer]:
    """Every declared step of the record's workflow, allowed or with the reason it is not."""
    workflow = workflow_of(obj)
    if workflow is None:
        return []
    out = []
    for step in workflow.steps:
        reason = refusal(workflow, step, user, obj)
        out.append(Offer(step, reason is None, reason or ""))
    return out


def bump(obj: models.Model, *fields: str) -> None:
    """Save a record a step changed besides its own (the lead a transfer's acceptance moves),
    with its version moved like every change."""
    if hasattr(obj, "version"):
        obj.version += 1
        fields = (*fields, "version") if fields else ()
    obj.save(update_fields=[*fields, "updated_at"] if fields and hasattr(obj, "updated_at") else None)


def _detail(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        if isinstance(value, models.Model):
            out[key] = str(value)
            out[f"{key}_id"] = str(value.pk)
        elif hasattr(value, "name") and hasattr(value, "read"):  # an uploaded file
            out[key] = value.name
        elif value is None or isinstance(value, bool | int):  # kept as they are: the history reads them as 是/否
            out[key] = value
        else:
            out[key] = str(value)
    return out


def perform(obj: models.Model, name: str, *, actor: Any, values: dict[str, Any] | None = None,
            expected_version: int | None = None) -> Any:
    """Take step `name` on `obj` as `actor`; returns the record to show next (the step's own
    answer, or the record). Raises RecordNotFound, StepRefused, StateConflict, ConflictError or a
    field ValidationError, having written nothing."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise ValueError("a workflow step needs the acting user")
    workflow = workflow_of(obj)
    if workflow is None:
        raise UnknownStep(name)
    step = _step(workflow, name)
    values = dict(values or {})
    model = type(obj)
    with transaction.atomic():
        # The record's own row, and in the mode that leaves it referable (FOR NO KEY UPDATE): the
        # model's ordering and the scope join other tables (a report joins its region), whose rows
        # a plain FOR UPDATE would hold too, and a row inserted meanwhile that refers to a held row
        # (an inspection in the report's city) waits at its commit — holding the change log's chain
        # lock this step needs next: a deadlock. Steps on the same record still wait for each other.
        locked = restrict(model._default_manager.select_for_update(of=("self",), no_key=True).filter(pk=obj.pk),
                          actor, "view").first()
        if locked is None:
            raise RecordNotFound()
        if expected_version is not None and getattr(locked, "version", expected_version) != expected_version:
            raise ConflictError(
                _("该记录已被他人修改（当前版本 %(now)s，您看到的是版本 %(mine)s）。请刷新后再办理。")
                % {"now": locked.version, "mine": expected_version}, code="conflict")
        who = step.who.refusal(actor, locked, step)
        if who:
            raise StepRefused(who)
        closed = state_refusal(workflow, step, locked)
        if closed:
            raise StateConflict(closed[0], closed[1], workflow.label_of(closed[1]))
        unknown = sorted(set(values) - set(step.form.base_fields))
        if unknown:
            raise ValidationError(_("“%(step)s”这一步不能填写：%(f)s。")
                                  % {"step": step.label, "f": "、".join(unknown)})
        missing = {f: _("“%(step)s”须填写此项。") % {"step": step.label}
                   for f in step.required if f not in values or values[f] in (None, "") or
                   (isinstance(values[f], str) and not values[f].strip())}
        if missing:
            raise ValidationError(missing)
        previous = workflow.state(locked)
        reason = str(values.get("reason") or "").strip()
        with change_reason(reason) if reason else nullcontext():  # the step's reason reaches the change log
            outcome = step.run(locked, actor, values) if step.run else None
            if not isinstance(outcome, Outcome):
                outcome = Outcome(show=outcome)
            if step.target is not None and workflow.state_of is None:
                setattr(locked, workflow.state_field, step.target)
            if hasattr(locked, "version"):
                locked.version += 1
            locked.save()
        now = workflow.state(locked)
        if workflow.state_of is not None and step.target is not None and now != step.target:
            # A derived state is the body's doing: a body that did not produce it is a defect.
            raise AssertionError(f"{workflow.name}.{step.name} left the state {now!r}, not {step.target!r}")
        record_event(step.event or f"{workflow.name}.{step.name}", locked, user=actor, detail={
            "step": step.name, "state_from": previous, "state_to": now, **_detail(values), **(outcome.detail or {})})
        notices.after_step(workflow, step, locked, actor, previous, values)
    return outcome.show if outcome.show is not None else locked
