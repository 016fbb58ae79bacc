"""The one guarded way to read an uploaded spreadsheet (.xlsx, .xls, .csv): `read_sheets`.

Native readers trust the file. One .xlsx cell at XFD1048576 (a 1.6 KB file) makes python-calamine
allocate the whole 16,384 × 1,048,576 grid and abort the process — the web or Celery worker, not an
exception. So there are two lines of defence, and every upload path goes through both:

1. `sniff` inspects the file before anything parses it. For .xlsx: the zip's central directory
   (sizes, ratios, members), then every XML part inflated in bounded chunks, counting the
   uncompressed bytes as they come, for DOCTYPE/ENTITY declarations, each sheet's declared
   <dimension>, the highest row and column any cell names, the number of cells and of sheets, and
   the longest text. Each bound is in `Limits` (settings.RECTIFY_SPREADSHEET_LIMITS).
2. The parse runs in a child process (`sheetparse.py`) under an address-space and a wall-time
   limit, where the same bounds are checked again on what the reader built (this is the bound for
   .xls, whose BIFF records are not inspected). Whatever gets past (1) can only end the child: the
   upload is refused with a message. The rows come back pickled, as strings.

CSV is parsed here: the csv module reads text only and the upload size bounds it. A line it cannot
read, or a cell longer than a cell may be, is reported as that row's error, not a 500.
"""
from __future__ import annotations

import csv
import gc
import html
import io
import json
import logging
import pickle
import posixpath
import re
import subprocess
import sys
import zipfile
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
# A real 100,000-row sheet inflates about 10× (shared strings can reach ~50×); bombs reach 1000×.
ZIP_MAX_RATIO = 100
ZIP_RATIO_MIN_BYTES = 1024 * 1024  # tiny parts compress extremely well and are harmless
ZIP_MAX_MEMBERS = 10_000
CHUNK = 1024 * 1024
CHILD = Path(__file__).with_name("sheetparse.py")


class ImportFileError(Exception):
    """The whole file is refused; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class Limits:
    """Bounds on an uploaded spreadsheet; settings.RECTIFY_SPREADSHEET_LIMITS overrides any of them
    by upper-case name, e.g. {"ROWS": 300_000}."""

    rows: int = 200_000
    columns: int = 200
    cells: int = 5_000_000         # per workbook, and the rows × columns area of any sheet
    cell_chars: int = 32_767       # Excel's own limit for one cell
    sheets: int = 50
    memory_mb: int = 2048          # the parsing child's address space
    seconds: float = 120           # the parsing child's wall time


def limits() -> Limits:
    overrides = getattr(settings, "RECTIFY_SPREADSHEET_LIMITS", {})
    return Limits(**{key.lower(): value for key, value in overrides.items()})


@dataclass
class Sheet:
    name: str
    rows: list[list[str]]
    unreadable: dict[int, str] = field(default_factory=dict)  # CSV: row number (as in Excel) -> why


# -- file level ------------------------------------------------------------------------------------
def max_bytes() -> int:
    return int(getattr(settings, "RECTIFY_UPLOAD_MAX_BYTES", 50 * 1024 * 1024))


def max_uncompressed() -> int:
    return int(getattr(settings, "RECTIFY_IMPORT_MAX_UNCOMPRESSED", 20 * max_bytes()))


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
            raise ImportFileError(_("文件已加密（设置了打开密码），系统无法读取。"
                                    "请在 Excel 中取消密码后另存为 .xlsx 再上传。"))
        return "xls"
    if data.startswith(ZIP_SIGNATURE):
        inspect_xlsx(data)
        return "xlsx"
    if ext in ("xlsx", "xls", "xlsm"):
        raise ImportFileError(
            _("文件扩展名为 .%(ext)s，但内容不是 Excel 工作簿（可能已损坏或被改名）。") % {"ext": ext})
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


# -- .xlsx inspection ------------------------------------------------------------------------------
FORBIDDEN_XML = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# Cell and row tags the fast count cannot judge: no quoted "r" as first attribute, or a namespace
# prefix (calamine matches local names, so <x:c r="..."> is a cell too). Such chunks are read tag
# by tag. Refs are read to 8 letters and 12 digits: anything longer is far beyond any limit anyway.
_ODD_TAG = re.compile(rb"""<(?:c|row)(?! r=["'])[\s/>]""")
_PREFIXED_TAG = re.compile(rb":(?:c|row)[\s/>]")
_REF_LETTERS = re.compile(rb""" r=["']\$?([A-Za-z]{1,8})""")
_REF_DIGITS = re.compile(rb""" r=["']\$?[A-Za-z]*\$?(\d{1,12})""")
_LEADING_REF = re.compile(rb""" r=["']\$?([A-Za-z]{0,8})[A-Za-z]*\$?(\d{0,12})""")
# Tag by tag. Attribute text stops at "<" or ">" so no match attempt runs past the next tag.
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(c|row)(?=[\s/>])([^<>]*)")
_ATTR_REF = re.compile(rb"""(?:^|\s)r\s*=\s*["']\$?([A-Za-z]{0,8})[A-Za-z]*\$?(\d{0,12})""")
_DIMENSION = re.compile(rb"""<(?:[A-Za-z_][\w.\-]*:)?dimension\s[^<>]*?\bref\s*=\s*["']([^"'<>]*)""")
_RANGE = re.compile(r"\$?([A-Za-z]{1,7})\$?(\d{1,9})")
_SHEET = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?sheet\s([^<>]*)")
_RELATIONSHIP = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?Relationship\s([^<>]*)")


def _attr(attrs: bytes, name: str) -> str:
    m = re.search(rb"""(?:^|\s)%s\s*=\s*["']([^"']*)""" % re.escape(name.encode()), attrs)
    return html.unescape(m[1].decode("utf-8", "replace")) if m else ""


def column_number(letters: str | bytes) -> int:
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_label(name: str) -> str:
    return _("工作表“%(name)s”") % {"name": name}


def _extent_message(where: str, what: str, lim: Limits) -> str:
    return _("%(where)s%(what)s超过上限（最多 %(cols)d 列、%(rows)d 行）") % {
        "where": where, "what": what, "cols": lim.columns, "rows": lim.rows}


def _area_message(where: str, rows: int, cols: int, lim: Limits) -> str:
    return _("%(where)s的数据区域为 %(rows)d 行 × %(cols)d 列，共 %(n)d 个单元格，超过上限（最多 %(max)d 个）") % {
        "where": where, "rows": rows, "cols": cols, "n": rows * cols, "max": lim.cells}


def _cells_message(lim: Limits) -> str:
    return _("文件的单元格超过 %(max)d 个，超过上限，请拆分后分批导入。") % {"max": lim.cells}


def _long_cell_message(where: str, chars: int, lim: Limits) -> str:
    return (_("%(where)s的内容过长（%(n)d 个字符，最多 %(max)d 个）")
            % {"where": where, "n": chars, "max": lim.cell_chars})


class _Budget:
    """Uncompressed bytes inflated so far, across parts: the central directory states sizes, this
    counts what actually comes out."""

    def __init__(self) -> None:
        self.limit, self.spent = max_uncompressed(), 0

    def spend(self, n: int) -> None:
        self.spent += n
        if self.spent > self.limit:
            raise ImportFileError(_("文件解压后过大（超过 %(size).0f MB），疑似“压缩炸弹”，已拒绝。")
                                  % {"size": self.limit / 1024 / 1024})


class _PartScan:
    """One XML part, chunk by chunk: the highest row and column cells name, cells, long texts."""

    def __init__(self, where: str, lim: Limits, cells_before: int):
        self.where, self.lim = where, lim
        self.cells = cells_before
        self.max_row = self.max_col = 0
        self.row = self.col = 0  # where an implicit cell (no "r") lands: calamine counts on

    def feed(self, body: bytes) -> None:
        """`body` holds whole tags: it ends just before a "<"."""
        if b"<!" in body and FORBIDDEN_XML.search(body):
            raise ImportFileError(_("文件含有不允许的 XML 声明（DOCTYPE/ENTITY），可能是恶意文件，已拒绝。"))
        if b"dimension" in body:
            self._dimension(body)
        if _ODD_TAG.search(body) or _PREFIXED_TAG.search(body):
            self._tag_by_tag(body)
        else:
            self._counted(body)
        self._long_texts(body)
        self._check()

    def _counted(self, body: bytes) -> None:
        # Every cell and row tag here begins `<c r=` / `<row r=`: counting and a regex pass over the
        # refs suffice, without walking the sheet tag by tag.
        self.cells += body.count(b"<c r=")
        letters = set(_REF_LETTERS.findall(body))
        if letters:
            self.max_col = max(self.max_col, *(column_number(x) for x in letters))
        digits = _REF_DIGITS.findall(body)
        if digits:
            # Refs of one length (the usual chunk) compare as bytes, with no int() on each.
            widths = set(map(len, digits))
            top = int(max(digits)) if len(widths) == 1 else max(map(int, digits))
            self.max_row = max(self.max_row, top)
        last_row, last_cell = body.rfind(b"<row r="), body.rfind(b"<c r=")
        if last_row >= 0:
            self.row, self.col = int(_LEADING_REF.match(body, last_row + 4)[2] or 0), 0
        if last_cell > last_row:
            ref = _LEADING_REF.match(body, last_cell + 2)
            self.row, self.col = int(ref[2] or self.row), column_number(ref[1])

    def _tag_by_tag(self, body: bytes) -> None:
        for m in _TAG.finditer(body):
            ref = _ATTR_REF.search(m[2])
            letters, digits = (ref[1], ref[2]) if ref else (b"", b"")
            if m[1] == b"row":
                self.row, self.col = (int(digits) if digits else self.row + 1), 0
            else:
                self.cells += 1
                self.col = column_number(letters) if letters else self.col + 1
                if digits:
                    self.row = int(digits)
                self.max_col = max(self.max_col, self.col)
            self.max_row = max(self.max_row, self.row)

    def _dimension(self, body: bytes) -> None:
        for m in _DIMENSION.finditer(body):
            ref = m[1].decode("ascii", "replace")
            ends = _RANGE.findall(ref)
            if not ends:
                continue
            cols = max(column_number(letters) for letters, _digits in ends)
            rows = max(int(digits) for _letters, digits in ends)
            if rows > self.lim.rows or cols > self.lim.columns:
                raise ImportFileError(_extent_message(self.where, _("声明的范围 %(ref)s ") % {"ref": ref}, self.lim))
            if rows * cols > self.lim.cells:
                raise ImportFileError(_area_message(self.where, rows, cols, self.lim))

    def _long_texts(self, body: bytes) -> None:
        # A text longer than N bytes covers one of the positions N, 2N, 3N...: look around those
        # only (a regex over every text would be most of the scan's work). Bytes bound characters
        # from above, so the exact count (entities unescaped) is needed only for the rare long run.
        step, position = self.lim.cell_chars, self.lim.cell_chars
        while position < len(body):
            start = body.rfind(b"<", 0, position) + 1
            end = body.find(b"<", position)
            end = len(body) if end < 0 else end
            if end - start > step:
                text = body[start:end].split(b">", 1)[-1]
                chars = len(html.unescape(text.decode("utf-8", "replace")))
                if chars > step:
                    raise ImportFileError(_long_cell_message(self._cell_before(body, start), chars, self.lim))
            position = max(end, position + step)

    def _cell_before(self, body: bytes, position: int) -> str:
        """Names the cell whose ref comes last before `position`, when that ref is in this chunk."""
        at = body.rfind(b" r=", 0, position)
        ref = _LEADING_REF.match(body, at) if at >= 0 else None
        return self.where + (_("的单元格 %(ref)s ") % {"ref": (ref[1] + ref[2]).decode()} if ref and ref[1] else "")

    def _check(self) -> None:
        lim = self.lim
        if self.max_row > lim.rows or self.max_col > lim.columns:
            what = _("的单元格引用到 %(ref)s，") % {"ref": f"{column_letters(self.max_col)}{self.max_row}"}
            raise ImportFileError(_extent_message(self.where, what, lim))
        if self.max_row * self.max_col > lim.cells:
            raise ImportFileError(_area_message(self.where, self.max_row, self.max_col, lim))
        if self.cells > lim.cells:
            raise ImportFileError(_cells_message(lim))


def inspect_xlsx(data: bytes, lim: Limits | None = None) -> None:
    """Refuse, before any reader sees it, an .xlsx that is a zip bomb, carries DOCTYPE/ENTITY
    declarations, or whose sheets are larger than `lim` (declared or actual extent, cells, sheets,
    text length). Judges the central directory first, then inflates parts in bounded chunks."""
    lim = lim or limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError(_("文件已损坏，无法作为 Excel 工作簿打开。")) from None
    if len(infos) > ZIP_MAX_MEMBERS:
        raise ImportFileError(_("文件结构异常（包含 %(n)d 个部件），已拒绝。") % {"n": len(infos)})
    total = sum(i.file_size for i in infos)
    if total > max_uncompressed():
        raise ImportFileError(
            _("文件解压后过大（%(size).0f MB），疑似“压缩炸弹”，已拒绝。") % {"size": total / 1024 / 1024})
    for info in infos:
        if info.file_size >= ZIP_RATIO_MIN_BYTES and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise ImportFileError(_("文件压缩比异常（%(ratio)d 倍），疑似“压缩炸弹”，已拒绝。")
                                  % {"ratio": info.file_size // max(info.compress_size, 1)})
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise ImportFileError(_("文件不是 Excel 工作簿（.xlsx 结构不完整）。"))
    try:
        budget = _Budget()
        sheets = _sheet_parts(archive, names, budget, lim)
        cells = 0
        # Every part, whatever its name: a reader follows the relationships, so a sheet may be
        # called anything. Binary parts (images) pass: they hold no tags and no long '<'-free runs.
        for info in infos:
            where = sheet_label(sheets[info.filename]) if info.filename in sheets else \
                _("文件部件“%(name)s”") % {"name": info.filename}
            cells = _scan_part(archive, info, where, lim, budget, cells)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError, zlib.error):
        # RuntimeError: a member encrypted with a zip password; NotImplementedError: an unknown
        # compression method; zlib.error: a corrupt deflate stream
        raise ImportFileError(_("文件已损坏或已加密，无法读取。")) from None


def _sheet_parts(archive: zipfile.ZipFile, names: set[str], budget: _Budget, lim: Limits) -> dict[str, str]:
    """Part path -> sheet name, from xl/workbook.xml and its relationships (to name the sheet in a
    message), after counting the sheets the workbook declares."""
    def head(path: str) -> bytes:
        if path not in names:
            return b""
        with archive.open(path) as part:
            text = part.read(4 * CHUNK)  # sheet lists live in the first kilobytes
        budget.spend(len(text))
        return text

    sheets = [(_attr(m[1], "name"), _attr(m[1], "r:id") or _attr(m[1], "id"))
              for m in _SHEET.finditer(head("xl/workbook.xml"))]
    if len(sheets) > lim.sheets:
        raise ImportFileError(
            _("工作簿有 %(n)d 个工作表，超过上限（最多 %(max)d 个）。") % {"n": len(sheets), "max": lim.sheets})
    targets = {}
    for m in _RELATIONSHIP.finditer(head("xl/_rels/workbook.xml.rels")):
        target = _attr(m[1], "Target")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[_attr(m[1], "Id")] = path
    return {targets[rid]: name for name, rid in sheets if rid in targets}


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, lim: Limits, budget: _Budget,
               cells: int) -> int:
    scan = _PartScan(where, lim, cells)
    tail_limit = 16 * lim.cell_chars + 64 * 1024  # no tag, nor a text within limits, is this long
    tail = b""
    with archive.open(info) as part:  # ZipExtFile never returns more than the declared size
        while chunk := part.read(CHUNK):
            budget.spend(len(chunk))
            buf = tail + chunk
            cut = buf.rfind(b"<")
            if cut > 0:
                scan.feed(buf[:cut])
                buf = buf[cut:]
            if len(buf) > tail_limit:
                raise ImportFileError(_("%(where)s含有超长的文字（超过 %(kb)d KB），已拒绝。")
                                      % {"where": where, "kb": tail_limit // 1024})
            tail = buf
    if tail:
        scan.feed(tail)
    return scan.cells


# -- CSV -------------------------------------------------------------------------------------------
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
        raise ImportFileError(_("CSV 文件编码无法识别，请另存为“CSV UTF-8”或 GBK 编码后上传。")) from None


def _csv_error_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return _("该行有单元格内容过长（超过 %(max)d 个字符），无法读取。") % {"max": csv.field_size_limit()}
    if "NUL" in text:
        return _("该行含有空字符（NUL），无法读取。")
    return _("该行格式错误，无法读取（%(err)s）。") % {"err": text}


def read_csv(data: bytes, lim: Limits | None = None) -> Sheet:
    """All rows of a CSV file. Line ends are those Excel sees (CR, LF or CRLF, so a bare CR starts a
    new row as it does in Excel and row numbers match); a row the csv module cannot read or with a
    cell over the limit is kept as an empty row and listed in `unreadable`."""
    lim = lim or limits()
    text = decode_csv(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    if text.count(dialect.delimiter) > lim.cells:  # before a line of commas becomes a list of millions
        raise ImportFileError(_cells_message(lim))
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    sheet, cells, number = Sheet(name="", rows=[]), 0, 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return sheet
        except csv.Error as exc:
            row, sheet.unreadable[number] = [], _csv_error_reason(exc)
        if number > lim.rows + 1:  # + the header row
            raise ImportFileError(_("文件超过 %(max)d 行，超过上限，请拆分后分批导入。") % {"max": lim.rows})
        if len(row) > lim.columns:
            raise ImportFileError(_("第%(row)d行有 %(n)d 列，超过上限（最多 %(max)d 列）。")
                                  % {"row": number, "n": len(row), "max": lim.columns})
        cells += len(row)
        if cells > lim.cells:
            raise ImportFileError(_cells_message(lim))
        if row and max(map(len, row)) > lim.cell_chars:
            col = next(i for i, c in enumerate(row, start=1) if len(c) > lim.cell_chars)
            sheet.unreadable[number] = _("第%(col)d列内容过长（%(n)d 个字符，最多 %(max)d 个），该行无法导入。") % {
                "col": col, "n": len(row[col - 1]), "max": lim.cell_chars}
            row = []
        sheet.rows.append([c.strip() for c in row])


# -- parsing in a child process --------------------------------------------------------------------
class _PlainUnpickler(pickle.Unpickler):
    """The child sends lists, tuples, str and int only; refuse anything that names a class."""

    def find_class(self, module: str, name: str):
        raise pickle.UnpicklingError(f"{module}.{name}")


def _child_message(code: str, *details) -> str:
    lim = limits()
    if code == "encrypted":
        return _("文件已加密（设置了打开密码），系统无法读取。请取消密码后重新上传。")
    if code == "no_sheets":
        return _("工作簿中没有工作表。")
    if code == "sheets":
        return _("工作簿有 %(n)d 个工作表，超过上限（最多 %(max)d 个）。") % {"n": details[0], "max": lim.sheets}
    if code == "extent":
        sheet, rows, cols = details
        extent = _("的数据范围为 %(rows)d 行 × %(cols)d 列，") % {"rows": rows, "cols": cols}
        return _extent_message(sheet_label(sheet), extent, lim)
    if code == "area":
        sheet, rows, cols = details
        return _area_message(sheet_label(sheet), rows, cols, lim)
    if code == "cells":
        return _cells_message(lim)
    if code == "cell":
        sheet, row, col, chars = details
        where = sheet_label(sheet) + _("的单元格 %(ref)s ") % {"ref": f"{column_letters(col)}{row}"}
        return _long_cell_message(where, chars, lim)
    if code == "unreadable_xls":
        return _("文件无法作为 .xls 工作簿读取。")
    return _("文件无法作为 Excel 工作簿读取（%(err)s）。") % {"err": details[0] if details else code}


def parse_in_child(fmt: str, data: bytes, *, all_sheets: bool = False) -> list[Sheet]:
    """Parse an .xlsx/.xls (already through `sniff`) in a child process under the memory and time
    limits; its death or overrun refuses the upload instead of taking this process down."""
    lim = limits()
    command = [sys.executable, "-I", str(CHILD), fmt, "all" if all_sheets else "first", json.dumps(asdict(lim))]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=lim.seconds, check=False)
    except subprocess.TimeoutExpired:
        raise ImportFileError(_("读取文件超时（超过 %(s)g 秒），文件可能过大或已损坏，已拒绝。请拆分后分批导入。")
                              % {"s": lim.seconds}) from None
    except OSError:  # no process could be started: the server's trouble, said as such
        logger.exception("cannot start the spreadsheet parser child")
        raise ImportFileError(_("服务器暂时无法读取表格文件，请稍后重试。")) from None
    result = None
    if done.returncode == 0:
        collecting = gc.isenabled()
        gc.disable()  # a million new strings in lists would trigger collections that find no garbage
        try:
            result = _PlainUnpickler(io.BytesIO(done.stdout)).load()
        except Exception:  # noqa: BLE001 — whatever the child wrote, it is not an answer
            result = None
        finally:
            if collecting:
                gc.enable()
    if not isinstance(result, tuple) or not result:
        logger.warning("spreadsheet parser child failed: exit %s; %s", done.returncode,
                       done.stderr[-2000:].decode("utf-8", "replace"))
        raise ImportFileError(_("读取文件时解析进程异常终止（可能超出 %(mb)d MB 的内存上限，或文件已损坏），已拒绝。")
                              % {"mb": lim.memory_mb})
    if result[0] != "ok":
        raise ImportFileError(_child_message(*result[1:]))
    return [Sheet(name=name, rows=rows) for name, rows in result[1]]


def read_sheets(name: str, data: bytes, *, all_sheets: bool = False) -> tuple[str, list[Sheet]]:
    """The guarded reader: (format, sheets) of an uploaded file after every check above — the
    first sheet only unless `all_sheets`. Raises ImportFileError with a message for the user."""
    fmt = sniff(name, data)
    if fmt == "csv":
        return fmt, [read_csv(data)]
    return fmt, parse_in_child(fmt, data, all_sheets=all_sheets)
