"""`{% row_cells row %}`: a table row's cells, each written exactly as `<td>{{ cell }}</td>` would
write it (localised, escaped unless safe), without a template loop and variable node per cell.
`{% table_rows table %}`: every row of the page as `<tr>{% row_cells row %}</tr>`, or the table's
empty text — the body the project's table template wrote with a loop and a block per row."""
from __future__ import annotations

from django import template
from django.template.base import render_value_in_context
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _cells(context: template.Context, row) -> str:
    return "".join(f"<td>{render_value_in_context(cell, context)}</td>" for cell in row)


@register.simple_tag(takes_context=True)
def row_cells(context: template.Context, row) -> SafeString:
    return mark_safe(_cells(context, row))  # noqa: S308  (each cell escaped as {{ cell }} is)


@register.simple_tag(takes_context=True)
def table_rows(context: template.Context, table) -> SafeString:
    rows = [f"<tr>{_cells(context, row)}</tr>" for row in table.paginated_rows]
    if rows:
        return mark_safe("\n".join(rows))  # noqa: S308  (each cell escaped as {{ cell }} is)
    if table.empty_text:
        return format_html('<tr><td colspan="{}">{}</td></tr>', len(table.columns), table.empty_text)
    return mark_safe("")
