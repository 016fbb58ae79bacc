from django.utils.translation import gettext_lazy as _

from rectify.core.audit.models import Event, ObjectChange
from rectify.core.filters import EventFilterSet, ObjectChangeFilterSet
from rectify.core.registry import ModelConfig, registry

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
    filterset=EventFilterSet,
    allow_add=False, allow_edit=False, allow_delete=False, ordering=["-time", "-id"],
))
_ = _
