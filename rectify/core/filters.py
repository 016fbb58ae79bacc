"""The filters of the change log and the event log, on their pages and in the API."""
from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.core.audit.models import Event, ObjectChange
from rectify.core.generic.builders import SearchFilterSet, date_range_filters
from rectify.core.security.inputs import INT64_MAX


class IdFilter(django_filters.Filter):
    """An id as a whole number the column can hold (a fraction is refused, not rounded)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", INT64_MAX)
        super().__init__(*args, **kwargs)


_TIME = date_range_filters("time", _("时间"), on_datetime=True)


class LogFilterSet(SearchFilterSet):
    """`user` is the acting account's id as each row gives it, not a choice among the accounts: the
    audit roles read the logs without reading the accounts (a choice narrowed to what they see would
    offer none), and a row keeps the id of an account since deleted."""

    user = IdFilter(field_name="user", label=_("用户编号"))
    time__gte = _TIME["time__gte"]
    time__lte = _TIME["time__lte"]


class ObjectChangeFilterSet(LogFilterSet):
    search_fields = ("username", "object_repr", "request_id", "object_id")

    class Meta:
        model = ObjectChange
        # content_type with object_id: one record's history, on the log's (content type, object) index.
        fields = ["action", "content_type", "object_id"]


class EventFilterSet(LogFilterSet):
    search_fields = ("username", "event", "object_repr", "request_id", "ip")

    class Meta:
        model = Event
        fields = ["event", "outcome", "content_type", "object_id"]
