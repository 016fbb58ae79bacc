"""Item 19: hostile files are refused before they are read.

A one-cell .xlsx at XFD1048576 (1.5 KB) made python-calamine allocate 512 GiB and abort the whole
process; these tests post it through every spreadsheet upload path and expect a message naming
what is too large, with nothing written. Then: a zip bomb and a malformed file to the ledger import,
CSV lines the csv module cannot read (a 200 KB cell, a bare CR), a crash and an overrun of the
parsing child, and executables renamed .pdf as internal attachments.
"""
from __future__ import annotations

import io
import time
import zipfile
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from rectify.core.generic.exports import write_xlsx
from rectify.core.generic.importing import ImportFileError, read_table
from rectify.enforcement.models import Complaint
from rectify.enterprises.models import Enterprise, ImportJob
from rectify.fieldwork.models import LedgerEntry
from rectify.prices.models import PriceObservation
from rectify.testing import WorldTestCase
from tests.enterprises import files

REFUSAL = "工作表“Sheet1”声明的范围 A1:XFD1048576 超过上限（最多 200 列、200000 行）"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def xlsx_with_sheet(sheet_data: str, dimension: str | None = None) -> bytes:
    """The smallest workbook calamine opens: one sheet named Sheet1 holding `sheet_data`."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                               '<Default Extension="rels" '
                               'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                               '<Default Extension="xml" ContentType="application/xml"/>'
                               '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                               'officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Target="xl/workbook.xml" '
                       f'Type="{rels}/officeDocument"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{rels}"><sheets>'
                           '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
                                      f'Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}">{dim}<sheetData>{sheet_data}</sheetData></worksheet>',
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + text)
    return buf.getvalue()


def xfd_xlsx() -> bytes:
    """One cell at the last cell Excel has, and the dimension saying so."""
    return xlsx_with_sheet('<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
                           dimension="A1:XFD1048576")


class GuardedReaderTests(SimpleTestCase):
    """The reader itself: what is inspected, and that the inspection comes before any parse."""

    def refusal(self, data: bytes, name: str = "list.xlsx") -> str:
        with self.assertRaises(ImportFileError) as caught:
            read_table(name, data, [])
        return str(caught.exception)

    def test_declared_dimension_is_refused_before_any_parse(self):
        with mock.patch("subprocess.run") as child:
            self.assertEqual(self.refusal(xfd_xlsx()), REFUSAL)
        child.assert_not_called()

    def test_cell_refs_are_counted_whatever_the_dimension_says(self):
        cases = {
            "no dimension": ('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', "XFD1048576"),
            "a lying dimension": ('<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>1</v></c></row>', "XFD1"),
            "r not first, prefixed": ('<row r="1"><x:c xmlns:x="urn:x" s="1" r="ZZ7"><v>1</v></x:c></row>', "ZZ7"),
            "no r at all": ('<row r="3"><c r="GR3"><v>1</v></c><c><v>2</v></c></row>', "GS3"),
            "row beyond": ('<row r="1"><c r="A1"><v>1</v></c></row><row><c r="B300000"><v>1</v></c></row>', "B300000"),
        }
        for label, (sheet_data, ref) in cases.items():
            dimension = "A1" if label == "a lying dimension" else None
            message = self.refusal(xlsx_with_sheet(sheet_data, dimension))
            self.assertEqual(message, f"工作表“Sheet1”的单元格引用到 {ref}，超过上限（最多 200 列、200000 行）", label)

    def test_area_cells_sheets_and_text_length_are_bounded(self):
        area = '<row r="1"><c r="GR1"><v>1</v></c></row><row r="100000"><c r="A100000"><v>1</v></c></row>'
        self.assertIn("数据区域为 100000 行 × 200 列", self.refusal(xlsx_with_sheet(area)))
        long_text = '<row r="2"><c r="B2" t="inlineStr"><is><t>' + "长" * 40_000 + "</t></is></c></row>"
        self.assertEqual(self.refusal(xlsx_with_sheet(long_text)),
                         "工作表“Sheet1”的单元格 B2 的内容过长（40000 个字符，最多 32767 个）")
        with override_settings(RECTIFY_SPREADSHEET_LIMITS={"CELLS": 20}):
            self.assertIn("超过上限（最多 20 个）", self.refusal(files.xlsx(files.rows(3))))
        with override_settings(RECTIFY_SPREADSHEET_LIMITS={"SHEETS": 0}):
            self.assertIn("1 个工作表，超过上限（最多 0 个）", self.refusal(files.xlsx(files.rows(3))))

    def test_zip_bomb_is_stopped_on_the_central_directory(self):
        self.assertIn("压缩炸弹", self.refusal(files.zip_bomb()))

    def test_a_normal_workbook_comes_back_from_the_child(self):
        table = read_table("list.xlsx", files.xlsx(files.rows(3)), [])
        self.assertEqual([r.raw[0] for r in table.rows], [f"沈阳测试防护用品有限公司{n:05d}" for n in (1, 2, 3)])
        self.assertEqual(table.rows[0].raw[-1], "2025-05-14")

    def test_a_crash_of_the_native_reader_is_a_refusal_not_a_dead_process(self):
        # With the inspection switched off, calamine asks for 512 GiB for the grid A1:XFD1048576 and
        # aborts — inside the child, under its address-space limit; this process answers.
        from rectify.core.security import spreadsheets

        corners = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
        with override_settings(RECTIFY_SPREADSHEET_LIMITS={"MEMORY_MB": 512}), \
                mock.patch.object(spreadsheets, "inspect_xlsx"), \
                self.assertLogs("rectify.core.security.spreadsheets", "WARNING"):
            message = self.refusal(xlsx_with_sheet(corners))
        self.assertIn("解析进程异常终止", message)
        self.assertIn("512 MB", message)
        self.assertEqual(len(read_table("list.xlsx", files.xlsx(files.rows(2)), []).rows), 2)

    def test_a_child_over_its_memory_limit_is_a_refusal(self):
        with override_settings(RECTIFY_SPREADSHEET_LIMITS={"MEMORY_MB": 1}), \
                self.assertLogs("rectify.core.security.spreadsheets", "WARNING"):
            self.assertIn("解析进程异常终止", self.refusal(files.xlsx(files.rows(50))))

    def test_a_child_over_its_time_is_a_refusal(self):
        started = time.monotonic()
        with override_settings(RECTIFY_SPREADSHEET_LIMITS={"SECONDS": 0.001}):
            self.assertIn("读取文件超时", self.refusal(files.xlsx(files.rows(50))))
        self.assertLess(time.monotonic() - started, 10)

    def test_xls_is_bounded_in_the_child(self):
        with override_settings(RECTIFY_SPREADSHEET_LIMITS={"ROWS": 3}):
            self.assertIn("的数据范围为 6 行 × 12 列", self.refusal(files.xls(files.rows(5)), "old.xls"))


class CsvLineTests(SimpleTestCase):
    """A CSV line the csv module cannot read is that row's error (the row named), never a 500."""

    def test_a_200_kb_cell_is_a_row_error(self):
        data = files.rows(3)
        data[1][5] = "长" * 200_000
        table = read_table("list.csv", files.csv_bytes(data), [])
        self.assertEqual([r.number for r in table.rows], [2, 4])
        (error,) = table.errors
        self.assertEqual(error.row, 3)
        self.assertIn("内容过长", error.reason)
        data[1][5] = "长" * 40_000  # under the csv module's limit, over a cell's
        (error,) = read_table("list.csv", files.csv_bytes(data), []).errors
        self.assertEqual(str(error), "第3行：第6列内容过长（40000 个字符，最多 32767 个），该行无法导入。")

    def test_a_bare_cr_ends_a_row_as_in_excel(self):
        data = files.csv_bytes(files.rows(3)).replace("和平区南京北街2号".encode(), "和平区\r南京北街2号".encode())
        table = read_table("list.csv", data, [])
        self.assertEqual([r.number for r in table.rows], [2, 3, 4, 5])
        self.assertEqual(table.rows[1].raw[5], "和平区")
        self.assertEqual(table.rows[2].raw[0], "南京北街2号")

    def test_a_header_that_cannot_be_read_refuses_the_file(self):
        with self.assertRaises(ImportFileError) as caught:
            read_table("list.csv", b'"' + b"x" * 200_000 + b'"\n' + files.csv_bytes(files.rows(1)), [])
        self.assertIn("第1行（表头或表头之前）无法读取", str(caught.exception))


class UploadPathTests(WorldTestCase):
    """The hostile workbook through each upload path: a message, nothing written, the process alive."""

    def post(self, key: str, url: str, data: dict):
        self.login(key)
        return self.client.post(url, data)

    def test_enterprise_import(self):
        response = self.post("shenyang_samr", "/enterprises/import/",
                             {"file": SimpleUploadedFile("list.xlsx", xfd_xlsx())})
        self.assertContains(response, REFUSAL, status_code=400)
        self.assertFalse(ImportJob.objects.exists())
        self.assertFalse(Enterprise.objects.exists())

    def test_enterprise_import_of_csv_lines_it_cannot_read(self):
        data = files.rows(3)
        data[1][5] = "x" * 200_000
        self.post("shenyang_samr", "/enterprises/import/",
                  {"file": SimpleUploadedFile("list.csv", files.csv_bytes(data))})
        job = ImportJob.objects.get()
        self.assertEqual(job.status, ImportJob.Status.INVALID)
        self.assertEqual([(e["row"], e["column"]) for e in job.errors], [(3, "")])
        self.assertEqual((job.count_new, job.count_error), (2, 1))
        bare_cr = files.csv_bytes(files.rows(3)).replace("和平区南京北街2号".encode(), "和平区\r南京北街2号".encode())
        self.post("shenyang_samr", "/enterprises/import/", {"file": SimpleUploadedFile("cr.csv", bare_cr)})
        job = ImportJob.objects.latest("pk")
        self.assertEqual(job.status, ImportJob.Status.INVALID)
        # Excel also splits that row in two: 3 is a valid short row, 4 ("南京北街2号"…) is named
        self.assertEqual({e["row"] for e in job.errors}, {4})
        self.assertFalse(Enterprise.objects.exists())

    def test_price_import(self):
        response = self.post("shenyang_samr", "/prices/priceobservation/import/",
                              {"file": SimpleUploadedFile("p.xlsx", xfd_xlsx())})
        self.assertContains(response, REFUSAL, status_code=400)
        self.assertFalse(PriceObservation.objects.exists())

    def ledger_refusals(self, cases: dict[str, tuple[bytes, str]]):
        actor = self.users["shenyang_samr"]
        for name, (data, expected) in cases.items():
            response = self.post("shenyang_samr", "/fieldwork/ledgerentry/import/",
                                 {"unit": actor.unit.pk, "file": SimpleUploadedFile(name, data)})
            self.assertContains(response, expected, status_code=400, msg_prefix=name)
        self.assertFalse(LedgerEntry.objects.exists())

    def test_ledger_import(self):
        self.ledger_refusals({"xfd.xlsx": (xfd_xlsx(), REFUSAL)})

    def test_ledger_import_of_a_zip_bomb_and_broken_files(self):
        # It had no hostile-file checks: the bomb hung it, the others were 500s.
        self.ledger_refusals({"bomb.xlsx": (files.zip_bomb(), "压缩炸弹"),
                              "broken.xlsx": (b"PK\x03\x04 not really a workbook", "文件已损坏"),
                              "virus.xlsx": (EXE, "不是 Excel 工作簿")})

    def test_ledger_import_names_bad_rows(self):
        actor = self.users["shenyang_samr"]
        headers = ["销售方", "购买方", "产品名称", "产品类别", "批号", "数量", "交易日期"]
        data = write_xlsx(headers, [["无此企业", "某诊所", "口罩", "口罩", "K1", "十", "2020-05-21"]])
        response = self.post("shenyang_samr", "/fieldwork/ledgerentry/import/",
                             {"unit": actor.unit.pk, "file": SimpleUploadedFile("ledger.xlsx", data)})
        self.assertContains(response, "第2行：销售方不在企业名录中", status_code=400)

    def test_weekly_report_upload(self):
        from rectify.organisations.models import Campaign
        from rectify.reports import official, services

        campaign = Campaign.objects.get(code="ln-2020-epidemic-supplies")
        with self.assertRaises(official.OfficialFileError) as caught:
            official.read_official_workbook("附件.xlsx", xfd_xlsx(), campaign, services.layouts_of(campaign))
        self.assertEqual(caught.exception.messages, [REFUSAL])

    def test_12315_and_export_list_imports(self):
        from rectify.enforcement.services import complaints_import_12315
        from rectify.targeting import services as targeting

        sy, province = self.users["shenyang_samr"], self.users["province_samr"]
        with self.assertRaisesMessage(ImportFileError, REFUSAL):
            complaints_import_12315(name="12315.xlsx", data=xfd_xlsx(), unit=sy.unit, actor=sy)
        with self.assertRaisesMessage(ImportFileError, REFUSAL):
            targeting.export_list_import(unit=province.unit, name="list.xlsx", data=xfd_xlsx(), actor=province)
        self.assertFalse(Complaint.objects.exists())


class AttachmentContentTests(WorldTestCase):
    """Internal attachments are judged by their bytes, as the portal's are: a renamed executable is
    refused with a form error."""

    def test_complaint_attachment(self):
        from tests.enforcement.helpers import category

        self.login("shenyang_samr")
        data = {"unit": self.users["shenyang_samr"].unit.pk, "number": "C-0002", "kind": "complaint",
                "channel": "hotline",
                "received_on": "2020-05-21", "reporter_name": "李四", "reporter_phone": "13900001111",
                "subject_name": "某药店", "product_category": category().pk, "content": "高价销售口罩",
                "attachment": SimpleUploadedFile("扫描件.pdf", EXE, content_type="application/pdf")}
        response = self.client.post(reverse("enforcement:complaint_add"), data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("附件内容与文件类型 .pdf 不符（实际为Windows 可执行程序）",
                      str(response.context["form"].errors["attachment"]))
        self.assertFalse(Complaint.objects.exists())
        data["attachment"] = SimpleUploadedFile("扫描件.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
        self.assertEqual(self.client.post(reverse("enforcement:complaint_add"), data).status_code, 302)
        self.assertTrue(Complaint.objects.get().attachment.name.endswith(".pdf"))

    def test_problem_evidence(self):
        from rectify.enforcement import services
        from tests.enforcement.helpers import d, unit

        problem = services.problem_record(unit=unit("210100-samr"), source="inspection", description="出厂检验记录不全",
                                          requirement="补齐检验记录", deadline=d("2020-06-30"),
                                          actor=self.users["shenyang_samr"])
        url = reverse("enforcement:problem_step", kwargs={"pk": problem.pk, "step": "done"})
        self.login("shenyang_samr")
        cases = {"记录.pdf": (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "Linux 可执行程序"),
                 "记录.docx": (b"#!/bin/sh\nrm -rf /\n", "脚本"),
                 "照片.jpg": (b"PK\x03\x04" + b"\x00" * 100, "其他内容")}
        for name, (content, what) in cases.items():
            response = self.client.post(url, {"rectification": "已补齐", "evidence": SimpleUploadedFile(name, content)})
            self.assertContains(response, what, status_code=400, msg_prefix=name)
        problem.refresh_from_db()
        self.assertEqual((problem.status, problem.evidence.name), ("open", ""))
