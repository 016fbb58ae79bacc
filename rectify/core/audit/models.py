"""The two append-only logs: `ObjectChange` (before/after values of every create, update and
delete, bulk ones included) and `Event` (audit and domain events: logins, exports, submissions,
transfers, views of personal data...). Both refuse updates and deletes; a trigger enforces it too,
on PostgreSQL and on SQLite, and each log is a hash chain of HMAC-SM3 seals (chain.py), so a
row changed or removed with the triggers disabled is found by `rectify verify_integrity`."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rectify.core.access.history import closed_log_q
from rectify.core.access.querysets import RestrictMixin
from rectify.core.audit.chain import PREV_FIELD, SEAL_FIELD, chain_ready, row_body, seal_chain
from rectify.core.audit.names import event_label
from rectify.core.registry import RegistryURLMixin


class AppendOnlyModel(RegistryURLMixin, models.Model):
    """Rows that are written once and never changed through the application."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValidationError(_("日志记录不可修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        raise ValidationError(_("日志记录不可删除。"))


class ChainedLog(AppendOnlyModel):
    """A log kept as a hash chain: each row is sealed, with the seal of the row before it, as it is
    appended (core/audit/chain.py). Subclasses name the columns the seal covers: `chain_scalars`
    (plain values) and `chain_json` (JSON columns)."""

    prev_seal = models.CharField(_("前一条校验码"), max_length=64, blank=True, default="", editable=False)
    seal = models.CharField(_("校验码"), max_length=64, blank=True, default="", editable=False)

    chain_scalars: tuple[str, ...] = ()
    chain_json: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValidationError(_("日志记录不可修改。"))
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        for name in self.chain_json:
            setattr(self, name, chain_ready(getattr(self, name)))
        # No savepoint: inside a caller's transaction the lock taken by seal_chain() must last until
        # that transaction commits, and a failed insert fails the caller's transaction anyway.
        with transaction.atomic(using=using, savepoint=False):
            ((self.prev_seal, self.seal),) = seal_chain(type(self), [row_body(self)], using)
            super().save(*args, **kwargs)


class AppendOnlyQuerySet(RestrictMixin, models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """The log rows `user` may `action`, less the histories kept to an area the user lacks
        (the accounts' for the business auditor: core/access/history.py)."""
        qs = super().restrict(user, action)
        closed = closed_log_q(user, self.model)
        return qs.exclude(closed) if closed is not None else qs

    def bulk_create(self, objs, *args: Any, **kwargs: Any):
        """Rows appended in one statement are sealed in one pass, in the order they get their ids."""
        objs = list(objs)
        if not getattr(self.model, "chain_scalars", ()):
            return super().bulk_create(objs, *args, **kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            for obj in objs:
                for name in self.model.chain_json:
                    setattr(obj, name, chain_ready(getattr(obj, name)))
            seals = seal_chain(self.model, [row_body(o) for o in objs], self.db)
            for obj, (prev, seal) in zip(objs, seals, strict=True):
                setattr(obj, PREV_FIELD, prev)
                setattr(obj, SEAL_FIELD, seal)
            return super().bulk_create(objs, *args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        raise ValidationError(_("日志记录不可修改。"))

    def delete(self):
        raise ValidationError(_("日志记录不可删除。"))


class ObjectChange(ChainedLog):
    CREATE, UPDATE, DELETE = "create", "update", "delete"
    ACTIONS = [(CREATE, _("新增")), (UPDATE, _("修改")), (DELETE, _("删除"))]

    # Set when the row is built, not while it is inserted (as auto_now_add would): the seal covers it.
    time = models.DateTimeField(_("时间"), default=timezone.now, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    action = models.CharField(_("操作"), max_length=10, choices=ACTIONS)
    content_type = models.ForeignKey(ContentType, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False)
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=200)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    # Why: required of a deletion and of a 更正 (core.current.change_reason), empty for plain edits.
    reason = models.TextField(_("原因"), blank=True, default="")

    objects = AppendOnlyQuerySet.as_manager()
    perm_area = "audit"
    # What the seal covers (changelog._insert_many builds the same list for its rows). A column added
    # to the log is covered once named here; naming it changes every seal, so the migration adding
    # it must seal the existing rows again (core/migrations/0007).
    chain_scalars = ("time", "user_id", "username", "request_id", "action", "content_type_id", "object_id",
                     "object_repr", "reason")
    chain_json = ("before", "after")

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-time", "-id"]
        # The change log is the table every write also writes, so it carries only the indexes its
        # readers use: the list by time (core.generic.checks), an object's history (content type, object,
        # time), a request's changes, and the user (its own column). Single-column content type and
        # object id indexes and PostgreSQL's LIKE twins would only slow every import down.
        indexes = [models.Index(fields=["-time", "-id"]),
                   models.Index(fields=["content_type", "object_id", "-time"]),
                   models.Index(fields=["request_id"], name="core_change_request")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    def diff(self) -> list[tuple[str, Any, Any]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class Event(ChainedLog):
    """An audit or domain event: who did what to which object, from where, with what outcome."""

    SUCCESS, FAILURE = "success", "failure"
    OUTCOMES = [(SUCCESS, _("成功")), (FAILURE, _("失败"))]

    time = models.DateTimeField(_("时间"), default=timezone.now, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip = models.CharField(_("IP地址"), max_length=64, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, db_index=True)
    event = models.CharField(_("事件"), max_length=64, db_index=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False
    )
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=OUTCOMES, default=SUCCESS)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()
    perm_area = "audit"
    # What the seal covers; see ObjectChange.chain_scalars.
    chain_scalars = ("time", "user_id", "username", "ip", "request_id", "event", "content_type_id", "object_id",
                     "object_repr", "outcome")
    chain_json = ("detail",)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["-time", "-id"]),  # the list's order (core.generic.checks)
                   models.Index(fields=["content_type", "object_id", "-time"])]

    def __str__(self) -> str:
        return f"{self.shown_event()} {self.object_repr}".strip()

    def shown_event(self) -> str:
        """The event's name in words (a workflow step's label); the stored name is the filter's."""
        return event_label(self.event)
