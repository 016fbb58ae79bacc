"""Personal data (encryption, masking, audit), working-day clocks, overdue lists, 12315 import,
the decision on a complaint and the lead it becomes."""
import io

import openpyxl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import SimpleTestCase

from rectify.core.audit.models import Event, ObjectChange
from rectify.core.security import crypto
from rectify.enforcement.models import Complaint
from rectify.enforcement.services import (
    complaint_decide,
    complaint_receive,
    complaint_to_lead,
    complaints_import_12315,
    mask_id_number,
    mask_name,
    mask_phone,
)
from rectify.enforcement.workdays import add_working_days
from rectify.testing import WorldTestCase

from .helpers import d, enterprise, unit


class CryptoTests(SimpleTestCase):
    def test_round_trip_random_iv_and_tamper_detection(self):
        a, b = crypto.encrypt("13812341234"), crypto.encrypt("13812341234")
        self.assertNotEqual(a, b)
        self.assertEqual(crypto.decrypt(a), "13812341234")
        raw = bytearray(a.encode())
        raw[10] = ord("A") if raw[10] != ord("A") else ord("B")
        with self.assertRaises(crypto.DecryptionError):
            crypto.decrypt(raw.decode())

    def test_masks(self):
        self.assertEqual(mask_phone("13812341234"), "138****1234")
        self.assertEqual(mask_name("张三"), "张*")
        self.assertEqual(mask_id_number("210102199001011234"), "2101**********1234")


class WorkingDayTests(SimpleTestCase):
    def test_dragon_boat_2020(self):
        # Received Wed 06-24; 06-25..27 holiday, Sun 06-28 make-up working day.
        self.assertEqual(add_working_days(d("2020-06-24"), 1), d("2020-06-28"))
        self.assertEqual(add_working_days(d("2020-06-24"), 7), d("2020-07-06"))
        self.assertEqual(add_working_days(d("2020-06-22"), 15), d("2020-07-14"))

    def test_may_day_2020(self):
        # Sun 04-26 make-up; 05-01..05 holiday; Sat 05-09 make-up.
        self.assertEqual(add_working_days(d("2020-04-25"), 1), d("2020-04-26"))
        self.assertEqual(add_working_days(d("2020-04-30"), 1), d("2020-05-06"))
        self.assertEqual(add_working_days(d("2020-04-30"), 7), d("2020-05-13"))  # 06,07,08,09(Sat),11,12,13


class ComplaintTests(WorldTestCase):
    def _receive(self, **kw):
        fields = {"number": "C-1", "received_on": d("2020-06-24"), "content": "高价口罩", "reporter_name": "张三",
                  "reporter_phone": "13812341234", "reporter_id_number": "210102199001011234", **kw}
        return complaint_receive(unit=unit("210100-samr"), actor=self.users["shenyang_samr"], **fields)

    def test_raw_row_holds_no_plaintext_and_log_masks(self):
        c = self._receive()
        with connection.cursor() as cur:
            cur.execute("SELECT reporter_name, reporter_phone, reporter_id_number FROM enforcement_complaint"
                        " WHERE id = %s", [c.pk])
            row = cur.fetchone()
        for value, plain in zip(row, ("张三", "13812341234", "210102199001011234"), strict=True):
            self.assertTrue(value.startswith("sm4:"))
            self.assertNotIn(plain, value)
        self.assertEqual(Complaint.objects.get(pk=c.pk).reporter_phone, "13812341234")
        for change in ObjectChange.objects.filter(object_id=str(c.pk), content_type__model="complaint"):
            self.assertNotIn("13812341234", str(change.after))

    def test_full_view_only_for_handling_unit_and_audited(self):
        c = self._receive()
        url = f"/enforcement/complaint/{c.pk}/"
        self.login("shenyang_samr")
        page = self.client.get(url)
        self.assertContains(page, "13812341234")
        self.assertContains(page, "210102199001011234")
        self.assertEqual(page["Cache-Control"], "no-store")
        self.assertEqual(Event.objects.filter(event="personal_data.view", object_id=str(c.pk)).count(), 1)
        # The handling unit's edit page shows the data in its inputs: a full view, recorded as one.
        self.assertContains(self.client.get(url + "edit/"), "13812341234")
        self.assertEqual(Event.objects.filter(event="personal_data.view", object_id=str(c.pk),
                                              detail__page="edit").count(), 1)
        for key in ("shenyang_office", "province_office"):
            self.login(key)
            page = self.client.get(url)
            self.assertContains(page, "138****1234")
            self.assertContains(page, "张*")
            self.assertContains(page, "2101**********1234")
            self.assertNotContains(page, "13812341234")
            edit = self.client.get(url + "edit/")
            self.assertNotContains(edit, "13812341234")
        self.assertEqual(Event.objects.filter(event="personal_data.view", object_id=str(c.pk)).count(), 2)
        api = self.api("province_office").get(f"/api/enforcement/complaint/{c.pk}/").json()
        self.assertNotIn("reporter_phone", api)
        self.assertEqual(api["reporter_masked"]["phone"], "138****1234")

    def test_clocks_matching_and_overdue(self):
        ent = enterprise("210100", name="沈阳安泰口罩经营部")
        c = self._receive(subject_name="沈阳安泰口罩经营部")
        self.assertEqual(c.enterprise, ent)
        self.assertEqual(c.accept_due, d("2020-07-06"))
        tip = self._receive(number="T-1", kind="tip", received_on=d("2020-04-30"), subject_credit_code=ent.credit_code)
        self.assertEqual(tip.enterprise, ent)
        self.assertEqual(tip.verify_due, add_working_days(d("2020-04-30"), 15))
        self.login("shenyang_samr")
        listed = self.client.get("/enforcement/complaint/", {"overdue": "true"})
        self.assertEqual({r.pk for r in listed.context["table"].data}, {c.pk, tip.pk})
        complaint_decide(complaint=c, accept=True, actor=self.users["shenyang_samr"], decided_on=d("2020-07-01"))
        self.login("province_office")
        page = self.client.get("/enforcement/complaints/overdue/")
        self.assertEqual([r.pk for r in page.context["rows"]], [tip.pk])
        self.assertEqual(page.context["by_city"][0]["region__code"], "210100")
        self.login("dalian_office")
        self.assertEqual(list(self.client.get("/enforcement/complaints/overdue/").context["rows"]), [])

    def test_only_handling_unit_decides(self):
        c = self._receive()
        with self.assertRaises(PermissionDenied):
            complaint_decide(complaint=c, accept=True, actor=self.users["shenyang_office"])

    def test_a_tip_is_verified_not_decided(self):
        tip = self._receive(kind="tip")
        with self.assertRaisesMessage(ValidationError, "举报无须作出受理决定"):
            complaint_decide(complaint=tip, accept=True, actor=self.users["shenyang_samr"])
        tip.refresh_from_db()
        self.assertEqual((tip.status, tip.decision), (Complaint.Status.RECEIVED, ""))

    def test_a_complaint_becomes_one_lead_once_accepted(self):
        clerk = self.users["shenyang_samr"]
        c = self._receive()
        with self.assertRaisesMessage(ValidationError, "投诉须先受理"):
            complaint_to_lead(complaint=c, description="哄抬口罩价格", actor=clerk)
        complaint_decide(complaint=c, accept=True, actor=clerk, decided_on=d("2020-06-28"))
        lead = complaint_to_lead(complaint=c, description="哄抬口罩价格", actor=clerk)
        with self.assertRaisesMessage(ValidationError, "已转为线索，不能重复转为线索"):
            complaint_to_lead(complaint=c, description="哄抬口罩价格", actor=clerk)
        self.assertEqual(list(c.leads.all()), [lead])
        rejected = self._receive(number="C-2")
        complaint_decide(complaint=rejected, accept=False, reason="不属于本部门职责", actor=clerk,
                         decided_on=d("2020-06-28"))
        with self.assertRaisesMessage(ValidationError, "当前为“不予受理”，不能再转为线索"):
            complaint_to_lead(complaint=rejected, description="x", actor=clerk)
        self.assertFalse(rejected.leads.exists())

    def test_import_12315_excel(self):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["登记编号", "类型", "登记日期", "来源渠道", "姓名", "联系电话", "被投诉举报主体", "诉求内容"])
        ws.append(["1210100001", "投诉", "2020-05-25", "12315热线", "王五", "13700001111", "某药房", "口罩涨价"])
        ws.append(["1210100002", "举报", "2020/5/26", "全国12315平台", "", "", "某厂", "三无口罩"])
        ws.append(["1210100003", "咨询", "2020-05-26", "", "", "", "", "问询"])
        buf = io.BytesIO()
        wb.save(buf)
        result = complaints_import_12315(name="12315.xlsx", data=buf.getvalue(), unit=unit("210100-samr"),
                                         actor=self.users["shenyang_samr"])
        self.assertEqual(result.created, 2)
        self.assertEqual([e.row for e in result.errors], [4])
        c = Complaint.objects.get(number="1210100001")
        self.assertEqual(c.reporter_phone, "13700001111")
        self.assertIsNotNone(c.accept_due)
        self.assertEqual(Complaint.objects.get(number="1210100002").kind, "tip")
        again = complaints_import_12315(name="12315.xlsx", data=buf.getvalue(), unit=unit("210100-samr"),
                                        actor=self.users["shenyang_samr"])
        self.assertEqual(again.created, 0)

    def test_import_12315_checks_each_row_against_the_fields(self):
        ent = enterprise("210100")
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["登记编号", "类型", "登记日期", "被投诉举报主体", "统一社会信用代码", "诉求内容"])
        typed_code = f" {ent.credit_code[:9].lower()} {ent.credit_code[9:]}"
        ws.append(["1210100011", "投诉", "2020-05-25", "某药房", typed_code, "口罩涨价"])
        ws.append(["1" * 41, "投诉", "2020-05-25", "某药房", "", "口罩涨价"])
        ws.append(["1210100013", "举报", "2099-01-01", "某厂", "", "三无口罩"])
        ws.append(["1210100014", "举报", "2020-05-26", "某" * 201, "", "三无口罩"])
        ws.append(["1210100015", "举报", "2020-05-26", "某厂", "", "三无口罩"])
        buf = io.BytesIO()
        wb.save(buf)
        result = complaints_import_12315(name="12315.xlsx", data=buf.getvalue(), unit=unit("210100-samr"),
                                         actor=self.users["shenyang_samr"])
        self.assertEqual(result.created, 2)
        self.assertEqual([(e.row, e.column) for e in result.errors],
                         [(3, "登记编号"), (4, "登记日期"), (5, "被投诉举报主体")])
        self.assertIn("将来的日期", result.errors[1].reason)
        self.assertEqual(set(Complaint.objects.values_list("number", flat=True)), {"1210100011", "1210100015"})
        # The code as typed (lower case, spaces) is stored as the registry keeps it, and finds the firm.
        imported = Complaint.objects.get(number="1210100011")
        self.assertEqual((imported.subject_credit_code, imported.enterprise), (ent.credit_code, ent))
