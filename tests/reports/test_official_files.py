"""The official files are fit to file: the workbook prints on A4 landscape one page wide with its
header rows on every page, amounts in 万元 with two decimals, the rate as a percentage and 报送说明
with the campaign's address; the narrative is in the layout of official documents (GB/T 9704) with
both tables after it; the files are named in Chinese for what they are. Read back with openpyxl and
python-docx."""
import datetime
import io
import zipfile
from decimal import Decimal
from urllib.parse import quote

import docx
import openpyxl
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from lxml import etree

from rectify.organisations.models import Campaign
from rectify.reports import official, services
from rectify.reports.models import WeeklyReport
from rectify.testing import WorldTestCase

from .fixtures import build

DAY = datetime.date(2020, 6, 1)
CUTOFF = datetime.date(2020, 6, 4)
THERMOMETER = "红外体温计（额温枪）"
HEADER_ROWS = (4, 5)  # 1-based: the group row and the header row under it


def mm(length) -> int:
    return round(length.mm)


class OfficialFileTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build(cls.users)
        cls.campaign = Campaign.objects.get(code="ln-2020-epidemic-supplies")

    def setUp(self):
        services.reports_open_week(campaign=self.campaign, day=DAY)
        # Shenyang's records hold the fines, Dandong's customs the sampled batches, hence a rate
        self.report = self._report("210100")
        self.login("shenyang_office")
        self.computed = self._computed(self.report)

    def _report(self, city: str) -> WeeklyReport:
        return WeeklyReport.objects.select_related("unit").get(unit__code=f"{city}-office", cutoff=CUTOFF)

    def _computed(self, report: WeeklyReport) -> dict:
        """{(layout code, category name, indicator code): the value computed from the records}"""
        computed = services.compute_tables(self.campaign, services.report_scope(report), CUTOFF)
        return {(code, category.name, cell.indicator.code): cell.value
                for code, table in computed.items() for category, cells in table.rows for cell in cells}

    def _xlsx(self, report: WeeklyReport | None = None):
        response = self.client.get(f"/reports/weeklyreport/{(report or self.report).pk}/file.xlsx")
        self.assertEqual(response.status_code, 200)
        return response, openpyxl.load_workbook(io.BytesIO(response.content))

    def _docx(self, report: WeeklyReport | None = None):
        response = self.client.get(f"/reports/weeklyreport/{(report or self.report).pk}/file.docx")
        self.assertEqual(response.status_code, 200)
        return response, docx.Document(io.BytesIO(response.content))

    def _dandong(self) -> tuple[WeeklyReport, dict]:
        """Dandong's report, where the customs sampled thermometers, read by the province."""
        self.login("province_office")
        report = self._report("210600")
        computed = self._computed(report)
        self.assertEqual(computed[("annex1", THERMOMETER, "a1_export_rate")], Decimal("13.33"))  # 2 of 15 batches
        return report, computed

    @staticmethod
    def _row(ws, name: str) -> int:
        return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == name)

    def test_the_workbook_prints_on_a4_landscape_one_page_wide_with_its_headers_on_every_page(self):
        _response, book = self._xlsx()
        self.assertEqual(book.sheetnames, ["附件1", "附件2"])
        for ws in book.worksheets:
            with self.subTest(sheet=ws.title):
                setup = ws.page_setup
                self.assertEqual(setup.orientation, "landscape")
                self.assertEqual(int(setup.paperSize), 9)  # A4
                self.assertTrue(ws.sheet_properties.pageSetUpPr.fitToPage)
                # fitToWidth's default is 1 (ECMA-376), which xlsxwriter leaves unwritten
                self.assertIn(setup.fitToWidth, (None, 1, "1"))
                self.assertEqual(int(setup.fitToHeight), 0)  # as many pages down as it takes
                self.assertEqual(ws.print_title_rows, f"${HEADER_ROWS[0]}:${HEADER_ROWS[1]}")
                # the category column holds 红外体温计（额温枪） on one line: ten full-width characters
                self.assertGreaterEqual(ws.column_dimensions["A"].width, 20)
                last = openpyxl.utils.get_column_letter(ws.max_column)
                self.assertGreaterEqual(ws.column_dimensions["B"].width, 11)
                self.assertEqual(ws.column_dimensions["B"].min, 2)
                self.assertEqual(ws.column_dimensions["B"].max, openpyxl.utils.column_index_from_string(last))

    def test_counts_amounts_and_the_rate_have_their_number_formats(self):
        _response, book = self._xlsx()
        annex2 = book["附件2"]
        self.assertEqual(annex2.cell(4, 16).value, "合计")
        self.assertEqual(annex2.cell(5, 18).value, "罚没(万元)")
        self.assertEqual(self.computed[("annex2", "口罩", "a2_total_fines")], Decimal("2.50"))
        fines = annex2.cell(self._row(annex2, "口罩"), 18)
        self.assertEqual((fines.number_format, fines.value), ("0.00", 2.5))  # prints as 2.50
        filed = annex2.cell(self._row(annex2, "口罩"), 16)
        self.assertEqual(filed.number_format, "0")
        report, computed = self._dandong()
        _response, book = self._xlsx(report)
        annex1 = book["附件1"]
        row = self._row(annex1, THERMOMETER)
        self.assertEqual(annex1.cell(5, 9).value, "监督抽查批次不合格发现率")
        rate = annex1.cell(row, 9)
        self.assertEqual(rate.number_format, "0.00%")
        self.assertAlmostEqual(rate.value, 0.1333)  # the fraction, shown as 13.33%
        self.assertEqual((annex1.cell(row, 7).number_format, annex1.cell(row, 7).value), ("0", 15))
        self.assertEqual(annex1.cell(self._row(annex1, "口罩"), 9).value, None)  # nothing sampled: no rate

    def test_the_submission_note_carries_the_campaigns_address(self):
        self.assertEqual(self.campaign.report_email, "lnjjjzc@sina.com")
        _response, book = self._xlsx()
        for ws in book.worksheets:
            notes = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)
                     if str(ws.cell(r, 1).value or "").startswith("报送说明")]
            self.assertEqual(notes, ["报送说明：每周四14时前将工作开展情况发送至邮箱 lnjjjzc@sina.com。"], ws.title)

    def test_without_an_address_the_layouts_own_line_stays(self):
        Campaign.objects.filter(pk=self.campaign.pk).update(report_email="")
        _response, book = self._xlsx()
        notes = [ws.cell(r, 1).value for ws in book.worksheets for r in range(1, ws.max_row + 1)
                 if str(ws.cell(r, 1).value or "").startswith("报送说明")]
        self.assertEqual(notes, ["报送说明：每周四14时前将工作开展情况发送至邮箱。"] * 2)

    def test_a_workbook_read_back_keeps_the_rate_in_per_cent(self):
        report, _computed = self._dandong()
        _response, book = self._xlsx(report)
        annex1 = book["附件1"]
        annex1.cell(self._row(annex1, "口罩"), 9).value = "12.5%"  # typed as text with its sign: taken as written
        buf = io.BytesIO()
        book.save(buf)
        tables = official.read_official_workbook("附件.xlsx", buf.getvalue(), self.campaign,
                                                 services.layouts_of(self.campaign))
        rows = {r["category"]: r["values"] for r in tables["annex1"]["rows"]}
        rate_at = tables["annex1"]["columns"].index("a1_export_rate")
        self.assertEqual(rows["thermometer"][rate_at], 13.33)  # the cell's 0.1333, in per cent as computed
        self.assertEqual(rows["mask"][rate_at], 12.5)
        self.assertEqual(rows["thermometer"][tables["annex1"]["columns"].index("a1_export_batches")], 15)

    def test_the_narrative_is_in_the_layout_of_official_documents(self):
        _response, document = self._docx()
        section = document.sections[0]
        self.assertEqual(section.orientation, WD_ORIENT.PORTRAIT)
        self.assertEqual((mm(section.page_width), mm(section.page_height)), (210, 297))
        self.assertEqual([mm(section.top_margin), mm(section.bottom_margin), mm(section.left_margin),
                          mm(section.right_margin)], [37, 35, 28, 26])
        normal = document.styles["Normal"]
        self.assertEqual(normal.font.size.pt, 16)  # 三号
        fonts = normal.element.rPr.rFonts
        self.assertEqual(fonts.get(qn("w:eastAsia")), "仿宋_GB2312")
        self.assertIsNone(fonts.get(qn("w:eastAsiaTheme")))  # a theme font would win over the named one
        title = document.paragraphs[0]
        self.assertEqual(title.text, str(self.report))
        self.assertEqual(title.alignment, WD_ALIGN_PARAGRAPH.CENTER)
        run = title.runs[0]
        self.assertEqual(run.font.size.pt, 22)  # 二号
        self.assertEqual(run._element.rPr.rFonts.get(qn("w:eastAsia")), "方正小标宋简体")
        body = next(p for p in document.paragraphs if p.text == "（无）")
        self.assertEqual(body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")), "仿宋_GB2312")
        self.assertEqual(body.runs[0].font.size.pt, 16)

    def test_the_font_table_names_the_fallback_fonts(self):
        response, _document = self._docx()
        table = etree.fromstring(zipfile.ZipFile(io.BytesIO(response.content)).read("word/fontTable.xml"))
        alternatives = {font.get(qn("w:name")): font.find(qn("w:altName")).get(qn("w:val"))
                        for font in table.findall(qn("w:font")) if font.find(qn("w:altName")) is not None}
        self.assertIn("FangSong", alternatives["仿宋_GB2312"].split(","))
        self.assertIn("仿宋", alternatives["仿宋_GB2312"].split(","))
        self.assertIn("SimHei", alternatives["方正小标宋简体"].split(","))
        self.assertIn("黑体", alternatives["方正小标宋简体"].split(","))

    def test_both_tables_follow_the_narrative_as_word_tables_with_their_headers(self):
        _response, document = self._docx()
        self.assertEqual(len(document.tables), 2)
        annex1, annex2 = document.tables
        self.assertEqual(annex1.rows[0].cells[1].text, "市场监管、药监部门生产企业排查情况")
        self.assertEqual([c.text for c in annex1.rows[1].cells][1:5],
                         ["排查企业数量", "审评审批不合格企业数量", "认证等不合格企业数量", "其他不合格企业数量"])
        self.assertEqual(annex2.rows[0].cells[1].text, "质量违法类")
        for table in (annex1, annex2):  # both header rows repeat when a table runs over a page
            for row in table.rows[:2]:
                self.assertIsNotNone(row._tr.trPr.find(qn("w:tblHeader")))
        names = [r.cells[0].text for r in annex2.rows[2:]]
        self.assertEqual(names, [c.name for c in self.campaign.categories.order_by("order")])
        self.assertEqual(annex2.rows[1].cells[-4].text, "罚没(万元)")
        self.assertEqual(next(r for r in annex2.rows if r.cells[0].text == "口罩").cells[-4].text, "2.50")
        text = [p.text for p in document.paragraphs]
        self.assertLess(text.index("附件1"), text.index("附件2"))
        self.assertGreater(text.index("附件1"), text.index("六、下一步工作安排"))
        self.assertIn("报送说明：每周四14时前将工作开展情况发送至邮箱 lnjjjzc@sina.com。", text)
        annexes = document.sections[1:]
        self.assertEqual(len(annexes), 2)
        self.assertTrue(all(s.orientation == WD_ORIENT.LANDSCAPE and mm(s.page_width) == 297 for s in annexes))
        report, _computed = self._dandong()
        _response, document = self._docx(report)
        thermometer = next(r for r in document.tables[0].rows if r.cells[0].text == THERMOMETER)
        self.assertEqual([thermometer.cells[7].text, thermometer.cells[8].text], ["2", "13.33%"])

    def test_the_files_are_named_for_what_they_are(self):
        xlsx, _book = self._xlsx()
        self.assertEqual(xlsx["Content-Disposition"],
                         f"attachment; filename=\"report-{self.report.pk}-tables-2020-06-04.xlsx\"; "
                         f"filename*=UTF-8''{quote('沈阳市专项工作组办公室_附件1附件2_截至2020-06-04.xlsx')}")
        document, _doc = self._docx()
        self.assertEqual(document["Content-Disposition"],
                         f"attachment; filename=\"report-{self.report.pk}-2020-06-04.docx\"; "
                         f"filename*=UTF-8''{quote('沈阳市专项工作组办公室_工作情况_截至2020-06-04.docx')}")
        self.login("province_office")
        province = self.client.get("/reports/province.xlsx", {"cutoff": "2020-06-04"})
        self.assertEqual(province["Content-Disposition"],
                         "attachment; filename=\"province-2020-06-04.xlsx\"; "
                         f"filename*=UTF-8''{quote('辽宁省专项工作组办公室_全省汇总_截至2020-06-04.xlsx')}")
