"""Generic write services used by the generic views, the API, imports and the CLI.

Each validates, saves (the change log follows automatically), re-checks the actor's scope on the
saved row inside the same transaction, and raises rather than half-writing. Domain apps add their
own `<entity>_<action>` services for workflow steps and call these for plain edits."""
from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.deletion import Collector
from django.dispatch import Signal
from django.utils.translation import gettext as _

from rectify.core.access.scope import model_allows, restrict, units_for, write_refusal
from rectify.core.current import change_reason

# Sent inside the transaction of a change that must give its reason — a deletion (kind "deleted",
# from object_delete) or a 更正 of a sealed document (kind "corrected") — once it is written:
# `obj` is the record as it was, `objects` the rows the change took away or rewrote, as they were
# (a deletion's cascade included), `current` the corrected record (None for a deletion), with the
# `actor` and the `reason`. The reports app flags such changes of rows a submitted report counted
# to that unit's next report (reports/corrections.py).
changed_with_reason = Signal()

REASON_MAX_LENGTH = 500


class ConflictError(ValidationError):
    """Someone else saved the record since it was loaded (optimistic locking)."""


def _assign(obj: models.Model, data: dict[str, Any]) -> dict[str, Any]:
    m2m = {}
    for name, value in data.items():
        field = obj._meta.get_field(name)
        if field.many_to_many:
            m2m[name] = value
        else:
            setattr(obj, name, value)
    return m2m


def ensure_in_scope(obj: models.Model, actor, action: str = "view") -> None:
    if not restrict(type(obj)._default_manager.filter(pk=obj.pk), actor, action).exists():
        raise PermissionDenied(_("保存后的记录超出了您的数据权限范围。"))


def ensure_owner(obj: models.Model, actor, action: str) -> None:
    """The saved row is on the actor's owner side (core.access.scope): nobody writes a record on behalf
    of a unit they may not enter records for, nor moves one there."""
    if not restrict(type(obj)._default_manager.filter(pk=obj.pk), actor, action).exists():
        raise PermissionDenied(write_refusal(actor, action, obj))


def require_unit(actor, unit, action: str = "add") -> None:
    """The actor enters records on behalf of `unit`: their own unit or one under it, with a role
    that may `action` records (core.access.scope.units_for)."""
    if not units_for(actor, action).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("您不能以“%(unit)s”的名义录入记录。") % {"unit": unit})


def require_visible(actor, obj: models.Model | None, label: str) -> None:
    """A record the write points at (the inspected enterprise, the seller...) is one the actor sees;
    the form and the API offer no others, so anything else is a forged choice."""
    if obj is not None and not restrict(type(obj)._default_manager.filter(pk=obj.pk), actor, "view").exists():
        raise ValidationError(_("%(label)s不在您的数据范围内。") % {"label": label})


def lock_for_write(model: type[models.Model], pk: Any, actor, action: str,
                   expected_version: int | None = None) -> models.Model:
    """The row locked for `action`; a row the actor sees but does not own is refused with the
    reason, a row out of scope with the same answer as a missing one. With `expected_version`,
    a row someone else saved since the actor loaded it is a ConflictError."""
    # The record's own row, referable meanwhile (see core.workflow.engine.perform: locking joined
    # rows, or the row against references to it, deadlocks with writers that refer to them).
    locked = restrict(model._default_manager.select_for_update(of=("self",), no_key=True).filter(pk=pk), actor,
                      action).first()
    if locked is None:
        visible = restrict(model._default_manager.filter(pk=pk), actor, "view").first()
        if visible is None:
            raise PermissionDenied(_("记录不存在或不在您的数据范围内。"))
        raise PermissionDenied(write_refusal(actor, action, visible))
    if expected_version is not None and hasattr(locked, "version") and locked.version != expected_version:
        raise ConflictError(
            _("该记录已被他人修改（当前版本 %(now)s，您编辑的是版本 %(mine)s）。请刷新后重新修改。")
            % {"now": locked.version, "mine": expected_version},
            code="conflict",
        )
    return locked


@transaction.atomic
def object_create(*, model: type[models.Model], data: dict[str, Any], actor) -> models.Model:
    if not model_allows(actor, model, "add"):
        raise PermissionDenied(_("您没有新增此类记录的权限。"))
    obj = model()
    m2m = _assign(obj, data)
    if hasattr(obj, "fill_scope") and getattr(obj, "unit_id", None):
        obj.fill_scope()
    obj.full_clean()
    obj.save()
    for name, value in m2m.items():
        getattr(obj, name).set(value)
    ensure_in_scope(obj, actor)
    ensure_owner(obj, actor, "add")
    return obj


@transaction.atomic
def object_update(*, obj: models.Model, data: dict[str, Any], actor,
                  expected_version: int | None = None) -> models.Model:
    model = type(obj)
    locked = lock_for_write(model, obj.pk, actor, "change", expected_version)
    frozen = getattr(locked, "frozen_fields", lambda: ())()
    message = getattr(locked, "frozen_message", None) or _("该字段已锁定，不能修改。")
    for name in frozen:
        if name in data and data[name] != getattr(locked, name):
            raise ValidationError({name: str(message)})
    m2m = _assign(locked, data)
    if hasattr(locked, "fill_scope") and getattr(locked, "unit_id", None):
        locked.fill_scope()
    if hasattr(locked, "version"):
        locked.version += 1
    locked.full_clean()
    locked.save()
    for name, value in m2m.items():
        getattr(locked, name).set(value)
    ensure_in_scope(locked, actor)
    ensure_owner(locked, actor, "change")
    return locked


def clean_reason(reason: str | None, *, missing: str, field: str = "reason") -> str:
    """A required reason (deletions, corrections): stripped, not empty (else `missing`), and not
    longer than REASON_MAX_LENGTH."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: missing}, code="required")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({field: _("原因不能超过 %(n)s 个字。") % {"n": REASON_MAX_LENGTH}}, code="max_length")
    return reason


def _cascade(target: models.Model) -> tuple[models.Model, list[models.Model]]:
    """A copy of the row and the rows its deletion will take with it, read before they go (the
    deletion clears the primary key of the instances it deletes)."""
    first = copy.copy(target)
    collector = Collector(using=target._state.db or "default")
    collector.collect([first])
    return first, [row for rows in collector.data.values() for row in rows]


@transaction.atomic
def object_delete(*, obj: models.Model, actor, reason: str) -> None:
    """Delete `obj` on the actor's owner side, with the reason written into the change rows of
    the deletion (and of what it cascades to)."""
    target = lock_for_write(type(obj), obj.pk, actor, "delete")
    refusal = getattr(target, "delete_refusal", lambda: None)()
    if refusal:
        raise ValidationError(str(refusal))
    reason = clean_reason(reason, missing=_("删除记录须填写删除原因。"))
    try:
        was, doomed = _cascade(target)
        with change_reason(reason):
            target.delete()
    except models.ProtectedError as exc:
        raise ValidationError(_("该记录仍被其他记录引用（%(n)s 条），不能删除。") % {"n": len(exc.protected_objects)})
    changed_with_reason.send(sender=type(target), kind="deleted", obj=was, objects=doomed, current=None, actor=actor,
                             reason=reason)
