"""perform(): the one path of every step — what it refuses, with which answer, and that a refusal
writes nothing; what it writes when it succeeds (state, version, event with its actor, notices)."""
from __future__ import annotations

import datetime

from django.core import mail
from django.core.exceptions import ValidationError

from rectify.core.audit.events import events_for
from rectify.core.models import Notification
from rectify.core.workflow.engine import RecordNotFound, StateConflict, StepRefused, offers, perform
from rectify.core.workflow.notices import remind
from rectify.enforcement import services as s
from rectify.enforcement.models import Lead, Transfer
from rectify.testing import WorldTestCase
from tests.enforcement.helpers import unit


class PerformTests(WorldTestCase):
    def setUp(self):
        self.users["dalian_samr"].email = "dl@example.gov.cn"
        self.users["dalian_samr"].save()
        self.lead = Lead.objects.create(unit=unit("210100-samr"), source="complaint", description="大连某店高价售口罩")
        s.lead_transfer(lead=self.lead, to_unit=unit("210200-samr"), reason="属地管辖",
                        actor=self.users["shenyang_samr"])
        self.hop = Transfer.objects.get(lead=self.lead)

    def _unchanged(self, obj, version, events):
        obj.refresh_from_db()
        self.assertEqual(obj.version, version)
        self.assertEqual(events_for(obj).count(), events)

    def test_out_of_scope_is_the_same_as_missing(self):
        version, events = self.hop.version, events_for(self.hop).count()
        with self.assertRaisesMessage(RecordNotFound, "记录不存在或不在您的数据范围内"):
            perform(self.hop, "accept", actor=self.users["customs_sy"])
        self._unchanged(self.hop, version, events)

    def test_a_user_who_sees_but_may_not_take_the_step_is_told_why(self):
        version, events = self.hop.version, events_for(self.hop).count()
        with self.assertRaisesMessage(StepRefused, "仅大连市市场监督管理局（接收单位）可以接收移送"):
            perform(self.hop, "accept", actor=self.users["shenyang_samr"])
        self._unchanged(self.hop, version, events)

    def test_a_state_moved_meanwhile_names_the_current_state(self):
        perform(self.hop, "accept", actor=self.users["dalian_samr"])
        version, events = Transfer.objects.get(pk=self.hop.pk).version, events_for(self.hop).count()
        with self.assertRaises(StateConflict) as caught:
            perform(self.hop, "return", actor=self.users["dalian_samr"], values={"reason": "晚了"})
        self.assertEqual((caught.exception.state, caught.exception.state_label), ("accepted", "已接收"))
        self.assertIn("移送记录当前为“已接收”", caught.exception.messages[0])
        self._unchanged(self.hop, version, events)

    def test_a_missing_reason_is_a_field_error_and_nothing_is_written(self):
        version, events = self.hop.version, events_for(self.hop).count()
        for values in ({}, {"reason": "   "}):
            with self.assertRaises(ValidationError) as caught:
                perform(self.hop, "return", actor=self.users["dalian_samr"], values=values)
            self.assertIn("reason", caught.exception.message_dict)
        self._unchanged(self.hop, version, events)
        self.assertEqual(Lead.objects.get(pk=self.lead.pk).status, "in_transfer")

    def test_an_unknown_value_is_refused(self):
        with self.assertRaisesMessage(ValidationError, "这一步不能填写：status"):
            perform(self.hop, "accept", actor=self.users["dalian_samr"], values={"status": "returned"})

    def test_a_stale_version_is_refused(self):
        from rectify.core.generic.services import ConflictError
        with self.assertRaises(ConflictError):
            perform(self.hop, "accept", actor=self.users["dalian_samr"], expected_version=self.hop.version - 1)

    def test_a_step_needs_an_actor(self):
        with self.assertRaises(ValueError):
            perform(self.hop, "accept", actor=None)

    def test_success_moves_the_state_bumps_the_version_and_writes_the_event_with_its_actor(self):
        version = self.hop.version
        shown = perform(self.hop, "accept", actor=self.users["dalian_samr"],
                        values={"accepted_on": datetime.date(2020, 5, 28)})
        hop = Transfer.objects.get(pk=self.hop.pk)
        self.assertEqual((hop.status, hop.version, hop.answered_on), ("accepted", version + 1,
                                                                     datetime.date(2020, 5, 28)))
        self.assertEqual(shown, self.lead, "the receiver is shown the lead it now holds")
        event = events_for(hop).get(event="transfer.accept")
        self.assertEqual((event.user, event.detail["state_from"], event.detail["state_to"]),
                         (self.users["dalian_samr"], "pending", "accepted"))

    def test_the_hand_off_tells_the_receivers_once_and_mails_after_commit(self):
        notices = Notification.objects.filter(user=self.users["dalian_samr"])
        self.assertEqual([n.title for n in notices], [f"待接收移送：{self.hop}"])
        self.assertIn("属地管辖", notices[0].body)
        self.assertEqual(notices[0].url, self.hop.get_absolute_url())
        self.assertFalse(Notification.objects.filter(user=self.users["customs_sy"]).exists(), "out of scope")
        self.assertFalse(Notification.objects.filter(user=self.users["shenyang_samr"]).exists(), "not the actor")
        # The e-mail leaves with the commit of the step.
        with self.captureOnCommitCallbacks(execute=True):
            s.lead_transfer(lead=Lead.objects.create(unit=unit("210100-samr"), source="other", description="二"),
                            to_unit=unit("210200-samr"), reason="属地", actor=self.users["shenyang_samr"])
        self.assertEqual([m.to for m in mail.outbox], [["dl@example.gov.cn"]])

    def test_the_sender_is_told_the_outcome(self):
        perform(self.hop, "return", actor=self.users["dalian_samr"], values={"reason": "不属于本局管辖"})
        told = Notification.objects.get(user=self.users["shenyang_samr"])
        self.assertIn("退回移送", told.title)
        self.assertIn("不属于本局管辖", told.body)

    def test_offers_say_why_each_step_is_closed(self):
        reasons = {o.step.name: o.reason for o in offers(self.users["shenyang_samr"], self.hop)}
        self.assertIn("仅大连市市场监督管理局（接收单位）可以接收移送", reasons["accept"])
        allowed = {o.step.name for o in offers(self.users["dalian_samr"], self.hop) if o.allowed}
        self.assertEqual(allowed, {"accept", "return"})


class ReminderTests(WorldTestCase):
    def test_a_reminder_before_the_deadline_and_a_notice_once_overdue_each_sent_once(self):
        lead = Lead.objects.create(unit=unit("210100-samr"), source="complaint", description="到期测试")
        s.lead_transfer(lead=lead, to_unit=unit("210200-samr"), reason="属地", actor=self.users["shenyang_samr"])
        hop = Transfer.objects.get(lead=lead)
        sent_on = hop.sent_at.date()
        Notification.objects.all().delete()
        self.assertGreater(remind(today=sent_on + datetime.timedelta(days=2)), 0)
        self.assertEqual(remind(today=sent_on + datetime.timedelta(days=2)), 0, "once")
        titles = list(Notification.objects.filter(user=self.users["dalian_samr"]).values_list("title", flat=True))
        self.assertTrue(any(t.startswith("即将到期：接收移送") for t in titles), titles)
        remind(today=sent_on + datetime.timedelta(days=30))
        overdue = Notification.objects.filter(user=self.users["dalian_samr"], title__startswith="已逾期")
        self.assertTrue(overdue.exists())
        self.assertFalse(Notification.objects.filter(user=self.users["customs_sy"]).exists())
