"""`{% select_options widget %}`: a select's options as Django's select_option.html and attrs.html
write them, without two template includes (and a dozen nodes) per option — a list page's filter
form has some 170 options (docs/performance.md, figure c). An option with a template of its own
is rendered with it. tests/core/speed/test_tablespeed.py compares the result with Django's stock
widgets."""
from __future__ import annotations

from django import template
from django.template.base import render_value_in_context
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

register = template.Library()

STOCK_OPTION = "django/forms/widgets/select_option.html"


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`: the filter keeps safe input safe."""
    text = f"{value}"
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)  # noqa: S308


def _attrs(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is not False:
            if value is True:
                parts.append(f" {conditional_escape(name)}")
            else:
                parts.append(f' {conditional_escape(name)}="{_formatted(value)}"')
    return "".join(parts)


@register.simple_tag(takes_context=True)
def select_options(context: template.Context, widget: dict) -> SafeString:
    parts = []
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{render_value_in_context(group_name, context)}">')
        for option in group_choices:
            if option["template_name"] == STOCK_OPTION:
                parts.append(f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                             f'{render_value_in_context(option["label"], context)}</option>')
            else:
                parts.append("\n  " + get_template(option["template_name"]).render({"widget": option}))
        if group_name:
            parts.append("\n  </optgroup>")
    return mark_safe("".join(parts))  # noqa: S308
