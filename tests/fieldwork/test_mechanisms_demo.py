"""The demo data of the campaign's mechanisms (scheduling meetings, bulletins, fast-track tests,
associations, publicity) keeps the rules the services hold for records entered by hand."""
from __future__ import annotations

from django.test import TestCase

from rectify.fieldwork import demo
from rectify.fieldwork.models import (
    Bulletin,
    FastTest,
    IndustryAssociation,
    MeetingTask,
    MemberCommitment,
    PublicityReport,
    SchedulingMeeting,
)
from rectify.organisations.demo import DemoContext
from tests.enforcement.factories import case


class MechanismDemoTests(TestCase):
    def test_the_demo_meetings_bulletins_and_fast_tests_keep_the_rules(self):
        demo.seed(DemoContext())
        meetings = SchedulingMeeting.objects.prefetch_related("attendees")
        self.assertEqual(meetings.count(), 14)
        for meeting in meetings:
            meeting.full_clean()
            attending = {u.pk for u in meeting.attendees.all()} | {meeting.unit_id}
            for task in MeetingTask.objects.filter(meeting=meeting):
                task.full_clean()
                self.assertIn(task.assignee_id, attending, task)
        self.assertTrue(MeetingTask.objects.filter(done_on__isnull=True).exists())
        self.assertTrue(MeetingTask.objects.filter(confirmed_on__isnull=False).exists())
        self.assertTrue(Bulletin.objects.filter(kind="urgent", recipients__code="210000-office").exists())
        for bulletin in Bulletin.objects.prefetch_related("recipients", "receipts"):
            bulletin.full_clean()
            receivers = {u.pk for u in bulletin.recipients.all()}
            self.assertTrue(receivers, bulletin)
            self.assertNotIn(bulletin.unit_id, receivers)
            for receipt in bulletin.receipts.all():
                self.assertIn(receipt.unit_id, receivers)
                self.assertEqual(receipt.user.unit_id, receipt.unit_id)

        self.assertEqual(IndustryAssociation.objects.count(), 14)
        for commitment in MemberCommitment.objects.select_related("convention__association"):
            commitment.full_clean()
            self.assertTrue(commitment.convention.association.members.filter(pk=commitment.enterprise_id).exists())
        self.assertTrue(MemberCommitment.objects.exists())
        self.assertEqual(PublicityReport.objects.values("region").distinct().count(), 14)
        for report in PublicityReport.objects.all():
            report.full_clean()

        for _ in range(20):
            case()
        summary = demo.seed_late(DemoContext())
        self.assertIn("fast-track tests", summary)
        self.assertTrue(FastTest.objects.exists())
        for test in FastTest.objects.select_related("institution", "case"):
            test.full_clean()
            self.assertTrue(test.institution.is_testing_lab)
            self.assertEqual(bool(test.result), bool(test.result_on))
