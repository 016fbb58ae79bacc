"""The parse of an uploaded .xlsx/.xls, run as a script in a child process by `spreadsheets.py`.

Native readers trust the file they read; a hostile one can make python-calamine allocate
hundreds of GiB and abort. Here that can only end this child: `main` lowers the address-space
limit (RLIMIT_AS) before reading anything, and the parent refuses the upload when the child dies
or overruns its time. Nothing from Django or the project is imported, so the child starts
without loading them. Protocol: argv = format, "first"|"all", the limits as JSON; the file on stdin; one
pickled tuple on stdout — ("ok", [(sheet name, rows of strings), ...]) or ("refused", code, *details).
"""
from __future__ import annotations

import datetime
import io
import json
import math
import pickle
import sys
from typing import Any


class Refused(Exception):
    """The workbook breaks a limit or cannot be read; args = (code, *details) for the parent's message."""


def cell_str(value: Any) -> str:
    """A cell as the text a user typed: 1.0 -> "1", dates -> ISO, None -> ""."""
    if isinstance(value, str):  # most cells: tested first
        return value.strip()
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


def _check_extent(sheet: str, rows: int, columns: int, limits: dict) -> None:
    # Checked before rows are materialised: to_python pads every row to the full width.
    if rows > limits["rows"] or columns > limits["columns"]:
        raise Refused("extent", sheet, rows, columns)
    if rows * columns > limits["cells"]:
        raise Refused("area", sheet, rows, columns)


def _strings(sheet: str, grid: list[list[Any]], limits: dict) -> list[list[str]]:
    out = []
    for r, row in enumerate(grid, start=1):
        cells = [cell_str(v) for v in row]
        if cells and max(map(len, cells)) > limits["cell_chars"]:
            c = next(i for i, text in enumerate(cells, start=1) if len(text) > limits["cell_chars"])
            raise Refused("cell", sheet, r, c, len(cells[c - 1]))
        out.append(cells)
    return out


def _calamine(data: bytes, first_only: bool, limits: dict) -> list[tuple[str, list[list[str]]]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    names = book.sheet_names
    if not names:
        raise Refused("no_sheets")
    if len(names) > limits["sheets"]:
        raise Refused("sheets", len(names))
    out, total = [], 0
    for name in names[:1] if first_only else names:
        sheet = book.get_sheet_by_name(name)
        end = sheet.end
        rows, columns = (end[0] + 1, end[1] + 1) if end else (0, 0)
        _check_extent(name, rows, columns, limits)
        total += rows * columns
        if total > limits["cells"]:
            raise Refused("cells", total)
        out.append((name, _strings(name, sheet.to_python(skip_empty_area=False), limits)))
    return out


def _xlrd(data: bytes, first_only: bool, limits: dict) -> list[tuple[str, list[list[str]]]]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, on_demand=True)
    if book.nsheets > limits["sheets"]:
        raise Refused("sheets", book.nsheets)
    out = []
    for index in range(min(book.nsheets, 1) if first_only else book.nsheets):
        sheet = book.sheet_by_index(index)  # BIFF8 caps a sheet at 65,536 × 256 cells
        _check_extent(sheet.name, sheet.nrows, sheet.ncols, limits)
        grid = []
        for r in range(sheet.nrows):
            grid.append([xlrd.xldate_as_datetime(cell.value, book.datemode) if cell.ctype == xlrd.XL_CELL_DATE
                         else cell.value for cell in sheet.row(r)])
        out.append((sheet.name, _strings(sheet.name, grid, limits)))
    if not out:
        raise Refused("no_sheets")
    return out


def parse(fmt: str, data: bytes, first_only: bool, limits: dict) -> list[tuple[str, list[list[str]]]]:
    """(sheet name, rows of strings) for the first or every sheet; raises Refused."""
    try:
        return _calamine(data, first_only, limits)
    except (Refused, MemoryError):
        raise
    except Exception as exc:
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise Refused("encrypted") from None
        if fmt != "xls":
            raise Refused("unreadable", type(exc).__name__) from None
    try:  # calamine refuses some older .xls files that xlrd still reads
        return _xlrd(data, first_only, limits)
    except (Refused, MemoryError):
        raise
    except Exception as exc:
        raise Refused("encrypted" if "encrypt" in str(exc).lower() else "unreadable_xls") from None


def main() -> None:
    import gc
    import resource

    import python_calamine  # noqa: F401 — loaded before the limit, which is for the parse

    gc.disable()  # a short life making a million strings and lists: collections would only cost time
    fmt, which, limits = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    if fmt == "xls":
        import xlrd  # noqa: F401 — the fallback reader, imported only when an .xls needs it
    memory = int(limits["memory_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # Backs up the parent's wall-time limit should the parent itself be gone.
    cpu = math.ceil(limits["seconds"]) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    data = sys.stdin.buffer.read()
    try:
        result: tuple = ("ok", parse(fmt, data, which == "first", limits))
    except Refused as exc:
        result = ("refused", *exc.args)
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()
