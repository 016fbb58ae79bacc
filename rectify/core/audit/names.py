"""Events by name, in words: a workflow step's event is called by the step's label (core.workflow
gives them, and they come first), any other by what its app gives (`label_events`, from the app's
labels module). The history tab and the audit log show these, not the stored names."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_event_labels: dict[str, Any] = {}
_step_labels: dict[str, Any] = {}
_step_states: dict[str, dict[str, Any]] = {}


def label_events(labels: Mapping[str, Any]) -> None:
    """Names, in words, of the events an app records outside its workflows' steps."""
    _event_labels.update(labels)


def label_steps(labels: Mapping[str, Any], states: Mapping[str, Any] = ()) -> None:
    """The workflows' step events by the steps' labels, and the labels of the states their events'
    details name (`state_from`, `state_to`)."""
    _step_labels.update(labels)
    for event in labels:
        _step_states[event] = dict(states)


def state_label(event: str, state: str) -> str:
    """A state named in a step event's detail, as its workflow calls it."""
    return str(_step_states.get(event, {}).get(state, state))


def event_label(name: str) -> str:
    """An event's name in words; the name itself when nobody gave one."""
    return str(_step_labels.get(name) or _event_labels.get(name, name))
