"""Accounts themselves: creation and change (roles through roles.py), and disabling the unused ones."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core import clock
from rectify.core.access.scope import area_allows
from rectify.core.audit.events import record_event
from rectify.core.generic import services
from rectify.core.generic.services import ConflictError

from ..models import User
from .roles import user_set_roles


def _split_roles(data: dict) -> tuple[dict, set[str] | None]:
    data = dict(data)
    roles = data.pop("roles", None)
    return data, ({r.code for r in roles} if roles is not None else None)


@transaction.atomic
def user_create(*, model=User, data: dict, actor, via: str = "single") -> User:
    data, roles = _split_roles(data)
    if not area_allows(actor, "accounts", "add"):
        raise PermissionDenied(_("只有系统管理员可以新建账号。"))
    user = User(**data)
    # No password yet: the person sets one through a one-time link, or changes the initial one the
    # administrator hands over at first login (account_issue_link / account_issue_initial_password).
    user.set_unusable_password()
    user.must_change_password = True
    user.full_clean(exclude=["password"])
    user.save()
    services.ensure_in_scope(user, actor)
    record_event("account.created", user, detail={"via": via, "unit": user.unit.code if user.unit else ""})
    if roles:
        user_set_roles(user=user, role_codes=roles, actor=actor)
    return user


@transaction.atomic
def user_update(*, obj: User, data: dict, actor, expected_version=None) -> User:
    data, roles = _split_roles(data)
    if not area_allows(actor, "accounts", "change"):
        raise PermissionDenied(_("您没有修改账号的权限。"))
    obj = User.objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and obj.version != expected_version:
        raise ConflictError(_("该账号已被他人修改（当前版本 %(now)s，您编辑的是版本 %(mine)s）。请刷新后重新修改。")
                            % {"now": obj.version, "mine": expected_version}, code="conflict")
    obj.version += 1
    for name, value in data.items():
        setattr(obj, name, value)
    obj.full_clean(exclude=["password"])
    obj.save()
    if roles is not None and roles != obj.role_codes:
        user_set_roles(user=obj, role_codes=roles, actor=actor)
    return obj


def _inactive_cutoff(days: int | None = None) -> datetime.datetime:
    days = days if days is not None else getattr(settings, "RECTIFY_INACTIVE_DAYS", 90)
    return timezone.now() - timezone.timedelta(days=days)


def disable_inactive_users(days: int | None = None) -> list[str]:
    """Disable accounts not used for `days` (default RECTIFY_INACTIVE_DAYS = 90); never-used
    accounts count from their creation. Each one is audited; their sessions end."""
    cutoff = _inactive_cutoff(days)
    stale = User._base_manager.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
    disabled = []
    for user in stale:
        with transaction.atomic():
            user.is_active = False
            user.save(update_fields=["is_active"])  # post_save ends the sessions (receivers.py)
            record_event("user.disabled_inactive", user,
                         detail={"last_login": clock.format_moment(user.last_login) or None})
        disabled.append(user.username)
    return disabled
