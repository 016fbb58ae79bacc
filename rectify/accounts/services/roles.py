"""Roles and the separation of the three administrators (三员分立): which roles go together and who
grants them."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rectify.core.access.roles import ROLE_NAMES, SEPARATED_ADMIN_ROLES
from rectify.core.access.scope import area_allows
from rectify.core.audit.events import record_event

from ..models import Role, User


def validate_role_combination(codes: set[str]) -> None:
    admin = codes & SEPARATED_ADMIN_ROLES
    if len(admin) > 1:
        names = "、".join(str(ROLE_NAMES[c]) for c in sorted(admin))
        raise ValidationError({"roles": _("系统管理员、安全管理员、审计管理员须由不同账号担任，不能同时授予：%(names)s")
                                        % {"names": names}})
    if admin and codes - admin:
        raise ValidationError({"roles": _("管理员账号不能同时担任业务角色。")})


def ensure_may_set_roles(*, user: User, actor) -> None:
    """三员分立: roles are granted by the security administrator alone, and nobody changes their
    own — else an administrator could make itself the auditor of its own work. `actor` None is
    the system itself (migrations, commands, the demo seed)."""
    if actor is None:
        return
    if user.pk is not None and actor.pk == user.pk:
        raise PermissionDenied(_("不能修改自己的角色。"))
    if not area_allows(actor, "accounts", "manage"):
        raise PermissionDenied(_("只有安全管理员可以分配角色。"))


@transaction.atomic
def user_set_roles(*, user: User, role_codes: set[str], actor) -> User:
    ensure_may_set_roles(user=user, actor=actor)
    validate_role_combination(set(role_codes))
    before = sorted(user.role_codes)
    user.roles.set(Role.objects.filter(code__in=role_codes))
    user._role_codes = None
    record_event("user.roles", user, detail={"before": before, "after": sorted(role_codes)})
    return user
