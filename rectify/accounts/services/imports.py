"""The account and role imports of the roll-out page: the file is read and checked by
`accounts.importing`, the role rules are added here, and a file with any row error writes nothing."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rectify.core.access.scope import area_allows
from rectify.core.generic.importing import RowError

from ..importing import LABELS, read_accounts, read_roles
from .roles import user_set_roles, validate_role_combination
from .rollout import IssuedLink, account_issue_link
from .users import user_create


@dataclass
class AccountImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: list[IssuedLink] = field(default_factory=list)
    rows_with_roles: int = 0  # left for the security administrator's import


@dataclass
class RoleImportResult:
    errors: list[RowError] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # usernames
    unchanged: int = 0
    skipped: list[int] = field(default_factory=list)  # row numbers without roles


def _combination_errors(number: int, codes: set[str]) -> list[RowError]:
    """三员分立 on one row, in the words of validate_role_combination."""
    try:
        validate_role_combination(codes)
    except ValidationError as exc:
        return [RowError(number, LABELS["roles"], message) for message in exc.messages]
    return []


def accounts_import(*, name: str, data: bytes, actor, base_url: str = "") -> AccountImportResult:
    """Create an account per row, without roles (the security administrator's import grants them),
    and issue each its one-time link; all or nothing. Raises ImportFileError for a file that cannot
    be read at all."""
    if not area_allows(actor, "accounts", "add"):
        raise PermissionDenied(_("只有系统管理员可以新建账号。"))
    read = read_accounts(name=name, data=data)
    result = AccountImportResult(errors=read.errors, rows_with_roles=read.rows_with_roles)
    for number, codes in read.roles:
        result.errors += _combination_errors(number, codes)
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return result
    with transaction.atomic():
        for row in read.rows:
            try:
                user = user_create(data=row.data, actor=actor, via="import")
            except ValidationError as exc:  # taken meanwhile by another administrator
                result.errors = [RowError(row.number, LABELS.get(key, ""), message)
                                 for key, messages in exc.message_dict.items() for message in messages]
                result.created = []
                transaction.set_rollback(True)
                return result
            result.created.append(account_issue_link(user=user, actor=actor, base_url=base_url))
    return result


def roles_import(*, name: str, data: bytes, actor) -> RoleImportResult:
    """Grant each named account exactly the roles of its row (rows without roles are left alone);
    all or nothing. The security administrator's: the same rules as the user form."""
    if not area_allows(actor, "accounts", "manage"):
        raise PermissionDenied(_("只有安全管理员可以分配角色。"))
    read = read_roles(name=name, data=data, actor=actor)
    result = RoleImportResult(errors=read.errors, skipped=read.skipped)
    for row in read.rows:
        result.errors += _combination_errors(row.number, row.role_codes)
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return result
    with transaction.atomic():
        for row in read.rows:
            if row.role_codes == {r.code for r in row.user.roles.all()}:
                result.unchanged += 1
                continue
            user_set_roles(user=row.user, role_codes=row.role_codes, actor=actor)
            result.changed.append(row.user.username)
    return result
