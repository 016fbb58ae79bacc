"""Moments as people read them: Beijing time to the minute ("2020-06-04 05:46", core.clock).

`{{ value|moment }}` writes a date-time so and passes any other value through unchanged, so it
can stand in front of a generic value (a detail page's field) before the usual filters; a filter
such as linebreaksbr would otherwise write a date-time as str() does: UTC with microseconds.

`{% for label, old, new in change|shown_diff %}` is ObjectChange.diff() as people read it: each
field by its label, each logged value (the change log keeps date-times as UTC ISO text, references
as ids, choices as codes) as the record's page shows it (core.generic.display.logged_rows);
`change|shown_snapshot` the same for every logged field, changed or not. `event|event_name` and
`event|event_detail`: an event's name and detail in words.
"""
from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType

from rectify.core.clock import format_moment
from rectify.core.generic.display import event_label, event_lines, logged_rows

register = template.Library()


@register.filter
def moment(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return format_moment(value)
    return value


def _model(change):
    return ContentType.objects.get_for_id(change.content_type_id).model_class() if change.content_type_id else None


def _record(change, model):
    """The changed record, for a model that words its own logged values."""
    if model is None or not hasattr(model, "logged_value") or not change.object_id:
        return None
    return model._base_manager.filter(pk=change.object_id).first()


@register.filter
def shown_diff(change) -> list[tuple[str, Any, Any]]:
    """The change's changed fields by their labels, each value as the record's page shows it."""
    model = _model(change)
    return logged_rows(model, change.diff(), _record(change, model))


@register.filter
def shown_snapshot(change) -> list[tuple[str, Any, Any]]:
    before, after = change.before or {}, change.after or {}
    model = _model(change)
    return logged_rows(model, [(name, before.get(name), after.get(name))
                               for name in sorted(set(before) | set(after))], _record(change, model))


@register.filter
def event_name(name: str) -> str:
    """An event's name in words (its workflow step's label)."""
    return event_label(name)


@register.filter
def event_detail(event: Any) -> list:
    """An event's detail as labelled lines (core.generic.display.event_lines)."""
    return event_lines(event)
