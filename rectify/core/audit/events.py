"""Explicit audit and domain events (`record_event`), written in the caller's transaction."""
from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from rectify.core.audit.models import Event
from rectify.core.current import current_actor


def record_event(
    event: str, obj: models.Model | None = None, *, outcome: str = Event.SUCCESS, user=None,
    detail: dict[str, Any] | None = None,
) -> Event:
    actor = current_actor()
    user_id = getattr(user, "pk", None) or actor.user_id
    username = getattr(user, "username", "") or actor.username
    return Event.objects.create(
        user_id=user_id, username=username, ip=actor.ip, request_id=actor.request_id, event=event,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "", object_repr=str(obj)[:200] if obj is not None else "",
        outcome=outcome, detail=detail or {},
    )


def events_for(obj: models.Model):
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return Event.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("-time", "-id")
