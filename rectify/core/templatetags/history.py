"""`{% if config.model|history_readable:user %}`: whether to offer a record's history tab (a
model may keep its history to an audit role: core/access/history.py)."""
from __future__ import annotations

from django import template

from rectify.core.access.history import may_read_history

register = template.Library()


@register.filter
def history_readable(model, user) -> bool:
    return may_read_history(user, model)
