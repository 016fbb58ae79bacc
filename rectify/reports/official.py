"""The official files: 附件1/附件2 as .xlsx in the seed's layout (title, 填报单位, merged two-level
headers, rows in the seed's order, 填报人, 电话, 数据截至时间, notes), and the narrative as .docx."""
from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Pt

from rectify.core.security.spreadsheets import ImportFileError, read_sheets

from .configuration import SHEET_NAME_FORBIDDEN
from .engine import ComputedTable

NARRATIVE_FIELDS = [
    ("measures", "具体措施"),
    ("entities_inspected", "检查市场主体数"),
    ("staff_dispatched", "出动检查人员数"),
    ("problems", "发现的问题"),
    ("cases_and_fines", "立案罚没情况"),
    ("next_week", "下一步工作安排"),
]
SUMMARY_FIELDS = [
    ("results", "专项整治取得的成效及经验"),
    ("difficulties", "存在的主要难点问题"),
    ("causes", "原因剖析与形势研判"),
    ("proposals", "建立完善长效机制的意见和建议"),
]


def _groups(columns) -> list[tuple[str, int, int]]:
    """(group title, first column index, last column index) for runs of equal group titles."""
    runs: list[tuple[str, int, int]] = []
    for i, col in enumerate(columns):
        if runs and runs[-1][0] == col["group"] and col["group"]:
            runs[-1] = (runs[-1][0], runs[-1][1], i)
        else:
            runs.append((col["group"], i, i))
    return runs


def table_spec(table: ComputedTable) -> dict:
    layout = table.layout
    notes = layout.notes
    if table.problems:  # the file says why some columns are empty, as the page does
        notes = "\n".join([_("注意：本表的配置有误，下列各列未能计算（留空）："), *table.problems, notes or ""])
    return {
        "label": layout.label, "title": layout.title, "row_header": layout.row_header, "notes": notes,
        "columns": [{"group": c.group, "header": c.header} for c in table.columns],
        "rows": [(cat.name, [cell.value for cell in cells]) for cat, cells in table.rows],
    }


def write_sheet(book, ws, spec: dict, *, unit_name: str, filled_by: str, phone: str, cutoff) -> None:
    title = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter",
                             "font_name": "宋体"})
    label = book.add_format({"bold": True, "font_size": 12, "font_name": "黑体"})
    plain = book.add_format({"font_name": "宋体", "font_size": 11})
    head = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True,
                            "font_name": "宋体", "font_size": 10})
    cell = book.add_format({"border": 1, "align": "center", "valign": "vcenter", "font_name": "宋体"})
    rowhead = book.add_format({"border": 1, "align": "left", "valign": "vcenter", "font_name": "宋体"})
    columns = spec["columns"]
    last = len(columns)
    ws.write_string(0, 0, spec["label"], label)
    ws.merge_range(1, 0, 1, last, spec["title"], title)
    ws.write_string(2, 0, f"填报单位：{unit_name}", plain)
    top, sub = 3, 4
    ws.merge_range(top, 0, sub, 0, spec["row_header"] or "", head)
    for group, first, end in _groups(columns):
        if group:
            if first == end:
                ws.write_string(top, first + 1, group, head)
            else:
                ws.merge_range(top, first + 1, top, end + 1, group, head)
            for i in range(first, end + 1):
                ws.write_string(sub, i + 1, columns[i]["header"], head)
        else:
            ws.merge_range(top, first + 1, sub, first + 1, columns[first]["header"], head)
    ws.set_row(sub, 48)
    ws.set_column(0, 0, 24)
    ws.set_column(1, last, 11)
    for r, (name, values) in enumerate(spec["rows"], start=sub + 1):
        ws.write_string(r, 0, name, rowhead)
        for c, value in enumerate(values, start=1):
            if value == "" or value is None:
                ws.write_blank(r, c, None, cell)
            elif isinstance(value, int | float | Decimal) or _is_number(value):
                ws.write_number(r, c, float(value), cell)
            else:
                ws.write_string(r, c, str(value), cell)
    foot = sub + 2 + len(spec["rows"])
    ws.write_string(foot, 0, f"填报人：{filled_by}", plain)
    ws.write_string(foot + 1, 0, f"电  话：{phone}", plain)
    ws.write_string(foot + 2, 0, f"数据截至时间：{cutoff:%Y年%m月%d日}", plain)
    for i, line in enumerate((spec["notes"] or "").splitlines()):
        ws.write_string(foot + 4 + i, 0, line, plain)


def _is_number(value) -> bool:
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False


def workbook(sheets: Iterable[tuple[str, dict, dict]]) -> bytes:
    """sheets: (sheet name, table spec, footer info dict(unit_name, filled_by, phone, cutoff))."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    used: set[str] = set()
    for name, spec, info in sheets:
        ws = book.add_worksheet(sheet_name(name, used))
        write_sheet(book, ws, spec, **info)
    book.close()
    return buf.getvalue()


def sheet_name(name: str, used: set[str]) -> str:
    """A worksheet name Excel accepts, unlike the others in `used` (then added to it): a layout's
    label that slipped in with a character a sheet name cannot hold, or the same label twice, would
    otherwise stop the whole workbook."""
    clean = "".join("_" if c in SHEET_NAME_FORBIDDEN else c for c in name).strip("'")[:31] or "Sheet"
    candidate, n = clean, 1
    while candidate.lower() in used:
        n += 1
        suffix = f"({n})"
        candidate = clean[:31 - len(suffix)] + suffix
    used.add(candidate.lower())
    return candidate


def narrative_docx(*, title: str, unit_name: str, cutoff, narrative: dict, fields=NARRATIVE_FIELDS) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(12)
    doc.add_heading(title, level=1)
    doc.add_paragraph(f"填报单位：{unit_name}    数据截至：{cutoff:%Y年%m月%d日}")
    for key, label in fields:
        doc.add_heading(label, level=2)
        doc.add_paragraph(str(narrative.get(key, "") or "（无）"))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


class OfficialFileError(ValueError):
    """The uploaded file is not a filled official workbook; the messages name sheet, row and column."""

    def __init__(self, messages: list[str]):
        super().__init__("；".join(messages))
        self.messages = messages


def cell_number(text: str) -> int | float | str | None:
    """A figure as typed in a cell (thousands separators and a trailing % allowed); None when empty,
    "bad" when it is no number."""
    text = (text or "").strip().replace(",", "").rstrip("%")
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        return "bad"
    return int(value) if value == int(value) else round(value, 4)


def read_official_workbook(name: str, data: bytes, campaign, layouts) -> dict[str, dict]:
    """Figures from a filled official workbook (the layout `workbook()` writes, one sheet per table),
    as a snapshot like `ComputedTable.as_json()`. Sheets are found by their label (附件1...), rows by
    category name, columns by position after the header rows. Read by the guarded reader (hostile-file
    checks, parse in a limited child process)."""
    try:
        fmt, sheets = read_sheets(name, data, all_sheets=True)
    except ImportFileError as exc:
        raise OfficialFileError([str(exc)]) from None
    if fmt != "xlsx":
        raise OfficialFileError([_("请上传正式格式的 .xlsx 工作簿（由系统“下载正式报表”导出后填写）。")])
    grids = {sheet.name: sheet.rows for sheet in sheets}
    categories = list(campaign.categories.order_by("order"))
    by_name = {c.name: c for c in categories}
    tables, errors = {}, []
    for layout in layouts:
        sheet_name = next((s for s in grids if layout.label in s), None)
        if sheet_name is None:
            errors.append(_("找不到工作表“%(sheet)s”") % {"sheet": layout.label})
            continue
        grid = grids[sheet_name]
        columns = list(layout.columns.select_related("indicator").order_by("order"))
        rows, seen = [], set()
        for r, row in enumerate(grid, start=1):
            label = (row[0] if row else "").strip()
            category = by_name.get(label)
            if category is None:
                continue
            seen.add(label)
            values = []
            for c, column in enumerate(columns, start=1):
                raw = row[c] if c < len(row) else ""
                value = cell_number(raw)
                if value == "bad":
                    errors.append(_("%(sheet)s 第%(row)s行“%(category)s”·“%(column)s”：“%(value)s”不是数字") % {
                        "sheet": sheet_name, "row": r, "category": label, "column": column.header, "value": raw})
                    value = None
                if value is None and column.indicator.aggregate != "ratio":
                    value = 0 if raw == "" else None
                values.append(value if value is not None else "")
            rows.append({"category": category.code, "values": values})
        missing = [c.name for c in categories if c.name not in seen]
        if missing:
            errors.append(_("%(sheet)s：缺少行 %(rows)s") % {"sheet": sheet_name, "rows": "、".join(missing)})
        order = {c.code: c.order for c in categories}
        tables[layout.code] = {"layout": layout.code, "columns": [c.indicator.code for c in columns],
                               "rows": sorted(rows, key=lambda x: order[x["category"]])}
    if errors:
        raise OfficialFileError(errors)
    return tables
