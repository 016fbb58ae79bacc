"""Export white/negative lists: import from Excel (core.generic.importing), screening of export checks,
and the customs' disposal of the flags the screening raises."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from rectify.core.audit.events import record_event
from rectify.core.audit.models import Event
from rectify.core.generic.importing import Column, RowError, parse_date, read_table
from rectify.core.generic.services import object_create, object_update
from rectify.core.workflow.engine import perform
from rectify.enterprises.models import Enterprise
from rectify.organisations.models import Campaign, ProductCategory

from ..models import ExportFlag, ExportListEntry, ExportListRule
from .common import event, require_provincial_unit

COLUMNS = [
    Column("list_kind", "名单类型", ("list", "kind"), required=True, example="白名单", help="白名单 / 负面清单"),
    Column("name", "企业名称", ("name", "enterprise"), required=True, example="沈阳佳禾口罩有限公司"),
    Column("credit_code", "统一社会信用代码", ("credit code", "uscc"), example="91210100MA0XXXXXXX"),
    Column("category", "产品类别", ("category",), example="口罩"),
    Column("product", "产品", ("product",), example="非医用口罩"),
    Column("listed_from", "列入日期", ("listed from",), required=True, example="2020-04-26"),
    Column("listed_to", "移出日期", ("listed to",)),
    Column("source", "来源", ("source",), example="商务部 取得国外标准认证或注册的防疫物资生产企业清单"),
]
KIND_WORDS = {"白名单": ExportListEntry.Kind.WHITE, "white": ExportListEntry.Kind.WHITE,
              "负面清单": ExportListEntry.Kind.NEGATIVE, "黑名单": ExportListEntry.Kind.NEGATIVE,
              "negative": ExportListEntry.Kind.NEGATIVE}


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)


def _match(credit_code: str, name: str) -> Enterprise | None:
    if credit_code:
        found = Enterprise.objects.filter(credit_code=credit_code).first()
        if found:
            return found
    return Enterprise.objects.filter(name=name, merged_into__isnull=True).first() if name else None


@transaction.atomic
def export_list_import(*, unit, name: str, data: bytes, actor) -> ImportResult:
    """All or nothing: any row error and nothing is written (the errors say which row and why)."""
    require_provincial_unit(actor, _("导入出口白名单/负面清单"))

    table = read_table(name, data, COLUMNS)
    campaign = Campaign.current()
    cats = {}
    for c in ProductCategory.objects.filter(campaign=campaign) if campaign else ProductCategory.objects.all():
        cats[c.name] = cats[c.code] = c
    result, entries = ImportResult(errors=list(table.errors)), []  # rows the file itself could not give
    for row in table.rows:
        v = row.values
        kind = KIND_WORDS.get(v.get("list_kind", "").strip().lower()) or KIND_WORDS.get(v.get("list_kind", "").strip())
        if kind is None:
            result.errors.append(RowError(row.number, "名单类型", _("应为“白名单”或“负面清单”")))
        if not v.get("name"):
            result.errors.append(RowError(row.number, "企业名称", _("不能为空")))
        category = None
        if v.get("category"):
            category = cats.get(v["category"])
            if category is None:
                result.errors.append(RowError(row.number, "产品类别", _("未知类别“%(c)s”") % {"c": v["category"]}))
        try:
            listed_from = parse_date(v.get("listed_from", ""))
            listed_to = parse_date(v.get("listed_to", ""))
        except ValueError:
            result.errors.append(RowError(row.number, "列入日期", _("日期格式不正确")))
            continue
        if listed_from is None:
            result.errors.append(RowError(row.number, "列入日期", _("不能为空")))
            continue
        if kind is None or not v.get("name") or (v.get("category") and category is None):
            continue
        entry = ExportListEntry(unit=unit, list_kind=kind, name=v["name"], credit_code=v.get("credit_code", "")[:18],
                                category=category, product=v.get("product", "")[:200], listed_from=listed_from,
                                listed_to=listed_to, source=v.get("source", "")[:200],
                                enterprise=_match(v.get("credit_code", ""), v["name"]))
        try:
            entry.fill_scope()
            entry.full_clean()
        except ValidationError as exc:
            result.errors.append(RowError(row.number, "", "；".join(exc.messages)))
            continue
        entries.append(entry)
    if result.errors:
        return result
    ExportListEntry.objects.bulk_create(entries, batch_size=1000)
    result.created = len(entries)
    event(actor, "export_list.import", detail={"file": name, "rows": result.created})
    return result


def export_list_entry_create(*, model, data: dict, actor) -> ExportListEntry:
    require_provincial_unit(actor, _("维护出口白名单/负面清单"))
    if not data.get("enterprise"):
        data = {**data, "enterprise": _match(data.get("credit_code", ""), data.get("name", ""))}
    return object_create(model=model, data=data, actor=actor)


def export_list_entry_update(*, obj, data: dict, actor, expected_version: int | None = None) -> ExportListEntry:
    require_provincial_unit(actor, _("维护出口白名单/负面清单"))
    return object_update(obj=obj, data=data, actor=actor, expected_version=expected_version)


def _active(on: datetime.date):
    return ExportListEntry.objects.filter(listed_from__lte=on).filter(Q(listed_to__isnull=True) | Q(listed_to__gte=on))


def _hits(entries, enterprise: Enterprise, category) -> list[ExportListEntry]:
    by_who = Q(enterprise=enterprise) | Q(name=enterprise.name)
    if enterprise.credit_code:
        by_who |= Q(credit_code=enterprise.credit_code)
    return list(entries.filter(by_who).filter(Q(category__isnull=True) | Q(category=category))
                .order_by("listed_from", "pk"))


@transaction.atomic
def export_check_screen(*, check) -> list[ExportFlag]:
    """Flag an export check whose producer is on the negative list, or is missing from the white
    list for a category that requires it. Runs at entry (signal → task); idempotent per kind."""
    producer = check.producer or check.exporter
    entries = _active(check.checked_on)
    flags = []
    negative = _hits(entries.filter(list_kind=ExportListEntry.Kind.NEGATIVE), producer, check.category)
    if negative:
        e = negative[0]
        flags.append((ExportFlag.Kind.NEGATIVE_LISTED, e, _("生产企业“%(p)s”列入负面清单（%(s)s，%(d)s起）%(x)s")
                      % {"p": producer, "s": e.source or _("来源未注明"), "d": e.listed_from,
                         "x": f"：{e.product}" if e.product else ""}))
    rule = ExportListRule.objects.filter(category=check.category, white_list_required=True).first()
    if rule is not None and not _hits(entries.filter(list_kind=ExportListEntry.Kind.WHITE), producer, check.category):
        flags.append((ExportFlag.Kind.NOT_WHITE_LISTED, None,
                      _("%(c)s须由白名单内企业生产方可出口，生产企业“%(p)s”不在白名单内")
                      % {"c": check.category, "p": producer}))
    out = []
    for kind, entry, reason in flags:
        if ExportFlag.objects.filter(export_check=check, kind=kind).exists():
            continue
        flag = ExportFlag(unit=check.unit, export_check=check, kind=kind, reason=reason, list_entry=entry)
        flag.full_clean()
        flag.save()
        record_event("export.flag", check, outcome=Event.FAILURE,
                     detail={"flag": flag.pk, "kind": kind, "reason": reason})
        out.append(flag)
    return out


# -- the customs' disposal of a flag (the workflow's steps, targeting/workflows.py) -------------------------
def export_flag_clear(*, flag: ExportFlag, reason: str, actor) -> ExportFlag:
    """核实放行: the customs verified the producer may export after all (a list entry out of date, a
    namesake), and says how."""
    perform(flag, "clear", actor=actor, values={"reason": reason})
    return ExportFlag.objects.get(pk=flag.pk)


def export_flag_stop(*, flag: ExportFlag, reason: str, actor) -> ExportFlag:
    """阻止出口: the batch does not leave; the reason is the customs' disposal note."""
    perform(flag, "stop", actor=actor, values={"reason": reason})
    return ExportFlag.objects.get(pk=flag.pk)


def disposal_body(flag: ExportFlag, actor, values: dict[str, Any]) -> None:
    flag.notes = values["reason"].strip()
