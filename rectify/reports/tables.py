"""The weekly-report list's table, and the drill-down's table for a source model that has no pages
of its own."""
from __future__ import annotations

import django_tables2

from rectify.core.generic.display import line_label
from rectify.core.registry import registry

from .models import Indicator, WeeklyReport


class WeeklyReportTable(django_tables2.Table):
    """A row opens the report: the reporting unit is what the reader looks for, but the report is
    what they came to read (the generic table would link the unit's own page)."""

    unit = django_tables2.Column(linkify=lambda record: record.get_absolute_url())

    class Meta:
        model = WeeklyReport
        fields = ["unit", "kind", "cutoff", "deadline", "status", "submitted_at", "is_late"]
        order_by = ("-cutoff", "region__code")


def _label(name: str) -> str:
    return Indicator._meta.get_field(name).verbose_name


class IndicatorTable(django_tables2.Table):
    """The indicators by what they count, in words: the source model's name and its fields' labels
    (the stored codes are what the edit page takes)."""

    code = django_tables2.Column(linkify=True)
    source = django_tables2.Column(accessor="shown_source", order_by="source", verbose_name=_label("source"))
    field = django_tables2.Column(accessor="shown_field", order_by="field", verbose_name=_label("field"))
    date_field = django_tables2.Column(accessor="shown_date_field", order_by="date_field",
                                       verbose_name=_label("date_field"))

    class Meta:
        model = Indicator
        fields = ["code", "name", "source", "aggregate", "field", "date_field", "campaign"]
        order_by = ("campaign", "code")


def drill_table_for(model: type) -> type[django_tables2.Table]:
    """A table for a source model that has no pages of its own (e.g. inspection outcomes): its
    fields, with links to the registered records it belongs to."""
    names = [f.name for f in model._meta.concrete_fields if f.name not in {"id", "created_at", "updated_at", "version"}]
    attrs = {}
    for f in model._meta.concrete_fields:
        if f.is_relation and f.related_model in registry:
            attrs[f.name] = django_tables2.Column(linkify=True, verbose_name=f.verbose_name)
        elif f.name == "line" and not f.choices:  # a record's derived line, stored as its code
            attrs["render_line"] = staticmethod(lambda value: line_label(value))
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": names})
    return type(f"{model.__name__}DrillTable", (django_tables2.Table,), attrs)
