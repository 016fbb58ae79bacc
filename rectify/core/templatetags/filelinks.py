"""`{% with link=widget.value|file_link %}`: a stored file as a link to core.files' checked view."""
from __future__ import annotations

from django import template

from rectify.core.generic.files import FileLink, field_file_link

register = template.Library()


@register.filter
def file_link(value) -> FileLink | None:
    return field_file_link(value)
