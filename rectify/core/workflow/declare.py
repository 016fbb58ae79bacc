"""The declaration of a workflow: its states and its steps, read by the services (`engine.perform`),
the record pages and their step bar, the API's step actions, the work desk and the notices.

A step says where it may start (`sources`) and where it leads (`target`), who may take it (`who`, a
`rules.Rule`), what else the record must satisfy (`when`), what it asks for (`form`, whose required
fields include a mandatory reason where the law or the office wants one), who must act on it
(`assignee`: their work desk lists it and they are told when it opens), by when (`deadline`), and
what it does besides moving the state (`run`, the service body)."""
from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import unit_model
from rectify.core.generic.display import label_steps

from .forms import EmptyForm, StepForm
from .rules import Rule, resolve

Runner = Callable[[Any, Any, dict[str, Any]], Any]  # (locked record, actor, values) -> record to show next, or None


@dataclass(frozen=True)
class Assignee:
    """The units that must act on a step: `units(obj)` for the notices, `q(user)` (rows assigned to
    the user's unit; None for none) for the work desk."""

    label: str
    units: Callable[[Any], Iterable[Any]]
    q: Callable[[Any], Q | None]


def unit_at(path: str, label: str = _("承办单位")) -> Assignee:
    """The unit at `path` on the record (`"unit"`, `"to_unit"`, `"case__unit"`)."""
    def units(obj: Any) -> list[Any]:
        unit = resolve(obj, path)
        return [unit] if unit is not None else []

    def q(user: Any) -> Q | None:
        unit_id = getattr(user, "unit_id", None)
        return Q(**{f"{path}_id" if "__" not in path else f"{path}__pk": unit_id}) if unit_id else None
    return Assignee(str(label), units, q)


def provincial_office(label: str = _("省专项工作组办公室")) -> Assignee:
    def units(obj: Any) -> Any:
        return unit_model().objects.filter(is_office=True, region__level="province", is_active=True)

    def q(user: Any) -> Q | None:
        unit = getattr(user, "unit", None)
        return Q() if unit is not None and unit.is_provincial_office else None
    return Assignee(str(label), units, q)


def city_office(label: str = _("市专项工作组办公室")) -> Assignee:
    """The working-group office of the record's city (验收销号, 曝光审核)."""
    def units(obj: Any) -> Any:
        return unit_model().objects.filter(is_office=True, region_id=getattr(obj, "region_id", None), is_active=True)

    def q(user: Any) -> Q | None:
        unit = getattr(user, "unit", None)
        if unit is None or not unit.is_office or unit.is_provincial:
            return None
        return Q(region_id__in=unit.covered_city_ids())
    return Assignee(str(label), units, q)


@dataclass(frozen=True)
class Deadline:
    """By when a step must be taken: `due(obj)` (a date, or a datetime for the weekly deadline),
    None when the record has no such date yet. `legal` marks a limit the law sets (the test over
    the declarations requires one where the domain names it)."""

    label: str
    due: Callable[[Any], datetime.date | datetime.datetime | None]
    legal: bool = False


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    sources: tuple[str, ...]
    who: Rule
    target: str | None = None  # None: the state does not change (a follow-up, a correction...)
    form: type[StepForm] = EmptyForm
    run: Runner | None = None
    when: Rule | None = None
    assignee: Assignee | None = None
    deadline: Deadline | None = None
    also_tell: Assignee | None = None  # told the outcome once the step is taken (the sender of a transfer)
    event: str = ""  # the domain event's name; "<workflow>.<step>" when empty
    style: str = "primary"
    done: str = ""
    on_desk: bool = True  # listed on the assignee's work desk while open
    page: Callable[[Any], str] | None = None  # the record's own page for a step it takes there (a report's 报送)
    leads_to: tuple[str, ...] = ()  # where a step of a derived state may lead (an allocation: partial or met)

    @property
    def required(self) -> list[str]:
        return [name for name, f in self.form.base_fields.items() if f.required]

    @property
    def inline(self) -> bool:
        """Nothing to type: a one-click button on the record's page."""
        return all(isinstance(f, forms.DateField) and not f.required for f in self.form.base_fields.values())


@dataclass
class Workflow:
    """`name` prefixes the events (`case.decide`); `states` are the model's choices; `bar` the main
    path the step bar shows; `state_of`/`state_q` replace `state_field` for a state the record
    derives (an action is 待落实 until its `done_on` is set)."""

    name: str
    model: type[models.Model]
    states: Sequence[tuple[str, str]]
    steps: list[Step]
    state_field: str = "status"
    bar: Sequence[str] = ()
    state_of: Callable[[Any], str] | None = None
    state_q: Callable[[Sequence[str]], Q] | None = None
    final: Sequence[str] = field(default_factory=tuple)
    # (user, obj) -> related records whose open steps show on this record's page (a lead's transfer)
    companions: Callable[[Any, Any], Iterable[Any]] | None = None
    # States a record enters other than by this workflow's steps (recorded in it by a service, or set
    # by another workflow's step): the test over the declarations counts them as reached.
    set_elsewhere: Sequence[str] = ()

    def __post_init__(self) -> None:
        names = [s.name for s in self.steps]
        if len(names) != len(set(names)):
            raise ValueError(f"{self.name}: duplicate step names")

    @property
    def initial(self) -> str:
        """The state a new record starts in."""
        if self.state_of is None:
            default = self.model._meta.get_field(self.state_field).default
            if default is not models.NOT_PROVIDED:
                return default
        return self.bar[0] if self.bar else self.states[0][0]

    def step(self, name: str) -> Step | None:
        return next((s for s in self.steps if s.name == name), None)

    def state(self, obj: Any) -> str:
        return self.state_of(obj) if self.state_of else getattr(obj, self.state_field)

    def label_of(self, state: str) -> str:
        return str(dict(self.states).get(state, state))

    def in_states(self, states: Sequence[str]) -> Q:
        return self.state_q(states) if self.state_q else Q(**{f"{self.state_field}__in": list(states)})

    def open_steps(self, state: str) -> list[Step]:
        return [s for s in self.steps if state in s.sources]


_WORKFLOWS: dict[type[models.Model], Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    _WORKFLOWS[workflow.model] = workflow
    # the history tab names a step's event by the step's label
    label_steps({step.event or f"{workflow.name}.{step.name}": step.label for step in workflow.steps},
                states=dict(workflow.states))
    return workflow


def workflow_of(model: type[models.Model] | models.Model) -> Workflow | None:
    model = model if isinstance(model, type) else type(model)
    return _WORKFLOWS.get(model)


def workflows() -> list[Workflow]:
    return list(_WORKFLOWS.values())
