"""The official files: 附件1/附件2 as .xlsx in the seed's layout (title, 填报单位, merged two-level
headers, rows in the seed's order, 填报人, 电话, 数据截至时间, notes), set up to print as filed, and
the narrative as .docx in the layout of official documents, with both tables after it."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

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


# The layout of official documents (GB/T 9704): A4, margins top 37, bottom 35, left 28, right 26 mm,
# body in 仿宋_GB2312 三号 (16 pt), title in 小标宋 二号 (22 pt), first-level headings in 黑体. The
# government fonts are not on every machine: the document's font table names the ones Word and WPS
# may use instead (w:altName), and the digits and Latin letters take Times New Roman.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top_margin": Mm(37), "bottom_margin": Mm(35), "left_margin": Mm(28), "right_margin": Mm(26)}
BODY_FONT, TITLE_FONT, HEADING_FONT, LATIN_FONT = "仿宋_GB2312", "方正小标宋简体", "黑体", "Times New Roman"
FONT_FALLBACKS = {BODY_FONT: "仿宋,FangSong,STFangsong", TITLE_FONT: "黑体,SimHei", HEADING_FONT: "SimHei"}
BODY_SIZE, TITLE_SIZE, ANNEX_TITLE_SIZE, TABLE_SIZE = Pt(16), Pt(22), Pt(18), Pt(9)
LINE_PITCH = Pt(28)  # 固定值28磅: the 22 lines a page of the standard
WEEKDAYS = "一二三四五六日"
FILE_NAME_FORBIDDEN = set('\\/:*?"<>|') | {chr(i) for i in range(32)}


def _groups(columns) -> list[tuple[str, int, int]]:
    """(group title, first column index, last column index) for runs of equal group titles."""
    runs: list[tuple[str, int, int]] = []
    for i, col in enumerate(columns):
        if runs and runs[-1][0] == col["group"] and col["group"]:
            runs[-1] = (runs[-1][0], runs[-1][1], i)
        else:
            runs.append((col["group"], i, i))
    return runs


def column_spec(column) -> dict:
    """A layout column as the files print it: its headers, its indicator's decimals (万元 with two),
    and whether it is a rate kept in per cent (a ratio scaled by 100), printed as a percentage."""
    indicator = column.indicator
    return {"group": column.group, "header": column.header, "decimals": indicator.decimals,
            "percent": indicator.aggregate == "ratio" and indicator.scale == 100}


def table_spec(table: ComputedTable) -> dict:
    layout = table.layout
    notes = layout.notes
    if table.problems:  # the file says why some columns are empty, as the page does
        notes = "\n".join([_("注意：本表的配置有误，下列各列未能计算（留空）："), *table.problems, notes or ""])
    return {
        "label": layout.label, "title": layout.title, "row_header": layout.row_header, "notes": notes,
        "columns": [column_spec(c) for c in table.columns],
        "rows": [(cat.name, [cell.value for cell in cells]) for cat, cells in table.rows],
    }


def number_format(column: dict) -> str:
    """'0', '0.00' or '0.00%' (on the fraction) after the column's decimals."""
    decimals = column.get("decimals", 0)
    text = "0." + "0" * decimals if decimals else "0"
    return text + "%" if column.get("percent") else text


def display(value, column: dict) -> str:
    """A cell's value as printed in the docx: the column's decimals, a rate with its per-cent sign."""
    if value == "" or value is None:
        return ""
    if not _is_number(value):
        return str(value)
    text = f"{Decimal(str(value)):.{column.get('decimals', 0)}f}"
    return f"{text}%" if column.get("percent") else text


def submission_note(campaign) -> str:
    """报送说明 with the campaign's weekly deadline and address (the layout's own line may name
    another campaign's deadline: a copy keeps its source's notes); empty without a campaign."""
    if campaign is None:
        return ""
    time = campaign.weekly_deadline_time
    clock = f"{time.hour}时{time.minute}分" if time.minute else f"{time.hour}时"
    values = {"weekday": WEEKDAYS[campaign.weekly_deadline_weekday], "time": clock, "email": campaign.report_email}
    if not campaign.report_email:
        return _("报送说明：每周%(weekday)s%(time)s前将工作开展情况发送至邮箱。") % values
    return _("报送说明：每周%(weekday)s%(time)s前将工作开展情况发送至邮箱 %(email)s。") % values


def notes_lines(notes: str, submission: str = "") -> list[str]:
    """The layout's notes, its 报送说明 line replaced by the campaign's (added when it has none)."""
    lines = (notes or "").splitlines()
    if not submission:
        return lines
    kept = [line for line in lines if not line.startswith("报送说明")]
    return [*kept, submission]


def _text_width(text: str) -> float:
    """Width in Excel's character units: a CJK or full-width character takes two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def write_sheet(book, ws, spec: dict, *, unit_name: str, filled_by: str, phone: str, cutoff,
                submission: str = "") -> None:
    title = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter",
                             "font_name": "宋体"})
    label = book.add_format({"bold": True, "font_size": 12, "font_name": "黑体"})
    plain = book.add_format({"font_name": "宋体", "font_size": 11})
    head = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True,
                            "font_name": "宋体", "font_size": 10})
    rowhead = book.add_format({"border": 1, "align": "left", "valign": "vcenter", "font_name": "宋体"})
    columns = spec["columns"]
    cells = {fmt: book.add_format({"border": 1, "align": "center", "valign": "vcenter", "font_name": "宋体",
                                   "num_format": fmt})
             for fmt in {number_format(c) for c in columns}}
    last = len(columns)
    ws.write_string(0, 0, spec["label"], label)
    ws.merge_range(1, 0, 1, last, spec["title"], title)
    ws.set_row(1, 30)
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
    ws.set_row(top, 30)
    ws.set_row(sub, 58)
    # the row names in one line (红外体温计（额温枪）, 新型冠状病毒检测试剂), the figures beside them
    ws.set_column(0, 0, max([12.0] + [_text_width(name) + 2 for name, _values in spec["rows"]]))
    ws.set_column(1, last, 11)
    # printed as filed: A4 landscape, one page wide, the header rows again on every page
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(top, sub)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.set_footer("&C第 &P 页，共 &N 页")
    for r, (name, values) in enumerate(spec["rows"], start=sub + 1):
        ws.write_string(r, 0, name, rowhead)
        for c, value in enumerate(values, start=1):
            column = columns[c - 1] if c <= last else {}
            fmt = cells.get(number_format(column)) or cells[next(iter(cells))]
            if value == "" or value is None:
                ws.write_blank(r, c, None, fmt)
            elif isinstance(value, int | float | Decimal) or _is_number(value):
                number = float(value)
                ws.write_number(r, c, number / 100 if column.get("percent") else number, fmt)
            else:
                ws.write_string(r, c, str(value), fmt)
    foot = sub + 2 + len(spec["rows"])
    ws.write_string(foot, 0, f"填报人：{filled_by}", plain)
    ws.write_string(foot + 1, 0, f"电  话：{phone}", plain)
    ws.write_string(foot + 2, 0, f"数据截至时间：{cutoff:%Y年%m月%d日}", plain)
    for i, line in enumerate(notes_lines(spec["notes"], submission)):
        ws.write_string(foot + 4 + i, 0, line, plain)


def _is_number(value) -> bool:
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False


def workbook(sheets: Iterable[tuple[str, dict, dict]], *, campaign=None) -> bytes:
    """sheets: (sheet name, table spec, footer info dict(unit_name, filled_by, phone, cutoff));
    `campaign` gives 报送说明 its deadline and address."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    used: set[str] = set()
    submission = submission_note(campaign)
    for name, spec, info in sheets:
        ws = book.add_worksheet(sheet_name(name, used))
        write_sheet(book, ws, spec, submission=submission, **info)
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


def file_name(unit: str, what: str, cutoff, ext: str) -> str:
    """What a downloaded file is, in its name: 沈阳市专项工作组办公室_附件1附件2_截至2020-06-04.xlsx
    (characters Windows refuses in a file name replaced)."""
    name = f"{unit}_{what}_截至{cutoff:%Y-%m-%d}"
    return "".join("_" if c in FILE_NAME_FORBIDDEN else c for c in name).strip() + f".{ext}"


def _fonts(rpr, east_asia: str, size=None, bold: bool = False) -> None:
    """Set a run's or style's fonts: the Chinese face on w:eastAsia, Times New Roman for Latin and
    digits; theme fonts removed, as they would win over the named ones."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), LATIN_FONT)
    rfonts.set(qn("w:hAnsi"), LATIN_FONT)
    rfonts.set(qn("w:eastAsia"), east_asia)
    if size is not None:
        rpr.sz_val = size
    if bold:
        rpr.get_or_add_b()


def _run(paragraph, text: str, font: str, size, bold: bool = False):
    run = paragraph.add_run(text)
    _fonts(run._element.get_or_add_rPr(), font, size, bold)
    return run


def _page(section, *, landscape: bool = False) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (PAGE_HEIGHT, PAGE_WIDTH) if landscape else (PAGE_WIDTH, PAGE_HEIGHT)
    for name, value in MARGINS.items():
        setattr(section, name, value)


def _body_style(doc) -> None:
    """Normal: 仿宋_GB2312 三号, lines at a fixed 28 pt, also in the document defaults (which name
    theme fonts in python-docx's template)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is not None and rpr_default.find(qn("w:rPr")) is not None:
        _fonts(rpr_default.find(qn("w:rPr")), BODY_FONT, BODY_SIZE)
        lang = rpr_default.find(qn("w:rPr")).find(qn("w:lang"))
        if lang is not None:  # Chinese punctuation and line breaking, not the template's US English
            lang.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    _fonts(normal.element.get_or_add_rPr(), BODY_FONT, BODY_SIZE)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)


def _annex_table(doc, spec: dict) -> None:
    columns = spec["columns"]
    table = doc.add_table(rows=2 + len(spec["rows"]), cols=1 + len(columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER

    def put(cell, text: str, bold: bool = False, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.alignment = align
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        paragraph.paragraph_format.first_line_indent = Pt(0)
        _run(paragraph, text, BODY_FONT, TABLE_SIZE, bold)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER

    put(table.cell(0, 0).merge(table.cell(1, 0)), spec["row_header"] or "", bold=True)
    for group, first, end in _groups(columns):
        if group:
            put(table.cell(0, first + 1).merge(table.cell(0, end + 1)), group, bold=True)
            for i in range(first, end + 1):
                put(table.cell(1, i + 1), columns[i]["header"], bold=True)
        else:
            put(table.cell(0, first + 1).merge(table.cell(1, first + 1)), columns[first]["header"], bold=True)
    for row in table.rows[:2]:  # the header rows again on every page the table runs over
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(header)
    for r, (name, values) in enumerate(spec["rows"], start=2):
        put(table.cell(r, 0), name, align=WD_ALIGN_PARAGRAPH.LEFT)
        for c, value in enumerate(values[:len(columns)], start=1):
            put(table.cell(r, c), display(value, columns[c - 1]))


def narrative_docx(*, title: str, unit_name: str, cutoff, narrative: dict, fields=NARRATIVE_FIELDS,
                   tables: Iterable[dict] = (), filled_by: str = "", phone: str = "", campaign=None) -> bytes:
    """The narrative in the layout of official documents, then each table (附件1, 附件2) as a Word
    table with its two header rows, on landscape A4 pages."""
    doc = Document()
    _page(doc.sections[0])
    _body_style(doc)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.line_spacing = Pt(36)  # an 二号 line would be clipped in the body's 28 pt
    _run(heading, title, TITLE_FONT, TITLE_SIZE)
    info = doc.add_paragraph()
    info.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(info, f"填报单位：{unit_name}    数据截至：{cutoff:%Y年%m月%d日}", BODY_FONT, BODY_SIZE)
    numbers = "一二三四五六七八九十"
    for i, (key, label) in enumerate(fields):
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(32)
        _run(paragraph, f"{numbers[i % 10]}、{label}", HEADING_FONT, BODY_SIZE)
        for line in (str(narrative.get(key, "") or "（无）")).splitlines() or [""]:
            body = doc.add_paragraph()
            body.paragraph_format.first_line_indent = Pt(32)
            _run(body, line, BODY_FONT, BODY_SIZE)
    submission = submission_note(campaign)
    for spec in tables:
        _page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=True)
        _run(doc.add_paragraph(), spec["label"], HEADING_FONT, BODY_SIZE)
        caption = doc.add_paragraph()
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(caption, spec["title"], TITLE_FONT, ANNEX_TITLE_SIZE)
        _run(doc.add_paragraph(), f"填报单位：{unit_name}", BODY_FONT, Pt(12))
        _annex_table(doc, spec)
        footer = doc.add_paragraph()
        _run(footer, f"填报人：{filled_by}    电话：{phone}    数据截至时间：{cutoff:%Y年%m月%d日}", BODY_FONT, Pt(12))
        for line in notes_lines(spec["notes"], submission):
            note = doc.add_paragraph()
            note.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            _run(note, line, BODY_FONT, Pt(10))
    buf = io.BytesIO()
    doc.save(buf)
    return _with_font_fallbacks(buf.getvalue())


def _with_font_fallbacks(data: bytes) -> bytes:
    """The saved document with the government fonts in its font table, each naming the faces to use
    where it is not installed (w:altName; python-docx has no API for the font table)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "word/fontTable.xml":
                root = etree.fromstring(content)
                for name, alternatives in FONT_FALLBACKS.items():
                    font = etree.SubElement(root, qn("w:font"))
                    font.set(qn("w:name"), name)
                    for tag, value in (("w:altName", alternatives), ("w:charset", "86"), ("w:family", "modern"),
                                       ("w:pitch", "fixed")):
                        etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(item, content)
    return out.getvalue()


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
                if column_spec(column)["percent"] and isinstance(value, int | float) and not raw.strip().endswith("%"):
                    # the workbook keeps a rate as the fraction its cell shows as a percentage
                    value = round(value * 100, 4)
                    value = int(value) if value == int(value) else value
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
