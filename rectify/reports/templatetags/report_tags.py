from urllib.parse import urlencode

from django import template

from rectify.reports.official import notes_lines, submission_note
from rectify.reports.selectors import snapshot_specs as specs

register = template.Library()


def _runs(groups):
    out = []
    for g, header in groups:
        if g and out and out[-1][0] == g:
            out[-1] = (g, out[-1][1] + 1)
        elif g:
            out.append((g, 1))
        else:
            out.append(("", header))
    return out


@register.filter
def column_groups(columns):
    """(group, span) runs; a column without a group gives ("", its header) and spans two rows."""
    return _runs([(c.group, c.header) for c in columns])


@register.filter
def spec_groups(columns):
    return _runs([(c["group"], c["header"]) for c in columns])


@register.filter
def layout_notes(layout) -> list[str]:
    """The layout's notes as its official files print them: the 报送说明 line is its campaign's (an
    unsaved layout — one indicator's preview — is no official table and has none)."""
    if layout.pk is None:
        return notes_lines(layout.notes)
    return notes_lines(layout.notes, submission_note(layout.campaign))


@register.simple_tag
def drill_query(params, category_id, cutoff):
    return urlencode({**params, "category": category_id, "cutoff": cutoff.isoformat()})


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, "")


@register.simple_tag
def snapshot_specs(campaign, tables):
    return specs(campaign, tables)
