"""`{% row_cells row %}`: a table row's cells, each written exactly as `<td>{{ cell }}</td>` would
write it (localised, escaped unless safe), without a template loop and variable node per cell."""
from __future__ import annotations

from django import template
from django.template.base import render_value_in_context
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def row_cells(context: template.Context, row) -> SafeString:
    return mark_safe("".join(f"<td>{render_value_in_context(cell, context)}</td>" for cell in row))  # noqa: S308
