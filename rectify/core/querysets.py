"""The QuerySet of every BaseModel: scoping (`restrict`) and change logging of bulk writes.

Single saves and deletes (including cascades) are logged by signal handlers in changelog.py;
the bulk paths Django does not signal — `bulk_create`, `bulk_update`, `update` — are logged here.
"""
from __future__ import annotations

from typing import Any

from django.db import models, transaction

from rectify.core.access.querysets import RestrictMixin
from rectify.core.audit.changelog import log_bulk_created, log_bulk_updated, log_queryset_update
from rectify.core.bulkcopy import copy_create, copy_supported


class RestrictedQuerySet(RestrictMixin, models.QuerySet):
    def bulk_create(self, objs, *args: Any, **kwargs: Any):
        objs = list(objs)
        new_rows_campaign = getattr(self.model, "campaign_for_new_rows", None)
        if new_rows_campaign is not None and any(not obj.campaign_id for obj in objs):
            campaign_id = new_rows_campaign()  # once for the batch, not per row in fill_scope
            for obj in objs:
                obj.campaign_id = obj.campaign_id or campaign_id
        for obj in objs:
            if hasattr(obj, "fill_scope") and obj.unit_id:
                obj.fill_scope()
        with transaction.atomic(using=self.db):
            if not args and copy_supported(self.model, objs, self.db, kwargs):
                created = copy_create(self.model, objs, self.db)
            else:
                created = super().bulk_create(objs, *args, **kwargs)
            log_bulk_created(self.model, created)
        return created

    def bulk_update(self, objs, fields, *args: Any, **kwargs: Any) -> int:
        objs = list(objs)
        with transaction.atomic(using=self.db):
            attnames = [self.model._meta.get_field(f).attname for f in fields]
            before = {
                row["pk"]: row for row in self.model._base_manager.using(self.db)
                .filter(pk__in=[o.pk for o in objs]).values("pk", *attnames)
            }
            count = super().bulk_update(objs, fields, *args, **kwargs)
            log_bulk_updated(self.model, objs, fields, before)
        return count

    def update(self, **kwargs: Any) -> int:
        with transaction.atomic(using=self.db):
            return log_queryset_update(self, kwargs, lambda: super(RestrictedQuerySet, self).update(**kwargs))
