"""Reusable spreadsheet import: safe reading of uploaded files and header mapping.

Any app importing a list uses it in three steps:

    data = read_upload(uploaded_file)                 # bytes, size-checked
    table = read_table(name, data, COLUMNS)           # hostile-file checks, parse, map headers
    for row in table.rows: ...                        # row.number (as in Excel), row.values by key

Everything that makes a file unusable raises `ImportFileError` with a Chinese message, *before*
anything is written: oversized, empty, not a spreadsheet, encrypted (an OLE/CFB container where an
.xlsx zip is expected), zip bombs (judged on the central directory before decompressing), XML
with a DOCTYPE/ENTITY declaration (entity-expansion attacks), missing or duplicated headers.
Row-level problems are `RowError`s the app collects; `failed_rows_xlsx` writes the failed rows
back with a 错误原因 column so users fix and re-upload them.
"""
from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from .exports import write_xlsx

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
# A real 100,000-row sheet inflates about 10× (shared strings can reach ~50×); bombs reach 1000×.
ZIP_MAX_RATIO = 100
ZIP_RATIO_MIN_BYTES = 1024 * 1024  # tiny parts compress extremely well and are harmless
ZIP_MAX_MEMBERS = 10_000
FORBIDDEN_XML = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
SPLIT_MULTI = re.compile(r"[、,，;；/\n]+")


class ImportFileError(Exception):
    """The whole file is refused; the message is for the user (Chinese)."""


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


# -- file level ------------------------------------------------------------------------------------
def max_bytes() -> int:
    return int(getattr(settings, "RECTIFY_UPLOAD_MAX_BYTES", 50 * 1024 * 1024))


def max_uncompressed() -> int:
    return int(getattr(settings, "RECTIFY_IMPORT_MAX_UNCOMPRESSED", 20 * max_bytes()))


def read_upload(uploaded) -> bytes:
    """Read an UploadedFile, refusing it by its declared size before reading when too large."""
    limit = max_bytes()
    if getattr(uploaded, "size", 0) and uploaded.size > limit:
        raise ImportFileError(too_large_message(uploaded.size))
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise ImportFileError(too_large_message(len(data)))
    return data


def too_large_message(size: int) -> str:
    return _("文件过大（%(size).1f MB），单个文件不能超过 %(max).0f MB，请拆分后分批导入。") % {
        "size": size / 1024 / 1024, "max": max_bytes() / 1024 / 1024}


def sniff(name: str, data: bytes) -> str:
    """Return "xlsx", "xls" or "csv" after the file-level safety checks; raise ImportFileError."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if len(data) > max_bytes():
        raise ImportFileError(too_large_message(len(data)))
    if not data.strip():
        raise ImportFileError(_("文件是空的，请填写数据后重新上传。"))
    if data.startswith(OLE_SIGNATURE):
        if ext in ("xlsx", "xlsm") or _ole_is_encrypted_package(data):
            raise ImportFileError(_("文件已加密（设置了打开密码），系统无法读取。请在 Excel 中取消密码后另存为 .xlsx 再上传。"))
        return "xls"
    if data.startswith(ZIP_SIGNATURE):
        check_xlsx_zip(data)
        return "xlsx"
    if ext in ("xlsx", "xls", "xlsm"):
        raise ImportFileError(_("文件扩展名为 .%(ext)s，但内容不是 Excel 工作簿（可能已损坏或被改名）。") % {"ext": ext})
    if ext in ("csv", "txt", ""):
        if b"\x00" in data[:65536]:
            raise ImportFileError(_("文件不是表格文件（含有二进制内容）。请上传 .xlsx、.xls 或 .csv 文件。"))
        return "csv"
    raise ImportFileError(_("不支持的文件类型“.%(ext)s”，请上传 .xlsx、.xls 或 .csv 文件。") % {"ext": ext})


def _ole_is_encrypted_package(data: bytes) -> bool:
    # Encrypted OOXML is an OLE container holding "EncryptionInfo" and "EncryptedPackage" streams;
    # the directory stores names in UTF-16LE.
    return "EncryptedPackage".encode("utf-16-le") in data[:1024 * 1024] or \
        "EncryptionInfo".encode("utf-16-le") in data[:1024 * 1024]


def check_xlsx_zip(data: bytes) -> None:
    """Judge a zip on its central directory (sizes, ratios, names) before inflating anything,
    then scan the XML parts — inflated in bounded chunks — for DOCTYPE/ENTITY declarations."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError(_("文件已损坏，无法作为 Excel 工作簿打开。"))
    if len(infos) > ZIP_MAX_MEMBERS:
        raise ImportFileError(_("文件结构异常（包含 %(n)d 个部件），已拒绝。") % {"n": len(infos)})
    total = sum(i.file_size for i in infos)
    if total > max_uncompressed():
        raise ImportFileError(_("文件解压后过大（%(size).0f MB），疑似“压缩炸弹”，已拒绝。") % {"size": total / 1024 / 1024})
    for info in infos:
        if info.file_size >= ZIP_RATIO_MIN_BYTES and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise ImportFileError(_("文件压缩比异常（%(ratio)d 倍），疑似“压缩炸弹”，已拒绝。")
                                  % {"ratio": info.file_size // max(info.compress_size, 1)})
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise ImportFileError(_("文件不是 Excel 工作簿（.xlsx 结构不完整）。"))
    try:
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")):
                _scan_xml(archive, info)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
        # RuntimeError: a member encrypted with a zip password
        raise ImportFileError(_("文件已损坏或已加密，无法读取。"))


def _scan_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    tail = b""
    with archive.open(info) as part:  # ZipExtFile never returns more than the declared size
        while chunk := part.read(256 * 1024):
            if FORBIDDEN_XML.search(tail + chunk):
                raise ImportFileError(_("文件含有不允许的 XML 声明（DOCTYPE/ENTITY），可能是恶意文件，已拒绝。"))
            tail = chunk[-32:]


# -- parsing ---------------------------------------------------------------------------------------
def cell_str(value: Any) -> str:
    """A cell as the text a user typed: 1.0 -> "1", dates -> ISO, None -> ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def decode_csv(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # a superset of GBK/GB2312, what Chinese Excel saves
    except UnicodeDecodeError:
        raise ImportFileError(_("CSV 文件编码无法识别，请另存为“CSV UTF-8”或 GBK 编码后上传。"))


def parse_grid(fmt: str, data: bytes) -> list[list[str]]:
    """All rows of the first sheet as lists of strings."""
    if fmt == "csv":
        text = decode_csv(data)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    try:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not book.sheet_names:
            raise ImportFileError(_("工作簿中没有工作表。"))
        grid = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        return [[cell_str(v) for v in row] for row in grid]
    except ImportFileError:
        raise
    except Exception as exc:
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise ImportFileError(_("文件已加密（设置了打开密码），系统无法读取。请取消密码后重新上传。"))
        if fmt == "xls":
            return _parse_xls_xlrd(data)
        raise ImportFileError(_("文件无法作为 Excel 工作簿读取（%(err)s）。") % {"err": type(exc).__name__})


def _parse_xls_xlrd(data: bytes) -> list[list[str]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        sheet = book.sheet_by_index(0)
        out = []
        for r in range(sheet.nrows):
            row = []
            for cell in sheet.row(r):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(cell_str(xlrd.xldate_as_datetime(cell.value, book.datemode)))
                else:
                    row.append(cell_str(cell.value))
            out.append(row)
        return out
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise ImportFileError(_("文件已加密（设置了打开密码），系统无法读取。请取消密码后重新上传。"))
        raise ImportFileError(_("文件无法作为 .xls 工作簿读取。"))
    except Exception:
        raise ImportFileError(_("文件无法作为 .xls 工作簿读取。"))


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
    """Check, parse and map a file. The header is the first non-empty row."""
    fmt = sniff(name, data)
    grid = parse_grid(fmt, data)
    start = next((i for i, row in enumerate(grid) if any(c for c in row)), None)
    if start is None:
        raise ImportFileError(_("文件是空的，请填写数据后重新上传。"))
    headers = grid[start]
    mapping, ignored = map_headers(headers, columns)
    table = Table(fmt=fmt, headers=headers, mapping=mapping, ignored_headers=ignored)
    for offset, raw in enumerate(grid[start + 1:], start=start + 2):
        if not any(c for c in raw):
            continue
        values = {key: (raw[i] if i < len(raw) else "").strip() for key, i in mapping.items()}
        table.rows.append(Row(number=offset, values=values, raw=list(raw[:len(headers)])))
    if not table.rows:
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
