"""`{% table_rows table %}`: every row of the page as `<tr>` and its cells, each cell written
exactly as `<td>{{ cell }}</td>` would write it (localised, escaped unless safe), or the table's
empty text; a row past its deadline marked. The stock body is a loop with a block per row and a
variable node per cell."""
from __future__ import annotations

from django import template
from django.template.base import render_value_in_context
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def row_html(context: template.Context, row) -> str:
    """A row's cells, as `{% for cell in row %}<td>{{ cell }}</td>{% endfor %}` writes them."""
    return "".join(f"<td>{render_value_in_context(cell, context)}</td>" for cell in row)


def row_open(table, row) -> str:
    """A row's `<tr>`: marked where its open deadline has passed (the list view sets the table's
    `row_deadlines`, core.workflow.deadlines)."""
    deadlines = getattr(table, "row_deadlines", None)
    if deadlines:
        found = deadlines.get(getattr(row.record, "pk", None))
        if found is not None and found.overdue:
            return '<tr class="table-danger row-overdue">'
    return "<tr>"


@register.simple_tag(takes_context=True)
def table_rows(context: template.Context, table) -> SafeString:
    rows = [f"{row_open(table, row)}{row_html(context, row)}</tr>" for row in table.paginated_rows]
    if rows:
        return mark_safe("\n".join(rows))  # noqa: S308  (each cell escaped as {{ cell }} is)
    if table.empty_text:
        return format_html('<tr><td colspan="{}">{}</td></tr>', len(table.columns), table.empty_text)
    return mark_safe("")
