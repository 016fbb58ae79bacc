"""Export any list to .xlsx or .csv. No cell becomes a live formula: xlsx strings are written as
text cells, and in CSV a value starting with = + - @ tab or CR gets a leading apostrophe (OWASP
"CSV injection")."""
from __future__ import annotations

import csv
import datetime
import decimal
import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse

from rectify.core.clock import format_moment

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell_text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return format_moment(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | float | decimal.Decimal):
        return value
    return str(value)


def csv_safe(value: Any) -> Any:
    value = cell_text(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([csv_safe(h) for h in headers])
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 Chinese correctly


def safe_sheet_name(name: str) -> str:
    """Excel refuses []:*?/\\ in sheet names and more than 31 characters."""
    cleaned = "".join("_" if ch in '[]:*?/\\' else ch for ch in str(name)).strip("'") or "Sheet1"
    return cleaned[:31]


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet1") -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = book.add_worksheet(safe_sheet_name(sheet))
    head = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    for c, h in enumerate(headers):
        ws.write_string(0, c, str(h), head)
        ws.set_column(c, c, max(10, min(40, len(str(h)) * 2 + 4)))
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            value = cell_text(value)
            if isinstance(value, str):
                ws.write_string(r, c, value)
            else:
                ws.write_number(r, c, float(value))
    ws.freeze_panes(1, 0)
    book.close()
    return buf.getvalue()


def file_response(content: bytes, filename: str, fmt: str) -> HttpResponse:
    ctype = XLSX_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=ctype)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def table_rows(table) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of a django-tables2 table, all rows (not just the current page)."""
    values = iter(table.as_values(exclude_columns=("actions",)))
    headers = [str(h) for h in next(values)]
    return headers, [list(row) for row in values]
