"""Automatic before/after change records for every model that inherits BaseModel.

Single writes arrive through Django's signals (pre_save/post_save/post_delete, which also cover
cascaded deletes); bulk writes through RestrictedQuerySet. Every row written here carries the
acting user and request id from core.current.
"""
from __future__ import annotations

import contextlib
import datetime
import decimal
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from rectify.core.audit.chain import (
    chain_body,
    ensure_sqlite_triggers,
    json_text,
    seal_chain,
    shared_head,
)
from rectify.core.audit.models import ObjectChange
from rectify.core.current import current_actor, current_reason

MASK = "******"

# Only `rectify seed_demo --scale large` turns this off: a million synthetic benchmark rows are not
# anyone's change, and logging them would double the seed. The seeding itself is one audit event.
_enabled: ContextVar[bool] = ContextVar("rectify_changelog_enabled", default=True)


# How many times this context has written change rows: a count that only grows. A data version read
# earlier in the same context is stale once it moves (core/dataversion/version.py).
_writes: ContextVar[int] = ContextVar("rectify_change_writes", default=0)


def _count_write() -> None:
    _writes.set(_writes.get() + 1)


def writes_seen() -> int:
    """How many times this context has written change rows so far."""
    return _writes.get()


@contextlib.contextmanager
def change_log_suspended() -> Iterator[None]:
    token = _enabled.set(False)
    try:
        yield
    finally:
        _enabled.reset(token)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return MASK
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def _stored_json(field: models.Field, value: Any) -> Any:
    """A JSON field's value as its column holds it: keys are strings there (an import's failed
    rows are kept by row number), and the change row's seal must hold for the value read back."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=field.encoder))


def snapshot(obj: models.Model) -> dict[str, Any]:
    exclude = set(getattr(obj, "log_exclude", ()))
    data = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if field.name in exclude and value not in (None, ""):
            data[field.attname] = MASK
        elif isinstance(field, models.JSONField):
            data[field.attname] = _stored_json(field, value)
        else:
            data[field.attname] = _json_value(value)
    return data


def _row(model, action: str, pk: Any, repr_: str, before, after) -> ObjectChange:
    _count_write()  # the row is about to be written
    actor = current_actor()
    return ObjectChange(
        user_id=actor.user_id, username=actor.username, request_id=actor.request_id, action=action,
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_id=str(pk), object_repr=repr_[:200], before=before, after=after, reason=current_reason(),
    )


def _is_logged(sender) -> bool:
    return (_enabled.get() and isinstance(sender, type) and getattr(sender, "change_logged", False)
            and not sender._meta.abstract)


@receiver(pre_save)
def _remember_before(sender, instance, raw=False, **kwargs):
    if not _is_logged(sender) or raw or instance._state.adding or instance.pk is None:
        return
    previous = sender._base_manager.filter(pk=instance.pk).first()
    instance._changelog_before = snapshot(previous) if previous is not None else None


NOISE = frozenset({"updated_at"})


def _unchanged(before: dict, after: dict) -> bool:
    """A save that only touched the auto-updated timestamp changed nothing worth recording."""
    return {k: v for k, v in before.items() if k not in NOISE} == {k: v for k, v in after.items() if k not in NOISE}


@receiver(post_save)
def _log_save(sender, instance, created, raw=False, **kwargs):
    if not _is_logged(sender) or raw:
        return
    before = None if created else getattr(instance, "_changelog_before", None)
    after = snapshot(instance)
    if before is not None and _unchanged(before, after):
        return
    action = ObjectChange.CREATE if created else ObjectChange.UPDATE
    _row(sender, action, instance.pk, str(instance), before, after).save()
    instance._changelog_before = after


@receiver(post_delete)
def _log_delete(sender, instance, **kwargs):
    if _is_logged(sender):
        _row(sender, ObjectChange.DELETE, instance.pk, str(instance), snapshot(instance), None).save()


@receiver(post_migrate)
def _keep_logs_append_only(sender, using="default", **kwargs):
    if sender.label == "core":
        ensure_sqlite_triggers(using)


@receiver(m2m_changed)
def _log_m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    if reverse or not _is_logged(type(instance)) or action not in {"post_add", "post_remove", "post_clear"}:
        return
    field = next((f for f in instance._meta.many_to_many if f.remote_field.through is sender), None)
    if field is None:
        return
    now = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    changed = sorted(pk_set or [])
    if action == "post_add":
        before = sorted(set(now) - set(changed))
    elif action == "post_remove":
        before = sorted(set(now) | set(changed))
    else:
        before = None
    _row(type(instance), ObjectChange.UPDATE, instance.pk, str(instance), {field.name: before},
         {field.name: now}).save()


def _prime_foreign_keys(model, objs: list[models.Model]) -> None:
    """`str(obj)` often names a related object (a qualification names its enterprise): load each
    foreign key's targets for the whole batch in one query, not one query per logged row."""
    for field in model._meta.concrete_fields:
        if not field.many_to_one:
            continue
        wanted = {getattr(o, field.attname) for o in objs
                  if getattr(o, field.attname) is not None and not field.is_cached(o)}
        if not wanted:
            continue
        targets = field.related_model._base_manager.in_bulk(list(wanted))
        for o in objs:
            target = targets.get(getattr(o, field.attname))
            if target is not None and not field.is_cached(o):
                field.set_cached_value(o, target)


def _insert_many(model, action: str, entries: list[tuple[Any, str, Any, Any]], *, using: str = "default") -> None:
    """Write many change rows at once (COPY on PostgreSQL, one executemany elsewhere): (pk, repr,
    before, after) for one model and action, sealed onto the change log's chain in one pass.

    A bulk import writes several change rows per imported row; building ObjectChange instances and
    sending them through the ORM's bulk_create outweighed the import itself (docs/performance.md,
    figure b), so the rows go to the table directly. The JSON
    columns are written as the canonical text their seals cover, so each is serialised once."""
    if not entries:
        return
    _count_write()
    connection = connections[using]
    actor = current_actor()
    ct_id = ContentType.objects.db_manager(using).get_for_model(model, for_concrete_model=False).pk
    moment = timezone.now()
    now = connection.ops.adapt_datetimefield_value(moment)
    reason = current_reason()
    # ObjectChange.chain_scalars: the first six are the batch's, the last three the row's.
    head = shared_head([moment, actor.user_id, actor.username, actor.request_id, action, ct_id])
    rows = [(str(pk), repr_[:200], json_text(before), json_text(after)) for pk, repr_, before, after in entries]

    table = ObjectChange._meta.db_table
    columns = ("time", "user_id", "username", "request_id", "action", "content_type_id", "object_id", "object_repr",
               "before", "after", "reason", "prev_seal", "seal")
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        seals = seal_chain(ObjectChange, [chain_body([pk, repr_, reason], [before, after], head)
                                          for pk, repr_, before, after in rows], using)
        params = [(now, actor.user_id, actor.username, actor.request_id, action, ct_id, *row, reason, *link)
                  for row, link in zip(rows, seals, strict=True)]
        if connection.vendor == "postgresql":
            # COPY streams the rows in one round trip; per-row INSERTs, even pipelined, cost
            # several times more on a 100,000-row import.
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", params)


def log_bulk_created(model, objs: Iterable[models.Model]) -> None:
    if not _is_logged(model):
        return
    objs = list(objs)
    _prime_foreign_keys(model, objs)
    using = objs[0]._state.db if objs and objs[0]._state.db else "default"
    _insert_many(model, ObjectChange.CREATE, [(o.pk, str(o), None, snapshot(o)) for o in objs if o.pk is not None],
                 using=using)


def log_bulk_updated(model, objs, fields, before: dict) -> None:
    if not _is_logged(model):
        return
    model_fields = [model._meta.get_field(f) for f in fields]
    attnames = [f.attname for f in model_fields]
    json_fields = {f.attname: f for f in model_fields if isinstance(f, models.JSONField)}
    objs = list(objs)
    _prime_foreign_keys(model, objs)
    rows = []
    for obj in objs:
        old = before.get(obj.pk, {})
        old_values = {a: _json_value(old.get(a)) for a in attnames}
        new_values = {a: _stored_json(json_fields[a], getattr(obj, a)) if a in json_fields
                      else _json_value(getattr(obj, a)) for a in attnames}
        if old_values != new_values:
            rows.append((obj.pk, str(obj), old_values, new_values))
    _insert_many(model, ObjectChange.UPDATE, rows)


def log_queryset_update(qs, values: dict[str, Any], do_update: Callable[[], int]) -> int:
    model = qs.model
    if not _is_logged(model):
        return do_update()
    attnames = [model._meta.get_field(name).attname for name in values]
    pks = list(qs.values_list("pk", flat=True))
    before = {
        row["pk"]: row for row in model._base_manager.using(qs.db).filter(pk__in=pks).values("pk", *attnames)
    }
    count = do_update()
    after = {
        row["pk"]: row for row in model._base_manager.using(qs.db).filter(pk__in=pks).values("pk", *attnames)
    }
    reprs = {o.pk: str(o) for o in model._base_manager.using(qs.db).filter(pk__in=pks)}
    rows = []
    for pk in pks:
        old = {a: _json_value(before.get(pk, {}).get(a)) for a in attnames}
        new = {a: _json_value(after.get(pk, {}).get(a)) for a in attnames}
        if old != new:
            rows.append((pk, reprs.get(pk, str(pk)), old, new))
    _insert_many(model, ObjectChange.UPDATE, rows, using=qs.db)
    return count


def history_for(obj: models.Model):
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return ObjectChange.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("-time", "-id")


def created_by(obj: models.Model) -> int | None:
    """The id of the user whose change row created `obj` (None for rows made outside a request or a
    command that names its actor)."""
    return (history_for(obj).filter(action=ObjectChange.CREATE).order_by("id")
            .values_list("user_id", flat=True).first())
