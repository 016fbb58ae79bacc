"""The purchase/sales ledger import, through the guarded reader of `rectify/core/generic/importing.py`
(hostile-file checks, parse in a limited child process), like every other list import.

Columns (first sheet, header row first): 销售方 | 购买方 | 产品名称 | 产品类别 | 批号 | 数量 | 交易日期 —
an enterprise is given by its unified social credit code or its exact registered name; a buyer
not in the registry is kept by name."""
from __future__ import annotations

import datetime
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from rectify.core.generic.importing import Column, ImportFileError, parse_date, read_table, read_upload
from rectify.core.security.validators import normalise_uscc
from rectify.enterprises.models import Enterprise
from rectify.organisations.models import ProductCategory

COLUMNS = ["销售方", "购买方", "产品名称", "产品类别", "批号", "数量", "交易日期"]
TABLE_COLUMNS = [Column(key=label, label=label, required=True) for label in COLUMNS]
MAX_ROWS = 100_000


def _date(value: str) -> datetime.date:
    try:
        day = parse_date(value)
    except ValueError:
        raise ValueError(_("交易日期“%(v)s”不是日期") % {"v": value}) from None
    if day is None:
        raise ValueError(_("交易日期必须填写"))
    return day


def _quantity(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(_("数量“%(v)s”不是整数") % {"v": value}) from None


def read_ledger(file: BinaryIO) -> list[dict[str, Any]]:
    """Rows resolved to LedgerEntry field values; raises ValidationError for a refused file or
    listing the bad rows."""
    try:
        table = read_table(getattr(file, "name", "") or "ledger.xlsx", read_upload(file), TABLE_COLUMNS)
    except ImportFileError as exc:
        raise ValidationError(str(exc)) from None
    if len(table.rows) > MAX_ROWS:
        raise ValidationError(_("一次最多导入%(n)s行。") % {"n": MAX_ROWS})
    raw = [(row.number, row.values) for row in table.rows]
    keys = {values[c] for _number, values in raw for c in ("销售方", "购买方") if values[c]}
    found = {}
    for e in Enterprise.objects.filter(Q(credit_code__in=keys) | Q(name__in=keys)).only("id", "name", "credit_code",
                                                                                        "region_id", "county_id"):
        found[e.name] = e
        if e.credit_code:
            found[e.credit_code] = e
    current = list(ProductCategory.objects.current())
    categories = {c.name: c for c in current} | {c.code: c for c in current}
    out, errors = [], [str(e) for e in table.errors]
    for number, cell in raw:
        # A cell names an enterprise by name or by credit code, the code written in any form.
        seller = found.get(cell["销售方"]) or found.get(normalise_uscc(cell["销售方"]))
        buyer_key = cell["购买方"]
        buyer = found.get(buyer_key) or found.get(normalise_uscc(buyer_key)) if buyer_key else None
        try:
            if seller is None:
                raise ValueError(_("销售方不在企业名录中"))
            out.append({
                "seller": seller, "buyer": buyer, "buyer_name": "" if buyer is not None else buyer_key,
                "product_name": cell["产品名称"], "category": categories.get(cell["产品类别"]),
                "batch_number": cell["批号"], "quantity": _quantity(cell["数量"]), "traded_on": _date(cell["交易日期"]),
            })
        except ValueError as exc:
            errors.append(_("第%(n)s行：%(e)s") % {"n": number, "e": exc})
    if errors:
        raise ValidationError(errors[:50])
    return out
