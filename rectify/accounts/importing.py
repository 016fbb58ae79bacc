"""Accounts from a spreadsheet: a campaign's ~112 units are rolled out from one file.

One template serves both administrators, because 三员分立 splits the work (services.py):

- the system administrator's import (`accounts_import`) creates the accounts — 用户名, 姓名,
  单位代码, 手机, 邮箱 — without roles, and issues each its one-time link;
- the security administrator uploads the same file to `roles_import`, which reads 用户名 and 角色
  only and grants the roles through `user_set_roles`.

The 角色 column is checked in both, so a misspelt role is named at the first upload. Each import
is all-or-nothing: every row is checked first, and a file with any row error writes nothing and
names each error by row, column and reason."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from rectify.accounts.models import Role, User
from rectify.accounts.services import (
    IssuedLink,
    account_issue_link,
    user_create,
    user_set_roles,
    validate_role_combination,
)
from rectify.core.access.roles import ROLE_NAMES
from rectify.core.access.scope import area_allows
from rectify.core.generic.importing import Column, RowError, read_table, split_multi
from rectify.organisations.models import Unit

COLUMNS: tuple[Column, ...] = (
    Column("username", "用户名", ("账号", "登录名", "username"), required=True, example="shenyang_samr_zhangsan",
           help="字母、数字及 @ . + - _，不超过 150 个字符"),
    Column("full_name", "姓名", ("name", "full_name"), required=True, example="张三"),
    Column("unit", "单位代码", ("unit", "unit_code"), required=True, example="210100-samr",
           help="如 210100-samr，见“单位”列表"),
    Column("phone", "手机", ("手机号", "电话", "phone"), example="13800000000"),
    Column("email", "邮箱", ("电子邮箱", "email"), example="zhangsan@example.gov.cn",
           help="填写后一次性链接同时发送到该邮箱"),
    Column("roles", "角色", ("roles",), example="数据录入员、审核员",
           help="角色名称或代码，多个用“、”分隔；由安全管理员导入生效"),
)
ROLE_COLUMNS: tuple[Column, ...] = (COLUMNS[0], replace(COLUMNS[5], required=True))
LABELS = {c.key: c.label for c in COLUMNS}
PHONE = re.compile(r"[0-9+\-() ]{3,30}")


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


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text or "").lower()


def role_lookup() -> dict[str, str]:
    """Every way a role may be written in the file -> its code: the code, the Chinese and English
    names, and the names without their bracketed note (领导 for 领导（只读）)."""
    lookup: dict[str, str] = {}
    for role in Role.objects.all():
        names = {role.code, role.name}
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names.add(str(ROLE_NAMES.get(role.code, role.name)))
        names |= {re.sub(r"\s*[（(].*?[）)]\s*", "", name) for name in names}
        lookup.update({_key(name): role.code for name in names if name})
    return lookup


def parse_roles(value: str, row: int, lookup: dict[str, str]) -> tuple[set[str], list[RowError]]:
    codes, errors = set(), []
    for name in split_multi(value):
        code = lookup.get(_key(name))
        if code is None:
            known = "、".join(str(n) for n in ROLE_NAMES.values())
            errors.append(RowError(row, LABELS["roles"], _("没有名为“%(name)s”的角色；可填写：%(known)s")
                                   % {"name": name, "known": known}))
        else:
            codes.add(code)
    if not errors:
        try:
            validate_role_combination(codes)
        except ValidationError as exc:
            errors += [RowError(row, LABELS["roles"], message) for message in exc.messages]
    return codes, errors


def _first_rows(rows, key: str, label: str) -> tuple[dict[str, int], list[RowError]]:
    """A value repeated in the file is an error on each later row, naming the first."""
    seen: dict[str, int] = {}
    errors = []
    for row in rows:
        value = row.values.get(key, "")
        if not value:
            continue
        if value in seen:
            errors.append(RowError(row.number, label, _("与第%(row)d行重复") % {"row": seen[value]}))
        else:
            seen[value] = row.number
    return seen, errors


def _check_account_row(row, units: dict, lookup: dict[str, str]) -> tuple[dict | None, list[RowError]]:
    values = row.values
    errors = [RowError(row.number, LABELS[key], _("必填"))
              for key in ("username", "full_name", "unit") if not values.get(key)]
    unit = units.get(values.get("unit", ""))
    if values.get("unit") and unit is None:
        errors.append(RowError(row.number, LABELS["unit"], _("单位代码“%(code)s”不存在或已停用")
                               % {"code": values["unit"]}))
    phone = values.get("phone", "")
    if phone and not PHONE.fullmatch(phone):
        errors.append(RowError(row.number, LABELS["phone"], _("“%(value)s”不是电话号码") % {"value": phone}))
    if values.get("roles"):
        errors += parse_roles(values["roles"], row.number, lookup)[1]
    data = {"username": values.get("username", ""), "full_name": values.get("full_name", ""), "unit": unit,
            "phone": phone, "email": values.get("email", "")}
    # The model's own rules (username characters and uniqueness, lengths, e-mail form) in its words;
    # an empty required cell is already named above.
    blank = {key for key in ("username", "full_name") if not values.get(key)}
    try:
        User(**data).full_clean(exclude=["password", "unit"])
    except ValidationError as exc:
        errors += [RowError(row.number, LABELS.get(name, ""), message)
                   for name, messages in exc.message_dict.items() if name not in blank for message in messages]
    return (None if errors else data), errors


def accounts_import(*, name: str, data: bytes, actor, base_url: str = "") -> AccountImportResult:
    """Create an account per row (no roles: see the module docstring) and issue each its one-time
    link; all or nothing. Raises ImportFileError for a file that cannot be read at all."""
    if not area_allows(actor, "accounts", "add"):
        raise PermissionDenied(_("只有系统管理员可以新建账号。"))
    table = read_table(name, data, COLUMNS)
    # rows the file itself could not give (a CSV line the reader refused), where the reader reports them
    result = AccountImportResult(errors=list(getattr(table, "errors", ())))
    units = {u.code: u for u in Unit.objects.filter(is_active=True).select_related("region", "department")}
    lookup = role_lookup()
    result.errors += _first_rows(table.rows, "username", LABELS["username"])[1]
    planned = []
    for row in table.rows:
        checked, errors = _check_account_row(row, units, lookup)
        result.errors += errors
        result.rows_with_roles += bool(row.values.get("roles"))
        if checked is not None:
            planned.append((row.number, checked))
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return result
    with transaction.atomic():
        for number, values in planned:
            try:
                user = user_create(data=values, actor=actor, via="import")
            except ValidationError as exc:  # taken meanwhile by another administrator
                result.errors = [RowError(number, LABELS.get(key, ""), message)
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
    table = read_table(name, data, ROLE_COLUMNS)
    result = RoleImportResult(errors=list(getattr(table, "errors", ())))
    names, duplicates = _first_rows(table.rows, "username", LABELS["username"])
    result.errors += duplicates
    users = {u.username: u for u in User.objects.restrict(actor, "change").filter(username__in=list(names))
             .prefetch_related("roles")}
    lookup = role_lookup()
    planned = []
    for row in table.rows:
        username, value = row.values.get("username", ""), row.values.get("roles", "")
        if not username:
            result.errors.append(RowError(row.number, LABELS["username"], _("必填")))
            continue
        user = users.get(username)
        if user is None:
            result.errors.append(RowError(row.number, LABELS["username"], _("账号“%(name)s”不存在") % {"name": username}))
            continue
        if user.pk == actor.pk:
            result.errors.append(RowError(row.number, LABELS["roles"], _("不能修改自己的角色。")))
            continue
        if not value:
            result.skipped.append(row.number)
            continue
        codes, errors = parse_roles(value, row.number, lookup)
        result.errors += errors
        planned.append((user, codes))
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return result
    with transaction.atomic():
        for user, codes in planned:
            if codes == {r.code for r in user.roles.all()}:
                result.unchanged += 1
                continue
            user_set_roles(user=user, role_codes=codes, actor=actor)
            result.changed.append(user.username)
    return result
