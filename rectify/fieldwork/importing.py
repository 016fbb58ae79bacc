"""A minimal Excel importer for purchase/sales ledgers. `rectify/core/importing.py` (the generic
import module) did not exist when this was written; move to it once it does.

Columns (first sheet, header row first): 销售方 | 购买方 | 产品名称 | 产品类别 | 批号 | 数量 | 交易日期 —
an enterprise is given by its unified social credit code or its exact registered name; a buyer
not in the registry is kept by name."""
from __future__ import annotations

import datetime
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from rectify.enterprises.models import Enterprise
from rectify.organisations.models import ProductCategory

COLUMNS = ["销售方", "购买方", "产品名称", "产品类别", "批号", "数量", "交易日期"]
MAX_ROWS = 100_000


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip().replace("/", "-"))


def read_ledger(file: BinaryIO) -> list[dict[str, Any]]:
    """Rows resolved to LedgerEntry field values; raises ValidationError listing bad rows."""
    sheet = load_workbook(file, read_only=True, data_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValidationError(_("缺少列：%(c)s") % {"c": "、".join(missing)})
    index = {c: header.index(c) for c in COLUMNS}
    raw = [r for r in rows if any(v not in (None, "") for v in r)]
    if len(raw) > MAX_ROWS:
        raise ValidationError(_("一次最多导入%(n)s行。") % {"n": MAX_ROWS})
    keys = {str(r[index[c]]).strip() for r in raw for c in ("销售方", "购买方") if r[index[c]]}
    found = {}
    for e in Enterprise.objects.filter(Q(credit_code__in=keys) | Q(name__in=keys)).only("id", "name", "credit_code", "region_id", "county_id"):
        found[e.name] = e
        if e.credit_code:
            found[e.credit_code] = e
    categories = {c.name: c for c in ProductCategory.objects.all()} | {c.code: c for c in ProductCategory.objects.all()}
    out, errors = [], []
    for number, r in enumerate(raw, start=2):
        cell = {c: r[index[c]] for c in COLUMNS}
        seller = found.get(str(cell["销售方"] or "").strip())
        buyer_key = str(cell["购买方"] or "").strip()
        try:
            if seller is None:
                raise ValueError(_("销售方不在企业名录中"))
            out.append({
                "seller": seller, "buyer": found.get(buyer_key), "buyer_name": "" if buyer_key in found else buyer_key,
                "product_name": str(cell["产品名称"] or "").strip(), "category": categories.get(str(cell["产品类别"] or "").strip()),
                "batch_number": str(cell["批号"] or "").strip(), "quantity": int(cell["数量"]), "traded_on": _date(cell["交易日期"]),
            })
        except (TypeError, ValueError) as exc:
            errors.append(_("第%(n)s行：%(e)s") % {"n": number, "e": exc})
    if errors:
        raise ValidationError(errors[:50])
    return out
