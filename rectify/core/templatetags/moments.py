"""Moments as people read them: Beijing time to the minute ("2020-06-04 05:46", core.clock).

`{{ value|moment }}` writes a date-time so and passes any other value through unchanged, so it
can stand in front of a generic value (a detail page's field) before the usual filters; a filter
such as linebreaksbr would otherwise write a date-time as str() does: UTC with microseconds.

`{% for name, old, new in change|shown_diff %}` is ObjectChange.diff() with the logged values of
date-time fields, which the change log keeps as UTC ISO text, written the same way;
`change|shown_snapshot` the same for every logged field, changed or not.
"""
from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.db import models

from rectify.core.clock import format_logged, format_moment

register = template.Library()


@register.filter
def moment(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return format_moment(value)
    return value


def _shown(change, rows: list[tuple[str, Any, Any]]) -> list[tuple[str, Any, Any]]:
    model = ContentType.objects.get_for_id(change.content_type_id).model_class() if change.content_type_id else None
    # By the model's fields, not by the look of the text: a text field may hold what looks like a date-time.
    fields = model._meta.concrete_fields if model else ()
    moments = {f.attname for f in fields if isinstance(f, models.DateTimeField)}
    return [(name, format_logged(old), format_logged(new)) if name in moments else (name, old, new)
            for name, old, new in rows]


@register.filter
def shown_diff(change) -> list[tuple[str, Any, Any]]:
    return _shown(change, change.diff())


@register.filter
def shown_snapshot(change) -> list[tuple[str, Any, Any]]:
    before, after = change.before or {}, change.after or {}
    return _shown(change, [(name, before.get(name), after.get(name)) for name in sorted(set(before) | set(after))])
