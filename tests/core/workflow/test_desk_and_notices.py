"""The work desk on the home page and the notices' pages."""
from __future__ import annotations

import datetime

from django.urls import reverse

from rectify.core.models import Notification
from rectify.core.workflow.desk import desk_for
from rectify.enforcement import services as s
from rectify.enforcement.models import Complaint, Lead, Transfer
from rectify.testing import WorldTestCase
from tests.enforcement.helpers import unit


class DeskTests(WorldTestCase):
    def setUp(self):
        sy = self.users["shenyang_samr"]
        self.old = s.complaint_receive(unit=unit("210100-samr"), actor=sy, number="C-DESK-1", received_on=datetime.date(
            2020, 5, 1), content="早收到的投诉")
        self.new = s.complaint_receive(unit=unit("210100-samr"), actor=sy, number="C-DESK-2",
                                       received_on=datetime.date(2020, 6, 1), content="晚收到的投诉")
        lead = Lead.objects.create(unit=unit("210100-samr"), source="other", description="移送测试")
        s.lead_transfer(lead=lead, to_unit=unit("210200-samr"), reason="属地", actor=sy)

    def test_the_desk_lists_what_awaits_the_unit_by_deadline_with_overdue_marked(self):
        items = desk_for(self.users["shenyang_samr"]).items
        complaints = [i.obj for i in items if isinstance(i.obj, Complaint)]
        self.assertEqual(complaints, [self.old, self.new], "the earliest deadline first")
        first = next(i for i in items if i.obj == self.old)
        self.assertTrue(first.overdue)
        self.assertEqual(first.due_text, "2020-05-13")
        self.assertTrue(first.countdown.startswith("已逾期"))
        self.assertEqual(first.step.name, "accept", "受理 stands for the decision; 不予受理 is not listed twice")
        self.assertFalse([i for i in items if isinstance(i.obj, Transfer)], "the receiver's, not the sender's")
        dalian = desk_for(self.users["dalian_samr"]).items
        self.assertEqual([i.step.name for i in dalian], ["accept"])
        self.assertFalse(desk_for(self.users["customs_sy"]).items)

    def test_a_long_desk_shows_the_earliest_and_counts_the_rest(self):
        desk = desk_for(self.users["shenyang_samr"], limit=5, shown=1)
        self.assertEqual([i.obj for i in desk.items], [self.old])
        self.assertEqual(desk.more, {"投诉举报·受理": "1"})
        capped = desk_for(self.users["shenyang_samr"], limit=1, shown=5)
        self.assertEqual(capped.more, {"投诉举报·受理": "若干"}, "rows beyond the step's limit were not read")

    def test_the_home_page_shows_the_desk_first(self):
        self.login("shenyang_samr")
        page = self.client.get(reverse("home")).content.decode()
        self.assertLess(page.index('id="work-desk"'), page.index("本单位数据范围内的记录"))
        self.assertIn(self.old.get_absolute_url(), page)
        self.assertIn("list-group-item-danger", page, "overdue marked")
        self.login("shenyang_leader")
        self.assertContains(self.client.get(reverse("home")), 'id="desk-empty"')


class NoticePagesTests(WorldTestCase):
    def test_unread_count_list_open_and_read_all(self):
        user = self.users["dalian_samr"]
        lead = Lead.objects.create(unit=unit("210100-samr"), source="other", description="通知测试")
        s.lead_transfer(lead=lead, to_unit=unit("210200-samr"), reason="属地", actor=self.users["shenyang_samr"])
        Notification.objects.create(user=user, title="另一条", url="/")
        self.login("dalian_samr")
        home = self.client.get(reverse("home"))
        self.assertContains(home, '<span class="badge text-bg-danger" id="unread-count">2</span>', html=False)
        inbox = self.client.get(reverse("core:notifications") + "?show=unread")
        self.assertContains(inbox, "notice-unread", count=2)
        notice = Notification.objects.get(user=user, title__startswith="待接收移送")
        opened = self.client.get(reverse("core:notification_open", args=[notice.pk]))
        self.assertRedirects(opened, Transfer.objects.get(lead=lead).get_absolute_url(), fetch_redirect_response=False)
        self.assertContains(self.client.get(reverse("core:notifications") + "?show=unread"), "notice-unread", count=1)
        self.client.post(reverse("core:notifications_read_all"))
        self.assertFalse(Notification.objects.filter(user=user, read_at=None).exists())
        self.login("shenyang_samr")
        self.assertEqual(self.client.get(reverse("core:notification_open", args=[notice.pk])).status_code, 404,
                         "another user's notice")
