"""The weekly-report list's table, and the drill-down's table for a source model that has no pages
of its own."""
from __future__ import annotations

import django_tables2

from rectify.core.registry import registry

from .models import WeeklyReport


class WeeklyReportTable(django_tables2.Table):
    """A row opens the report: the reporting unit is what the reader looks for, but the report is
    what they came to read (the generic table would link the unit's own page)."""

    unit = django_tables2.Column(linkify=lambda record: record.get_absolute_url())

    class Meta:
        model = WeeklyReport
        fields = ["unit", "kind", "cutoff", "deadline", "status", "submitted_at", "is_late"]
        order_by = ("-cutoff", "region__code")


def drill_table_for(model: type) -> type[django_tables2.Table]:
    """A table for a source model that has no pages of its own (e.g. inspection outcomes): its
    fields, with links to the registered records it belongs to."""
    names = [f.name for f in model._meta.concrete_fields if f.name not in {"id", "created_at", "updated_at", "version"}]
    attrs = {}
    for f in model._meta.concrete_fields:
        if f.is_relation and f.related_model in registry:
            attrs[f.name] = django_tables2.Column(linkify=True, verbose_name=f.verbose_name)
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": names})
    return type(f"{model.__name__}DrillTable", (django_tables2.Table,), attrs)
