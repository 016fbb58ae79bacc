"""Beijing time, everywhere.

Dates: every service that stamps "today" stamps the Beijing date. The clock is put at 23:30 UTC,
which is 07:30 the next morning in Beijing, and each service must write the Beijing date — also
when the process's active time zone is UTC, since a date of the campaign is a Beijing date
whatever zone a library or a task may have switched to.

Moments: a page, a list, an export, the history tab, the notifications and the weekly report
show a moment in Beijing time to the minute ("2020-06-04 05:46"), never UTC, never seconds with
microseconds; the API keeps ISO 8601 with the +08:00 offset.
"""
from __future__ import annotations

import contextlib
import csv
import datetime
import io
import re
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import openpyxl
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from django.utils import timezone

import rectify
from rectify.accounts.models import PasswordHistory, User
from rectify.accounts.services import disable_inactive_users
from rectify.accounts.tokens import link_hours
from rectify.core import clock
from rectify.core.audit.changelog import history_for
from rectify.core.audit.events import events_for
from rectify.core.audit.models import Event
from rectify.core.notifications import notify
from rectify.enforcement import services as s
from rectify.enforcement.models import Complaint, Exposure, Lead, Problem
from rectify.fieldwork import services as fw
from rectify.fieldwork.models import CovertVisit
from rectify.organisations.models import Campaign, Region
from rectify.portal.services import portal_complaint_file
from rectify.prices import services as prices
from rectify.prices.models import ServiceRequest
from rectify.reports import services as reports
from rectify.reports.models import WeeklyReport
from rectify.reports.selectors import parse_cutoff
from rectify.reports.tasks import open_weekly_reports
from rectify.testing import WorldTestCase
from tests.enforcement.helpers import case, category, d, enterprise, unit

UTC = datetime.UTC
EVENING_UTC = datetime.datetime(2020, 6, 3, 23, 30, tzinfo=UTC)  # 2020-06-04 07:30 in Beijing
BEIJING_DAY = d("2020-06-04")
UTC_DAY = d("2020-06-03")
# The project's own zone, and a process whose active zone has been switched to UTC.
ZONES = (settings.TIME_ZONE, "UTC")

# A moment with seconds and microseconds: 2020-06-04 05:46:07 in Beijing.
DAWN_UTC = datetime.datetime(2020, 6, 3, 21, 46, 7, 123456, tzinfo=UTC)
DAWN_SHOWN = "2020-06-04 05:46"
# What a UTC or unrounded rendering would leave in the page.
UTC_TRACES = re.compile(r"2020-06-03 21:46|21:46:07|\+00:00|UTC|\d{2}:\d{2}:\d{2}")


@contextlib.contextmanager
def clock_at(moment: datetime.datetime, zone: str = settings.TIME_ZONE) -> Iterator[None]:
    """Everything reading django.utils.timezone.now (the model timestamps, the change log, the
    clock helper) reads `moment`; `zone` is the active time zone meanwhile."""
    with mock.patch("django.utils.timezone.now", return_value=moment), timezone.override(zone):
        yield


class SettingsTests(WorldTestCase):
    def test_the_project_keeps_aware_moments_and_beijing_time(self):
        self.assertTrue(settings.USE_TZ)
        self.assertEqual(settings.TIME_ZONE, "Asia/Shanghai")
        self.assertEqual(str(clock.BEIJING), settings.TIME_ZONE)

    def test_the_helper_gives_the_beijing_date_of_a_moment(self):
        for zone in ZONES:
            with self.subTest(zone=zone), clock_at(EVENING_UTC, zone):
                self.assertEqual(clock.today(), BEIJING_DAY)
                self.assertEqual(clock.beijing_date(EVENING_UTC), BEIJING_DAY)
                self.assertEqual(clock.beijing_date(datetime.datetime(2020, 6, 4, 15, 59, tzinfo=UTC)), BEIJING_DAY)
                self.assertEqual(clock.beijing_date(datetime.datetime(2020, 6, 4, 16, 0, tzinfo=UTC)), d("2020-06-05"))
                self.assertEqual(clock.format_moment(DAWN_UTC), DAWN_SHOWN)


class OneClockTests(SimpleTestCase):
    def test_no_service_takes_a_date_from_another_clock(self):
        """date.today() is the server's zone, timezone.localdate() the active one: a date the
        platform stamps comes from core.clock (the benchmark tooling's own timestamps aside)."""
        root = Path(rectify.__file__).parent
        other_clocks = re.compile(r"\blocaldate\(|\bdate\.today\(|\bdatetime\.(now|today|utcnow)\(")
        found = [f"{path.relative_to(root)}:{n}" for path in sorted(root.rglob("*.py"))
                 if "migrations" not in path.parts and "bench" not in path.parts and path.name != "clock.py"
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if other_clocks.search(line)]
        self.assertEqual(found, [])

    def test_no_moment_is_written_in_the_active_zone(self):
        """timezone.localtime() writes a moment in whatever zone is active (UTC in a process that
        switched to it): a moment people read is written by core.clock."""
        root = Path(rectify.__file__).parent
        found = [f"{path.relative_to(root)}:{n}" for path in sorted(root.rglob("*.py"))
                 if "migrations" not in path.parts and "bench" not in path.parts and path.name != "clock.py"
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if re.search(r"\blocaltime\(", line)]
        self.assertEqual(found, [])


class EnforcementDateTests(WorldTestCase):
    """The enforcement services' own today() is the one helper."""

    def test_a_case_filed_and_sent_to_the_police_is_dated_in_beijing(self):
        clerk, police = self.users["shenyang_samr"], self.users["shenyang_police"]
        for zone in ZONES:
            with self.subTest(zone=zone), clock_at(EVENING_UTC, zone):
                c = case(unit("210100-samr"), ent=enterprise("210100"))
                c = s.case_transition(case=c, to="filed", actor=clerk)
                self.assertEqual(c.filed_on, BEIJING_DAY)
                c = s.case_transition(case=c, to="transferred", actor=clerk, to_unit=unit("210100-police"),
                                      reason="涉嫌生产销售伪劣产品罪")
                self.assertEqual(c.transferred_to_police_on, BEIJING_DAY)
                hop = c.transfers.get()
                hop = s.transfer_accept(transfer=hop, actor=police)
                self.assertEqual(hop.answered_on, BEIJING_DAY)
                hop = s.transfer_police_decision(transfer=hop, opened=True, actor=police)
                self.assertEqual(hop.police_decided_on, BEIJING_DAY)

    def test_a_transfer_accepted_or_returned_is_dated_in_beijing(self):
        sender, receiver = self.users["shenyang_samr"], self.users["dalian_samr"]
        for zone in ZONES:
            with self.subTest(zone=zone), clock_at(EVENING_UTC, zone):
                for answer in ("accept", "return"):
                    lead = Lead.objects.create(unit=unit("210100-samr"), source="complaint",
                                               description="大连某店高价售口罩", enterprise=enterprise("210200"))
                    hop = s.lead_transfer(lead=lead, to_unit=unit("210200-samr"), reason="属地管辖", actor=sender)
                    if answer == "accept":
                        hop = s.transfer_accept(transfer=hop, actor=receiver)
                    else:
                        hop = s.transfer_return(transfer=hop, reason="不属于本辖区", actor=receiver)
                    self.assertEqual(hop.answered_on, BEIJING_DAY, answer)

    def test_a_complaint_received_on_the_portal_and_decided_is_dated_in_beijing(self):
        office = self.users["shenyang_office"]
        for zone in ZONES:
            with self.subTest(zone=zone), clock_at(EVENING_UTC, zone):
                shenyang = Region.objects.get(code="210100")
                complaint, _code = portal_complaint_file(city=shenyang, kind=Complaint.Kind.COMPLAINT,
                                                         content="药店口罩每只卖十元", reporter_name="李四",
                                                         reporter_phone="13812345678")
                self.assertEqual(complaint.received_on, BEIJING_DAY)
                self.assertIn("20200604", complaint.number)
                complaint = s.complaint_decide(complaint=complaint, accept=True, actor=office)
                self.assertEqual(complaint.decided_on, BEIJING_DAY)
                tip, _code = portal_complaint_file(city=shenyang, kind=Complaint.Kind.TIP, content="某厂无证生产口罩",
                                                   anonymous=True)
                self.assertEqual(tip.received_on, BEIJING_DAY)
                tip = s.complaint_verify(complaint=tip, result="属实", actor=office)
                self.assertEqual(tip.verified_on, BEIJING_DAY)

    def test_an_exposure_reviewed_and_published_is_dated_in_beijing(self):
        office = self.users["province_office"]
        for zone in ZONES:
            with self.subTest(zone=zone), clock_at(EVENING_UTC, zone):
                e = Exposure.objects.create(unit=unit("210000-office"), title="某店哄抬口罩价格案",
                                            public_text="当事人哄抬口罩价格，被罚款3万元。")
                e = s.exposure_review(exposure=e, actor=office)
                self.assertEqual(e.reviewed_on, BEIJING_DAY)
                e = s.exposure_publish(exposure=e, actor=office)
                self.assertEqual(e.published_on, BEIJING_DAY)

    def test_a_joint_punishment_and_its_measure_are_dated_in_beijing(self):
        for zone in ZONES:
            with self.subTest(zone=zone), clock_at(EVENING_UTC, zone):
                decision = s.joint_punishment_decide(unit=unit("210100-office"), enterprise=enterprise("210100"),
                                                     basis="多次哄抬价格", actions=[(unit("210100-samr"), "credit")],
                                                     actor=self.users["shenyang_office"])
                self.assertEqual(decision.decided_on, BEIJING_DAY)
                action = s.joint_action_done(action=decision.actions.get(), text="已列入失信名单",
                                             actor=self.users["shenyang_samr"])
                self.assertEqual(action.done_on, BEIJING_DAY)

    def test_a_problem_closed_and_a_case_put_under_supervision_are_dated_in_beijing(self):
        for zone in ZONES:
            with self.subTest(zone=zone), clock_at(EVENING_UTC, zone):
                p = s.problem_record(unit=unit("210100-samr"), source="inspection", description="未建购销台账",
                                     requirement="建立台账", deadline=d("2020-06-30"),
                                     actor=self.users["shenyang_samr"])
                s.problem_set_status(problem=p, status="done", rectification="已建立台账",
                                     actor=self.users["shenyang_samr"])
                p = s.problem_set_status(problem=p, status="verified", actor=self.users["shenyang_office"])
                self.assertEqual((p.status, p.closed_on), (Problem.Status.VERIFIED, BEIJING_DAY))
                listed = case(unit("210100-samr"), ent=enterprise("210100"))
                item = s.supervision_list(case=listed, deadline=d("2020-06-20"), actor=self.users["province_office"])
                self.assertEqual(item.listed_on, BEIJING_DAY)


class FieldworkDateTests(WorldTestCase):
    """Field work takes its dates from the form, but refuses a date after today: today is Beijing's."""

    def test_a_covert_visit_answered_this_beijing_morning_is_not_in_the_future(self):
        office = self.users["shenyang_office"]
        for zone in ZONES:
            with self.subTest(zone=zone), clock_at(EVENING_UTC, zone):
                visit = CovertVisit.objects.create(unit=unit("210000-office"),
                                                   visited_city=Region.objects.get(code="210100"),
                                                   start_date=d("2020-06-02"), end_date=d("2020-06-03"), team="暗访组",
                                                   findings="问题")
                with self.assertRaisesMessage(ValidationError, "日期不能晚于今天"):
                    fw.covert_visit_respond(visit=visit, response="已整改", responded_on=d("2020-06-05"), actor=office)
                visit = fw.covert_visit_respond(visit=visit, response="已整改", responded_on=BEIJING_DAY, actor=office)
                self.assertEqual(visit.responded_on, BEIJING_DAY)

    def test_a_sample_taken_notified_and_objected_to_this_beijing_morning_is_not_in_the_future(self):
        clerk = self.users["shenyang_samr"]
        for zone in ZONES:
            with self.subTest(zone=zone), clock_at(EVENING_UTC, zone):
                fields = {"unit": clerk.unit, "enterprise": enterprise("210100"), "category": category(),
                          "product_name": "口罩", "result": "nonconforming", "failing_items": "过滤效率",
                          "actor": clerk}
                with self.assertRaisesMessage(ValidationError, "日期不能晚于今天"):
                    fw.sample_record(batch_number="N0", sampled_on=d("2020-06-05"), **fields)
                sample = fw.sample_record(batch_number="N1", sampled_on=BEIJING_DAY, notified_on=BEIJING_DAY, **fields)
                self.assertEqual((sample.sampled_on, sample.notified_on), (BEIJING_DAY, BEIJING_DAY))
                sample = fw.sample_object(sample=sample, objection_filed_on=BEIJING_DAY, actor=clerk)
                self.assertEqual(sample.objection_filed_on, BEIJING_DAY)


class PricesDateTests(WorldTestCase):
    def test_a_service_request_answered_is_dated_in_beijing(self):
        for zone in ZONES:
            with self.subTest(zone=zone), clock_at(EVENING_UTC, zone):
                req = ServiceRequest.objects.create(unit=unit("210100-samr"), enterprise=enterprise("210100"),
                                                    title="熔喷布供应紧张", content="原料短缺",
                                                    received_on=d("2020-06-01"),
                                                    tracking_code=f"QYTEST{zone[:4].upper()}")
                req = prices.service_request_update(obj=req, data={"answer": "已协调对接原料供应企业。"},
                                                    actor=self.users["shenyang_samr"])
                self.assertEqual(req.answered_on, BEIJING_DAY)


class ReportDateTests(WorldTestCase):
    """The weekly cycle: the week a report belongs to and its deadline are Beijing's."""

    def setUp(self):
        self.campaign = Campaign.objects.get(code="ln-2020-epidemic-supplies")

    def _submit(self, report: WeeklyReport, key: str) -> WeeklyReport:
        reports.report_submit(report=report, actor=self.users[key], narrative={"measures": "全面排查"},
                              filled_by="王芳", phone="024-12345678")
        return WeeklyReport.objects.get(pk=report.pk)

    def test_thursday_evening_in_utc_opens_next_week_in_beijing(self):
        thursday_evening_utc = datetime.datetime(2020, 6, 4, 23, 30, tzinfo=UTC)  # Friday 07:30 in Beijing
        for zone in ZONES:
            with self.subTest(zone=zone), clock_at(thursday_evening_utc, zone):
                WeeklyReport.objects.all().delete()
                self.assertEqual(parse_cutoff(None, self.campaign), d("2020-06-05"))
                # the 14 city offices, their 6 lines' member units each, the provincial office
                self.assertEqual(open_weekly_reports(), 14 + 14 * 6 + 1)
                report = WeeklyReport.objects.get(unit__code="210100-office")
                self.assertEqual((report.week_start, report.cutoff), (d("2020-06-05"), d("2020-06-11")))
                self.assertEqual(clock.format_moment(report.deadline), "2020-06-11 14:00")

    def test_a_report_is_late_after_two_in_the_afternoon_beijing_time(self):
        after_deadline_utc = datetime.datetime(2020, 6, 4, 6, 30, tzinfo=UTC)  # 14:30 in Beijing, 30 minutes late
        for zone in ZONES:
            with self.subTest(zone=zone):
                WeeklyReport.objects.all().delete()
                with timezone.override(zone):
                    reports.reports_open_week(campaign=self.campaign, day=d("2020-06-01"))
                shenyang = WeeklyReport.objects.get(unit__code="210100-office")
                dalian = WeeklyReport.objects.get(unit__code="210200-office")
                with clock_at(EVENING_UTC, zone):
                    self.assertFalse(self._submit(shenyang, "shenyang_office").is_late)
                with clock_at(after_deadline_utc, zone):
                    self.assertTrue(self._submit(dalian, "dalian_office").is_late)

    def test_the_report_page_shows_the_submission_in_beijing_time(self):
        reports.reports_open_week(campaign=self.campaign, day=d("2020-06-01"))
        report = WeeklyReport.objects.get(unit__code="210100-office")
        with clock_at(DAWN_UTC):
            report = self._submit(report, "shenyang_office")
        self.login("shenyang_office")
        page = self.client.get(f"/reports/weeklyreport/{report.pk}/").content.decode()
        self.assertIn("2020-06-04 14:00", page)  # the deadline
        self.assertIn(DAWN_SHOWN, page)  # the version's submission
        self.assertNotRegex(page, UTC_TRACES)
        version = report.latest_version
        page = self.client.get(version.get_absolute_url()).content.decode()
        self.assertIn(DAWN_SHOWN, page)
        self.assertNotRegex(page, UTC_TRACES)


class MomentDisplayTests(WorldTestCase):
    """A lead created at 21:46:07.123456 UTC on 3 June: 05:46 on 4 June in Beijing."""

    def setUp(self):
        with clock_at(DAWN_UTC):
            self.lead = Lead.objects.create(unit=unit("210100-samr"), source="complaint", description="某店高价售口罩",
                                            enterprise=enterprise("210100"))
            s.lead_transfer(lead=self.lead, to_unit=unit("210200-samr"), reason="属地管辖",
                            actor=self.users["shenyang_samr"])
        self.login("shenyang_samr")

    def page(self, url: str) -> str:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response.content.decode()

    def test_the_detail_page_shows_beijing_minutes(self):
        page = self.page(self.lead.get_absolute_url())
        self.assertIn(f"<dd class=\"col-sm-8 text-break\">{DAWN_SHOWN}</dd>", page)  # 创建时间, 更新时间 (技术信息)
        self.assertIn(f"<td>{DAWN_SHOWN}</td>", page)  # the transfer panel's 移送时间
        self.assertNotRegex(page, UTC_TRACES)

    def test_the_history_tab_shows_beijing_minutes(self):
        page = self.page(f"{self.lead.get_absolute_url()}history/")
        # The logged created_at and updated_at of the creation, kept in the log as UTC ISO text.
        for label in ("创建时间", "更新时间"):
            self.assertIn(f"<th scope=\"row\" class=\"fw-normal text-muted\">{label}</th>"
                          f"<td class=\"text-muted text-break\"><span class=\"text-muted\">—</span></td>"
                          f"<td class=\"text-break\">{DAWN_SHOWN}</td>", page)
        for change in history_for(self.lead):
            self.assertIn(f">{clock.format_moment(change.time)}</span>", page)
        for event in events_for(self.lead):
            self.assertIn(f">{clock.format_moment(event.time)}</span>", page)
        self.assertNotRegex(page, UTC_TRACES)

    def test_a_change_log_entry_shows_beijing_minutes(self):
        created = history_for(self.lead).get(action="create")
        self.login("auditadmin")
        page = self.page(created.get_absolute_url())
        row = rf"创建时间</th>\s*<td class=\"text-muted\"><span class=\"text-muted\">—</span></td><td>{DAWN_SHOWN}</td>"
        self.assertEqual(len(re.findall(row, page)), 2)  # the 差异 panel and the whole snapshot
        self.assertIn(">线索内容</th>", page[page.index("change-snapshot"):])
        self.assertIn(f"<dd class=\"col-sm-8 col-lg-9\">{clock.format_moment(created.time)}</dd>", page)
        self.assertNotRegex(page, UTC_TRACES)

    def test_the_list_and_its_exports_show_beijing_minutes(self):
        page = self.page("/enforcement/lead/")
        self.assertIn(DAWN_SHOWN, page)
        self.assertNotRegex(page, UTC_TRACES)
        exported = self.client.get("/enforcement/lead/", {"export": "csv"}).content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(exported)))
        moment_column = rows[0].index(str(Lead._meta.get_field("created_at").verbose_name))
        self.assertEqual(rows[1][moment_column], DAWN_SHOWN)
        book = openpyxl.load_workbook(io.BytesIO(self.client.get("/enforcement/lead/", {"export": "xlsx"}).content))
        sheet_rows = list(book.active.iter_rows(values_only=True))
        self.assertEqual(sheet_rows[1][moment_column], DAWN_SHOWN)

    def test_the_transfer_list_shows_beijing_minutes(self):
        page = self.page("/enforcement/transfer/")
        self.assertIn(DAWN_SHOWN, page)
        self.assertNotRegex(page, UTC_TRACES)

    def test_the_notifications_show_beijing_minutes(self):
        with clock_at(DAWN_UTC):
            notify(user=self.users["shenyang_samr"], title="周报提醒", email=False)
        page = self.page("/notifications/")
        self.assertIn(DAWN_SHOWN, page)
        self.assertNotRegex(page, UTC_TRACES)

    def test_the_api_gives_iso_8601_with_the_beijing_offset(self):
        data = self.api("shenyang_samr").get(f"/api/enforcement/lead/{self.lead.pk}/").json()
        self.assertTrue(data["created_at"].startswith("2020-06-04T05:46:07"), data["created_at"])
        self.assertTrue(data["created_at"].endswith("+08:00"), data["created_at"])


class AccountMomentTests(WorldTestCase):
    """A lock, a one-time link, an account disabled for disuse: the sign-in page, the mail, the issue
    page and the audit log say when in Beijing time, whatever zone is active."""

    def test_a_lock_says_until_when_in_beijing_time(self):
        user = self.users["shenyang_samr"]
        until = "2020-06-04 06:16"  # 30 minutes after 05:46:07 in Beijing
        for zone in ZONES:
            with self.subTest(zone=zone), clock_at(DAWN_UTC, zone):
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
                for i in range(settings.RECTIFY_LOCKOUT["MAX_FAILURES"]):
                    response = self.client.post("/accounts/login/", {"username": user.username, "password": f"x{i}"})
                self.assertContains(response, f"账号已锁定至 {until}。")
                self.client.post("/accounts/login/", {"username": user.username, "password": "right or wrong"})
                locked = Event.objects.filter(event="account.locked", object_id=str(user.pk)).latest("pk")
                refused = Event.objects.filter(event="login.locked", object_id=str(user.pk)).latest("pk")
                self.assertEqual((locked.detail["locked_until"], refused.detail["locked_until"]), (until, until))

    def test_a_one_time_link_expires_at_a_beijing_time(self):
        account = User.objects.create_user(username="wangwu", full_name="王五", unit=unit("210100-samr"),
                                           email="wangwu@example.gov.cn")
        expires = clock.format_moment(DAWN_UTC + datetime.timedelta(hours=link_hours()))
        self.assertEqual(expires, "2020-06-07 05:46")
        self.login("sysadmin")
        for zone in ZONES:
            mail.outbox.clear()
            with self.subTest(zone=zone), clock_at(DAWN_UTC, zone):
                with self.captureOnCommitCallbacks(execute=True):  # the mail leaves on commit
                    page = self.client.post(f"/accounts/user/{account.pk}/link/")
                self.assertContains(page, f"有效期至 {expires}，只能使用一次")
                [message] = mail.outbox
                self.assertIn(f"请在 {expires} 前打开下面的链接", message.body)
                event = Event.objects.filter(event="account.link_issued", object_id=str(account.pk)).latest("pk")
                self.assertEqual(event.detail["expires_at"], expires)

    def test_an_account_disabled_for_disuse_keeps_its_last_sign_in_in_beijing_time(self):
        account = User.objects.create_user(username="zhaoliu", unit=unit("210100-samr"))
        User.objects.filter(pk=account.pk).update(last_login=DAWN_UTC)
        with clock_at(DAWN_UTC + datetime.timedelta(days=100), "UTC"):
            self.assertIn("zhaoliu", disable_inactive_users())
        event = Event.objects.get(event="user.disabled_inactive", object_id=str(account.pk))
        self.assertEqual(event.detail["last_login"], DAWN_SHOWN)

    def test_a_password_history_entry_is_dated_in_beijing(self):
        entry = PasswordHistory(user=self.users["shenyang_samr"], password="x", created_at=EVENING_UTC)
        self.assertEqual(str(entry), f"{self.users['shenyang_samr'].pk} @ {BEIJING_DAY.isoformat()}")
