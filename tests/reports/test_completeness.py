"""Completeness and timeliness of the weekly reports: per week every city office and every member
unit that reports, on time / late / missing with the time of submission and the totals; 催报 by the
receiver to the users who must submit, once a day, logged; each city's timeliness over the campaign."""
import datetime
from unittest import mock

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from rectify.accounts.models import Role, User
from rectify.core.audit.models import Event
from rectify.core.models import Notification
from rectify.organisations.models import Campaign, Unit
from rectify.organisations.reference import CITIES
from rectify.reports import services
from rectify.reports.models import WeeklyReport
from rectify.testing import WorldTestCase

from .fixtures import build

DAY = datetime.date(2020, 6, 1)  # a Monday; the week's deadline is Thursday 2020-06-04 14:00 Beijing time
CUTOFF = datetime.date(2020, 6, 4)
ON_TIME = timezone.make_aware(datetime.datetime(2020, 6, 4, 10, 0))
LATE = timezone.make_aware(datetime.datetime(2020, 6, 4, 15, 30))
URGED_ON = timezone.make_aware(datetime.datetime(2020, 6, 4, 16, 0))
CITY_OFFICES = 14  # the seed's cities of Liaoning, each with its working-group office
# Each city's units of the six lines the province has a department of (customs districts have none).
MEMBER_UNITS = 14 * 6
CITY_CODES = [code for code, _name in CITIES]


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


class CompletenessTests(WorldTestCase):
    """Shenyang submits on time, Dalian late, Anshan not at all; Shenyang's SAMR (a member unit)
    opened its report and has not submitted it."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build(cls.users)
        cls.campaign = Campaign.objects.get(code="ln-2020-epidemic-supplies")
        reviewer = Role.objects.get(code="reviewer")
        cls.users["shenyang_samr"].roles.add(reviewer)
        anshan = Unit.objects.get(code="210300-office")
        cls.anshan_reviewer = User.objects.create_user(username="t_anshan_reviewer", unit=anshan, full_name="鞍山审核")
        cls.anshan_reviewer.roles.add(reviewer)
        cls.anshan_clerk = User.objects.create_user(username="t_anshan_clerk", unit=anshan, full_name="鞍山录入")
        cls.anshan_clerk.roles.add(Role.objects.get(code="clerk"))
        services.reports_open_week(campaign=cls.campaign, day=DAY)
        with at(ON_TIME):
            services.report_submit(report=cls._report("210100-office"), actor=cls.users["shenyang_office"],
                                   narrative={}, filled_by="王芳", phone="")
        with at(LATE):
            services.report_submit(report=cls._report("210200-office"), actor=cls.users["dalian_office"],
                                   narrative={}, filled_by="李强", phone="")
        cls.member = services.report_open(campaign=cls.campaign, unit=cls.users["shenyang_samr"].unit, day=DAY,
                                          actor=cls.users["shenyang_samr"])

    @staticmethod
    def _report(unit_code: str) -> WeeklyReport:
        return WeeklyReport.objects.get(unit__code=unit_code, cutoff=CUTOFF, kind="weekly")

    def _urges_to(self, user) -> list[Notification]:
        return list(Notification.objects.filter(user=user, key__startswith="report.urge:"))

    # --- the week's rows and totals --------------------------------------------------------------------
    def test_rows_and_totals_of_a_week(self):
        rows = services.completeness(self.campaign, CUTOFF)
        by_unit = {r["unit"].code: r for r in rows}
        self.assertEqual(by_unit["210100-office"]["state"], "on_time")
        self.assertEqual(by_unit["210200-office"]["state"], "late")
        self.assertEqual(by_unit["210300-office"]["state"], "missing")
        self.assertFalse(by_unit["210100-office"]["member"])
        member = by_unit["210100-samr"]
        self.assertTrue(member["member"])
        self.assertEqual(member["state"], "missing")
        self.assertEqual(member["report"].pk, self.member.pk)
        # The cities first, in the order of their codes, then every member unit that reports to a
        # provincial department, opened or not, by city and department.
        self.assertEqual([r["unit"].code for r in rows[:3]], ["210100-office", "210200-office", "210300-office"])
        self.assertEqual(rows[CITY_OFFICES]["unit"].code, "210100-samr")
        self.assertEqual(len(rows), CITY_OFFICES + MEMBER_UNITS)
        self.assertNotIn("210100-customs_sy", by_unit)
        self.assertTrue(all(r["report"] is not None for r in rows[CITY_OFFICES:]))  # opened by the scheduler
        self.assertEqual(services.completeness_totals(rows),
                         {"on_time": 1, "late": 1, "missing": CITY_OFFICES - 2 + MEMBER_UNITS})

    def test_the_page_shows_state_time_report_and_totals(self):
        self.login("province_office")
        page = self.client.get("/reports/completeness/", {"cutoff": "2020-06-04"})
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        self.assertEqual(page.context["totals"], {"on_time": 1, "late": 1, "missing": CITY_OFFICES - 2 + MEMBER_UNITS})
        self.assertIn(f'data-total="missing">{CITY_OFFICES - 2 + MEMBER_UNITS}<', html)
        shenyang = self._report("210100-office")
        self.assertIn(f'href="/reports/weeklyreport/{shenyang.pk}/">已报送</a>', html)
        self.assertIn("2020-06-04 10:00", html)  # Beijing time, to the minute
        self.assertIn("2020-06-04 15:30", html)
        self.assertIn(f'href="/reports/weeklyreport/{self.member.pk}/">待报送</a>', html)
        # The provincial office urges the cities, not the member units (their departments do).
        rows = {r["unit"].code: r for r in page.context["rows"]}
        self.assertTrue(rows["210300-office"]["may_urge"])
        self.assertFalse(rows["210100-office"]["may_urge"])  # submitted
        self.assertFalse(rows["210100-samr"]["may_urge"])
        self.assertIn('id="urge-all"', html)

    def test_a_city_sees_its_own_rows_and_no_urge_button(self):
        self.login("shenyang_office")
        page = self.client.get("/reports/completeness/", {"cutoff": "2020-06-04"})
        self.assertEqual({r["unit"].code for r in page.context["rows"]},
                         {"210100-office"} | {f"210100-{line}" for line in
                                              ("samr", "ndrc", "miit", "police", "commerce", "nmpa")})
        self.assertNotContains(page, 'id="urge-all"')
        self.assertEqual([t["unit"].code for t in page.context["timeliness"]], ["210100-office"])

    # --- 催报 ----------------------------------------------------------------------------------------------
    def test_urge_tells_only_the_unsubmitted_units_submitters_once_a_day_and_is_logged(self):
        province = self.users["province_office"]
        with at(URGED_ON):
            urged = services.reports_urge(cutoff=CUTOFF, actor=province)
        self.assertEqual(len(urged), CITY_OFFICES - 2)  # every city office but Shenyang and Dalian
        self.assertNotIn(self.member.pk, [u.report.pk for u in urged])  # the SAMR's department urges it
        notes = self._urges_to(self.anshan_reviewer)
        self.assertEqual(len(notes), 1)
        anshan = self._report("210300-office")
        self.assertEqual(notes[0].url, f"/reports/weeklyreport/{anshan.pk}/")
        self.assertIn("鞍山市", notes[0].title)
        self.assertIn("报送期限2020-06-04 14:00已过", notes[0].body)
        # A clerk cannot submit; the units that submitted and the member unit are not urged.
        for user in (self.anshan_clerk, self.users["shenyang_office"], self.users["dalian_office"],
                     self.users["shenyang_samr"]):
            self.assertEqual(self._urges_to(user), [], user.username)
        event = Event.objects.get(event="report.urge", object_id=str(anshan.pk))
        self.assertEqual(event.user_id, province.pk)
        self.assertEqual(event.detail["notified"], ["t_anshan_reviewer"])
        self.assertEqual(event.detail["cutoff"], "2020-06-04")
        self.assertEqual(Event.objects.filter(event="report.urge").count(), CITY_OFFICES - 2)

        # Urged again the same day: logged again, nobody told twice.
        with at(URGED_ON + datetime.timedelta(hours=2)):
            again = services.reports_urge(cutoff=CUTOFF, actor=province, unit_ids=[anshan.unit_id])
        self.assertEqual([(u.report.pk, u.sent) for u in again], [(anshan.pk, 0)])
        self.assertEqual(len(self._urges_to(self.anshan_reviewer)), 1)
        self.assertEqual(Event.objects.filter(event="report.urge", object_id=str(anshan.pk)).count(), 2)
        # The next (Beijing) day, a new notice.
        with at(URGED_ON + datetime.timedelta(days=1)):
            services.reports_urge(cutoff=CUTOFF, actor=province, unit_ids=[anshan.unit_id])
        self.assertEqual(len(self._urges_to(self.anshan_reviewer)), 2)

    def test_a_provincial_department_urges_its_lines_member_units_only(self):
        with at(URGED_ON):
            urged = services.reports_urge(cutoff=CUTOFF, actor=self.users["province_samr"])
        # Every city's market-regulation unit, none of another line or a city office.
        self.assertEqual({u.report.unit.code for u in urged}, {f"{code}-samr" for code in CITY_CODES})
        self.assertEqual(urged[0].report.pk, self.member.pk)
        self.assertIn(self.users["shenyang_samr"], urged[0].users)
        self.assertEqual(len(self._urges_to(self.users["shenyang_samr"])), 1)
        self.assertEqual(self._urges_to(self.anshan_reviewer), [])
        with self.assertRaises(PermissionDenied) as ctx:
            services.reports_urge(cutoff=CUTOFF, actor=self.users["province_samr"],
                                  unit_ids=[Unit.objects.get(code="210300-office").pk])
        self.assertIn("鞍山市", str(ctx.exception))
        # The provincial police department receives nothing of the SAMR line.
        with self.assertRaises(PermissionDenied):
            services.reports_urge(cutoff=CUTOFF, actor=self.users["province_police"],
                                  unit_ids=[self.member.unit_id])

    def test_urge_through_the_page_and_refused_for_a_city_user(self):
        anshan = Unit.objects.get(code="210300-office")
        self.login("shenyang_office")
        refused = self.client.post("/reports/completeness/urge/", {"cutoff": "2020-06-04", "unit": anshan.pk})
        self.assertEqual(refused.status_code, 403)
        self.assertContains(refused, "只有省专项工作组办公室（对各市）或省级主管部门（对本条线成员单位）可以催报",
                            status_code=403)
        self.assertFalse(Event.objects.filter(event="report.urge").exists())
        self.assertEqual(self._urges_to(self.anshan_reviewer), [])

        self.login("province_office")
        self.assertEqual(self.client.get("/reports/completeness/urge/").status_code, 405)
        response = self.client.post("/reports/completeness/urge/", {"cutoff": "2020-06-04", "unit": anshan.pk})
        self.assertRedirects(response, "/reports/completeness/?cutoff=2020-06-04", fetch_redirect_response=False)
        self.assertEqual(len(self._urges_to(self.anshan_reviewer)), 1)
        self.assertEqual(list(Event.objects.filter(event="report.urge").values_list("object_id", flat=True)),
                         [str(self._report("210300-office").pk)])
        # A unit that has submitted is not urged.
        done = self.client.post("/reports/completeness/urge/",
                                {"cutoff": "2020-06-04", "unit": self.users["shenyang_office"].unit_id}, follow=True)
        self.assertContains(done, "所选单位中有本周已报送或不报送周报的单位")
        self.assertEqual(self._urges_to(self.users["shenyang_office"]), [])

    def test_urge_opens_the_report_of_a_city_the_scheduler_missed(self):
        anshan = self._report("210300-office")
        anshan.delete()
        with at(URGED_ON):
            urged = services.reports_urge(cutoff=CUTOFF, actor=self.users["province_office"],
                                          unit_ids=[anshan.unit_id])
        opened = self._report("210300-office")
        self.assertEqual(opened.status, "open")
        self.assertEqual(timezone.localtime(opened.deadline),
                         timezone.make_aware(datetime.datetime(2020, 6, 4, 14, 0)))
        self.assertEqual(urged[0].report.pk, opened.pk)
        self.assertEqual(self._urges_to(self.anshan_reviewer)[0].url, f"/reports/weeklyreport/{opened.pk}/")

    # --- the whole campaign ----------------------------------------------------------------------------
    def test_each_citys_timeliness_over_the_campaign(self):
        # The weeks ending 05-21, 05-28 and 06-04 are past their deadline; 06-11 is still open.
        now = timezone.make_aware(datetime.datetime(2020, 6, 5, 9, 0))
        services.reports_open_week(campaign=self.campaign, day=datetime.date(2020, 5, 25))
        with at(timezone.make_aware(datetime.datetime(2020, 5, 28, 9, 0))):
            services.report_submit(report=WeeklyReport.objects.get(unit__code="210100-office",
                                                                   cutoff=datetime.date(2020, 5, 28)),
                                   actor=self.users["shenyang_office"], narrative={}, filled_by="王芳", phone="")
        table = {t["unit"].code: (t["on_time"], t["late"], t["missing"])
                 for t in services.timeliness(self.campaign, now=now)}
        self.assertEqual(len(table), CITY_OFFICES)
        self.assertEqual(table["210100-office"], (2, 0, 1))
        self.assertEqual(table["210200-office"], (0, 1, 2))
        self.assertEqual(table["210300-office"], (0, 0, 3))
        # After the campaign every week counts: seven cut-offs from 05-21 to 07-02.
        self.assertEqual(services.campaign_weeks(self.campaign)[0], datetime.date(2020, 5, 21))
        late_table = {t["unit"].code: (t["on_time"], t["late"], t["missing"]) for t in services.timeliness(
            self.campaign, now=timezone.make_aware(datetime.datetime(2020, 7, 3)))}
        self.assertEqual(late_table["210300-office"], (0, 0, len(services.campaign_weeks(self.campaign))))
        self.login("province_office")
        page = self.client.get("/reports/completeness/")
        self.assertContains(page, 'id="timeliness"')
        self.assertEqual(len(page.context["timeliness"]), CITY_OFFICES)
