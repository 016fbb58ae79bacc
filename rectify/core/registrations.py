import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django_tables2.columns.base import library

from rectify.core.audit.models import Event, ObjectChange
from rectify.core.filters import EventFilterSet, ObjectChangeFilterSet
from rectify.core.generic.display import label_events
from rectify.core.registry import ModelConfig, registry


class EventTable(tables.Table):
    """The audit log's events, each named in words (a workflow step's label), its stored name under
    事件代码 for the filter."""

    time = library.column_for_field(Event._meta.get_field("time"), linkify=True)  # Beijing time, linked
    event = tables.Column(accessor="shown_event", order_by="event", verbose_name=_("事件"))
    code = tables.Column(accessor="event", orderable=False, verbose_name=_("事件代码"))

    class Meta:
        model = Event
        fields = ["time", "username", "ip", "event", "code", "object_repr", "outcome", "request_id"]
        order_by = ("-time",)


label_events({"export": _("导出列表"), "file.download": _("打开附件")})

registry.register(ModelConfig(
    model=ObjectChange, menu="system",
    list_columns=["time", "username", "action", "content_type", "object_repr", "request_id"],
    filterset=ObjectChangeFilterSet,
    allow_add=False, allow_edit=False, allow_delete=False, ordering=["-time", "-id"], select_related=["content_type"],
    detail_template="core/objectchange_detail.html",
    # The before/after snapshots are shown field by field (core/_objectchange_snapshot.html), with
    # their date-time values in Beijing time; as raw JSON they would show the log's UTC text.
    detail_fields=[f.name for f in ObjectChange._meta.concrete_fields if f.name not in {"id", "before", "after"}],
    detail_panels=["core/_objectchange_snapshot.html"],
))
registry.register(ModelConfig(
    model=Event, menu="system",
    list_columns=["time", "username", "ip", "event", "object_repr", "outcome", "request_id"],
    filterset=EventFilterSet, table=EventTable,
    allow_add=False, allow_edit=False, allow_delete=False, ordering=["-time", "-id"],
))
_ = _
