"""Reading and checking an accounts file: a campaign's ~112 units are rolled out from one file.

One template serves both administrators, because 三员分立 splits the work (services/roles.py):

- the system administrator's import (`services.accounts_import`) creates the accounts — 用户名,
  姓名, 单位代码, 手机, 邮箱 — without roles, and issues each its one-time link;
- the security administrator uploads the same file to `services.roles_import`, which reads 用户名
  and 角色 only and grants the roles through `user_set_roles`.

The 角色 column is checked in both, so a misspelt role is named at the first upload. Here every row
is read and checked (`read_accounts`, `read_roles`), each error named by row, column and reason; the
services add the role rules, and write nothing when any row fails."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from rectify.core.access.roles import ROLE_NAMES
from rectify.core.generic.importing import Column, RowError, read_table, split_multi
from rectify.organisations.models import Unit

from .models import Role, User

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
class AccountRow:
    number: int
    data: dict  # User fields


@dataclass
class AccountsRead:
    errors: list[RowError] = field(default_factory=list)
    rows: list[AccountRow] = field(default_factory=list)  # the rows without an error
    # (row, role codes) of every row whose 角色 names known roles only, for the role rules
    roles: list[tuple[int, set[str]]] = field(default_factory=list)
    rows_with_roles: int = 0  # left for the security administrator's import


@dataclass
class RoleRow:
    number: int
    user: User
    role_codes: set[str]


@dataclass
class RolesRead:
    errors: list[RowError] = field(default_factory=list)
    rows: list[RoleRow] = field(default_factory=list)  # the rows without an error that name roles
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
    """The role codes a 角色 cell names; an error for each name that is no role."""
    codes, errors = set(), []
    for name in split_multi(value):
        code = lookup.get(_key(name))
        if code is None:
            known = "、".join(str(n) for n in ROLE_NAMES.values())
            errors.append(RowError(row, LABELS["roles"], _("没有名为“%(name)s”的角色；可填写：%(known)s")
                                   % {"name": name, "known": known}))
        else:
            codes.add(code)
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


def _check_account_row(row, units: dict,
                       lookup: dict[str, str]) -> tuple[AccountRow | None, set[str] | None, list[RowError]]:
    """The row's account (None when the row has an error), its role codes (None when a role is
    unknown) and its errors."""
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
    codes, role_errors = parse_roles(values.get("roles", ""), row.number, lookup)
    errors += role_errors
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
    return (None if errors else AccountRow(row.number, data)), (None if role_errors else codes), errors


def read_accounts(*, name: str, data: bytes) -> AccountsRead:
    """Every row of an accounts file, checked; raises ImportFileError for a file that cannot be read
    at all."""
    table = read_table(name, data, COLUMNS)
    # rows the file itself could not give (a CSV line the reader refused), where the reader reports them
    read = AccountsRead(errors=list(getattr(table, "errors", ())))
    units = {u.code: u for u in Unit.objects.filter(is_active=True).select_related("region", "department")}
    lookup = role_lookup()
    read.errors += _first_rows(table.rows, "username", LABELS["username"])[1]
    for row in table.rows:
        checked, codes, errors = _check_account_row(row, units, lookup)
        read.errors += errors
        read.rows_with_roles += bool(row.values.get("roles"))
        if checked is not None:
            read.rows.append(checked)
        if codes:
            read.roles.append((row.number, codes))
    return read


def read_roles(*, name: str, data: bytes, actor) -> RolesRead:
    """Every row of a roles file, checked against the accounts `actor` may change; raises
    ImportFileError for a file that cannot be read at all."""
    table = read_table(name, data, ROLE_COLUMNS)
    read = RolesRead(errors=list(getattr(table, "errors", ())))
    names, duplicates = _first_rows(table.rows, "username", LABELS["username"])
    read.errors += duplicates
    users = {u.username: u for u in User.objects.restrict(actor, "change").filter(username__in=list(names))
             .prefetch_related("roles")}
    lookup = role_lookup()
    for row in table.rows:
        username, value = row.values.get("username", ""), row.values.get("roles", "")
        if not username:
            read.errors.append(RowError(row.number, LABELS["username"], _("必填")))
            continue
        user = users.get(username)
        if user is None:
            read.errors.append(RowError(row.number, LABELS["username"],
                                        _("账号“%(name)s”不存在") % {"name": username}))
            continue
        if user.pk == actor.pk:
            read.errors.append(RowError(row.number, LABELS["roles"], _("不能修改自己的角色。")))
            continue
        if not value:
            read.skipped.append(row.number)
            continue
        codes, errors = parse_roles(value, row.number, lookup)
        read.errors += errors
        if not errors:
            read.rows.append(RoleRow(row.number, user, codes))
    return read


