"""A submitted report and an issued penalty decision carry an HMAC-SM3 of their content;
`rectify verify_integrity` finds one changed behind the application's back (raw SQL)."""
import datetime
from decimal import Decimal

from django.core.management import CommandError, call_command
from django.db import connection

from rectify.core.audit import integrity
from rectify.core.current import acting_as
from rectify.enforcement.models import Case
from rectify.enforcement.services.cases import case_transition
from rectify.organisations.models import Campaign, CaseCategory, ProductCategory, Unit
from rectify.reports import services
from rectify.reports.models import ReportVersion, WeeklyReport
from rectify.testing import WorldTestCase


class IntegrityCodeTests(WorldTestCase):
    def test_tampered_report_version_is_found(self):
        campaign = Campaign.objects.get(code="ln-2020-epidemic-supplies")
        services.reports_open_week(campaign=campaign, day=datetime.date(2020, 6, 1))
        report = WeeklyReport.objects.get(unit=Unit.objects.get(code="210100-office"), cutoff=datetime.date(2020, 6, 4))
        version = services.report_submit(report=report, actor=self.users["shenyang_office"],
                                         narrative={"measures": "排查"}, filled_by="王芳", phone="")
        version.refresh_from_db()
        self.assertEqual(len(version.integrity_code), 64)
        self.assertTrue(integrity.matches(version.integrity_fields(), version.integrity_code))
        call_command("verify_integrity")  # all intact
        with connection.cursor() as cursor:
            cursor.execute("UPDATE reports_reportversion SET filled_by = %s WHERE id = %s", ["篡改者", version.pk])
        with self.assertRaises(CommandError):
            call_command("verify_integrity")
        self.assertEqual(ReportVersion.objects.get(pk=version.pk).filled_by, "篡改者")

    def test_tampered_penalty_decision_is_found(self):
        clerk = self.users["shenyang_samr"]
        case = Case.objects.create(unit=Unit.objects.get(code="210100-samr"), number="SY-INT-1", title="测试",
                                   product_category=ProductCategory.objects.get(code="mask"),
                                   case_category=CaseCategory.objects.get(code="price"))
        with acting_as(clerk):
            case = case_transition(case=case, to="filed", actor=clerk, filed_on=datetime.date(2020, 5, 20))
            case = case_transition(case=case, to="investigated", actor=clerk)
            case = case_transition(case=case, to="decided", actor=clerk, decision_number="沈市监罚〔2020〕1号",
                                   fine=Decimal("30000"), decided_on=datetime.date(2020, 5, 30))
        case.refresh_from_db()
        self.assertEqual(len(case.integrity_code), 64)
        call_command("verify_integrity")
        with connection.cursor() as cursor:
            cursor.execute("UPDATE enforcement_case SET fine = 3000 WHERE id = %s", [case.pk])
        with self.assertRaises(CommandError):
            call_command("verify_integrity")
