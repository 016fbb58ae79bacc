"""Who reads a record's history, beyond who reads the record (等保 三员分立).

By default whoever may view a record may read its history tab (a clerk reads a case's changes), and
the audit roles read the whole log (`ObjectChange`/`Event`, area `audit`). A model may keep its
history to a narrower area with `log_area`: the accounts do (`account_log`), so the system and
security administrators, who keep the accounts, do not read what was done to them, and the business
auditor reviews business records only. Holders of that area read the history without access to the
record itself: the audit administrator has no accounts pages.
"""
from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from rectify.core.access.scope import area_allows


def log_area(model: type[models.Model]) -> str | None:
    return getattr(model, "log_area", None)


def may_read_history(user, model: type[models.Model]) -> bool:
    """May `user` read the history of a `model` record they can reach?"""
    area = log_area(model)
    return area is None or area_allows(user, area, "view")


def closed_log_q(user, log_model: type[models.Model]) -> Q | None:
    """The rows of the log `log_model` (ObjectChange or Event) `user` may not read — those of
    models whose log area the user lacks, and the events such a model names (`log_events`
    prefixes) — or None when there are none."""
    closed = [m for m in apps.get_models() if not may_read_history(user, m)]
    if not closed:
        return None
    types = ContentType.objects.get_for_models(*closed, for_concrete_models=False)
    q = Q(content_type_id__in=sorted(ct.pk for ct in types.values()))
    if any(f.name == "event" for f in log_model._meta.fields):
        for model in closed:
            for prefix in getattr(model, "log_events", ()):
                q |= Q(event__startswith=prefix)
    return q


def history_object(model: type[models.Model], pk: int, user) -> models.Model:
    """The record whose history tab a holder of the model's log area opens (403 for others)."""
    if not may_read_history(user, model):
        raise PermissionDenied(_("此类记录的变更历史仅审计管理员可以查看。"))
    obj = model._base_manager.filter(pk=pk).first()
    if obj is None:
        raise Http404(_("记录不存在或不在您的数据范围内。"))
    return obj
