"""Account services: role assignment with the separation of the three administrators."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rectify.core.events import record_event
from rectify.core.scope import area_allows

from .models import Role, User
from .roles import ROLE_NAMES, SEPARATED_ADMIN_ROLES


def validate_role_combination(codes: set[str]) -> None:
    admin = codes & SEPARATED_ADMIN_ROLES
    if len(admin) > 1:
        names = "、".join(str(ROLE_NAMES[c]) for c in sorted(admin))
        raise ValidationError({"roles": _("系统管理员、安全管理员、审计管理员须由不同账号担任，不能同时授予：%(names)s") % {"names": names}})
    if admin and codes - admin:
        raise ValidationError({"roles": _("管理员账号不能同时担任业务角色。")})


@transaction.atomic
def user_set_roles(*, user: User, role_codes: set[str], actor) -> User:
    if actor is not None and not area_allows(actor, "accounts", "manage"):
        raise PermissionDenied(_("只有安全管理员可以分配角色。"))
    validate_role_combination(set(role_codes))
    before = sorted(user.role_codes)
    user.roles.set(Role.objects.filter(code__in=role_codes))
    user._role_codes = None
    record_event("user.roles", user, detail={"before": before, "after": sorted(role_codes)})
    return user


def ensure_roles() -> None:
    for code, name in ROLE_NAMES.items():
        Role.objects.update_or_create(code=code, defaults={"name": str(name)})


def _split_roles(data: dict) -> tuple[dict, set[str] | None]:
    data = dict(data)
    roles = data.pop("roles", None)
    return data, ({r.code for r in roles} if roles is not None else None)


@transaction.atomic
def user_create(*, model=User, data: dict, actor) -> User:
    from rectify.core import services

    data, roles = _split_roles(data)
    if not area_allows(actor, "accounts", "add"):
        raise PermissionDenied(_("只有系统管理员可以新建账号。"))
    user = User(**data)
    user.set_unusable_password()  # the first password is set through a reset; changed at first login
    user.must_change_password = True
    user.full_clean(exclude=["password"])
    user.save()
    services.ensure_in_scope(user, actor)
    if roles:
        user_set_roles(user=user, role_codes=roles, actor=actor)
    return user


@transaction.atomic
def user_update(*, obj: User, data: dict, actor, expected_version=None) -> User:
    from rectify.core.services import ConflictError

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
