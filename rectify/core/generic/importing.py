"""Reusable spreadsheet import: safe reading of uploaded files and header mapping.

Any app importing a list uses it in three steps:

    data = read_upload(uploaded_file)                 # bytes, size-checked
    table = read_table(name, data, COLUMNS)           # hostile-file checks, parse, map headers
    for row in table.rows: ...                        # row.number (as in Excel), row.values by key

Files are read by the guarded reader in `spreadsheets.py`: everything that makes a file unusable
raises `ImportFileError` with a Chinese message, *before* anything is written — oversized, empty,
not a spreadsheet, encrypted, zip bombs, DOCTYPE/ENTITY declarations, sheets beyond the row,
column, cell or text limits, a parser that died — and so do missing or duplicated headers.
Row-level problems are `RowError`s the app collects; `table.errors` already holds the rows the file
itself could not give (a CSV line the csv module cannot read, an over-long cell).
`failed_rows_xlsx` writes the failed rows back with a 错误原因 column so users fix and re-upload them.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from rectify.core.generic.exports import write_xlsx
from rectify.core.security.sheetparse import cell_str  # noqa: F401 — importers use it from here
from rectify.core.security.spreadsheets import (  # noqa: F401 — sniff too
    ImportFileError,
    max_bytes,
    read_sheets,
    sniff,
    too_large_message,
)

SPLIT_MULTI = re.compile(r"[、,，;；/\n]+")


@dataclass(frozen=True)
class Column:
    key: str
    label: str                      # the Chinese header printed in the template
    aliases: tuple[str, ...] = ()   # other accepted headers (English, older forms)
    required: bool = False          # the header must be present
    example: str = ""
    help: str = ""


@dataclass
class RowError:
    row: int          # the row number as Excel shows it (header row is 1 when it is the first)
    column: str       # the column's Chinese label ("" = the row as a whole)
    reason: str       # Chinese

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = _("第%(row)d行") % {"row": self.row}
        return f"{where}【{self.column}】{self.reason}" if self.column else f"{where}：{self.reason}"


@dataclass
class Row:
    number: int
    values: dict[str, str]
    raw: list[str]


@dataclass
class Table:
    fmt: str
    headers: list[str]
    mapping: dict[str, int]           # column key -> index in the file
    rows: list[Row] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # rows the file could not give (see read_table)


# -- file level ------------------------------------------------------------------------------------
def read_upload(uploaded) -> bytes:
    """Read an UploadedFile, refusing it by its declared size before reading when too large."""
    limit = max_bytes()
    if getattr(uploaded, "size", 0) and uploaded.size > limit:
        raise ImportFileError(too_large_message(uploaded.size))
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise ImportFileError(too_large_message(len(data)))
    return data


# -- parsing ---------------------------------------------------------------------------------------
def normalise_header(text: str) -> str:
    text = (text or "").strip().lower()
    text = text.replace("（", "(").replace("）", ")").replace("：", ":")
    return re.sub(r"[\s*:＊_\-]+", "", text)


def map_headers(headers: Sequence[str], columns: Sequence[Column]) -> tuple[dict[str, int], list[str]]:
    lookup: dict[str, Column] = {}
    for col in columns:
        for name in (col.label, col.key, *col.aliases):
            lookup[normalise_header(name)] = col
    mapping: dict[str, int] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        col = lookup.get(normalise_header(header))
        if col is None:
            if header.strip():
                ignored.append(header.strip())
            continue
        if col.key in mapping:
            raise ImportFileError(_("表头“%(h)s”出现了两次，请删除重复的列。") % {"h": col.label})
        mapping[col.key] = index
    missing = [c.label for c in columns if c.required and c.key not in mapping]
    if missing:
        found = "、".join(h for h in headers if h.strip()) or _("（无）")
        raise ImportFileError(_("缺少必需的列：%(missing)s。文件第一行的表头为：%(found)s。请使用下载的模板。")
                              % {"missing": "、".join(missing), "found": found[:300]})
    return mapping, ignored


def read_table(name: str, data: bytes, columns: Sequence[Column]) -> Table:
    """Check, parse (first sheet) and map a file. The header is the first non-empty row. A row the
    file cannot give (CSV only: unreadable line, over-long cell) goes to `table.errors`, not `rows`."""
    fmt, (sheet, *_others) = read_sheets(name, data)
    grid = sheet.rows
    start = next((i for i, row in enumerate(grid) if any(c for c in row)), None)
    first_bad = min(sheet.unreadable, default=None)
    if first_bad is not None and (start is None or first_bad <= start + 1):
        raise ImportFileError(_("第%(row)d行（表头或表头之前）无法读取：%(reason)s")
                              % {"row": first_bad, "reason": sheet.unreadable[first_bad]})
    if start is None:
        raise ImportFileError(_("文件是空的，请填写数据后重新上传。"))
    headers = grid[start]
    mapping, ignored = map_headers(headers, columns)
    table = Table(fmt=fmt, headers=headers, mapping=mapping, ignored_headers=ignored)
    for offset, raw in enumerate(grid[start + 1:], start=start + 2):
        if offset in sheet.unreadable:
            table.errors.append(RowError(offset, "", sheet.unreadable[offset]))
            continue
        if not any(c for c in raw):
            continue
        values = {key: (raw[i] if i < len(raw) else "").strip() for key, i in mapping.items()}
        table.rows.append(Row(number=offset, values=values, raw=list(raw[:len(headers)])))
    if not table.rows and not table.errors:
        raise ImportFileError(_("文件只有表头，没有数据行。"))
    return table


# -- values ----------------------------------------------------------------------------------------
def split_multi(value: str) -> list[str]:
    return [p.strip() for p in SPLIT_MULTI.split(value or "") if p.strip()]


TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "有"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "无", ""}


def parse_bool(value: str) -> bool | None:
    """True/False, or None when the text is not a yes/no answer."""
    v = (value or "").strip().lower()
    if v in TRUE_WORDS:
        return True
    if v in FALSE_WORDS:
        return False
    return None


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")


def parse_date(value: str) -> datetime.date | None:
    """Dates as users type them (2020-05-15, 2020/5/15, 2020.5.15, 2020年5月15日, 20200515)
    or an Excel serial number. Raises ValueError for text that is not a date."""
    v = (value or "").strip()
    if not v:
        return None
    m = _DATE.match(v)
    if m:
        return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    if re.fullmatch(r"\d{8}", v):
        return datetime.date(int(v[:4]), int(v[4:6]), int(v[6:]))
    if re.fullmatch(r"\d{5}(\.0+)?", v):  # Excel serial day (1900 system)
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(float(v)))
    raise ValueError(v)


# -- output ----------------------------------------------------------------------------------------
def template_xlsx(columns: Sequence[Column], *, sheet: str = "导入模板") -> bytes:
    return write_xlsx([c.label for c in columns], [[c.example for c in columns]], sheet=sheet)


def failed_rows_xlsx(headers: Sequence[str], failed: Iterable[tuple[int, Sequence[str], Sequence[str]]]) -> bytes:
    """`failed`: (row number, raw values, reasons). Writes the original columns, then 原行号 and
    错误原因, so the file can be corrected and uploaded again as it is."""
    rows = []
    for number, raw, reasons in failed:
        raw = list(raw) + [""] * (len(headers) - len(raw))
        rows.append([*raw[:len(headers)], number, "；".join(reasons)])
    return write_xlsx([*headers, _("原行号"), _("错误原因")], rows, sheet=_("失败行"))


def errors_by_row(errors: Iterable[RowError]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for e in errors:
        out.setdefault(e.row, []).append(f"【{e.column}】{e.reason}" if e.column else e.reason)
    return out
