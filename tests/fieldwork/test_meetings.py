"""Scheduling meetings (调度会议): a decision becomes a task of an attending unit, on its desk, told and
reminded; the unit reports what was done; the rules hold on the pages, the API and a PATCH."""
from __future__ import annotations

import datetime

from rectify.core import clock
from rectify.core.audit.events import events_for
from rectify.core.models import Notification
from rectify.core.workflow.desk import desk_for
from rectify.core.workflow.notices import remind
from rectify.fieldwork.models import MeetingTask, SchedulingMeeting
from rectify.testing import WorldTestCase

TASK_ADD, TASK_API = "/fieldwork/meetingtask/add/", "/api/fieldwork/meetingtask/"
MEETING_API = "/api/fieldwork/schedulingmeeting/"


def days_ago(n: int) -> datetime.date:
    return clock.today() - datetime.timedelta(days=n)


class MeetingTaskRuleTests(WorldTestCase):
    def setUp(self):
        self.meeting = SchedulingMeeting.objects.create(unit=self.unit("210100-samr"), date=days_ago(3),
                                                        title="第三次调度会", minutes="部署联合检查")
        self.meeting.attendees.set([self.unit("210100-police"), self.unit("210200-customs_dl")])

    def task_data(self, **changes):
        return {"meeting": self.meeting.pk, "description": "对三家口罩企业开展联合检查",
                "assignee": self.unit("210100-police").pk, "deadline": days_ago(-7).isoformat(), **changes}

    def test_a_unit_that_did_not_attend_cannot_be_assigned_on_the_page_or_the_api(self):
        self.login("shenyang_samr")
        response = self.client.post(TASK_ADD, self.task_data(assignee=self.unit("210100-commerce").pk))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(list(response.context["form"].errors), ["assignee"])
        self.assertIn("未参加“", response.context["form"].errors["assignee"][0])
        api = self.api("shenyang_samr")
        refused = api.post(TASK_API, self.task_data(assignee=self.unit("210100-commerce").pk), format="json")
        self.assertEqual(refused.status_code, 400, refused.content[:400])
        self.assertIn("assignee", refused.json())
        self.assertFalse(MeetingTask.objects.exists())
        # the convening unit itself may take a task; so may an attendee of another city
        for code in ("210100-samr", "210200-customs_dl"):
            self.assertEqual(api.post(TASK_API, self.task_data(assignee=self.unit(code).pk),
                                      format="json").status_code, 201, code)

    def test_a_deadline_before_the_meeting_is_a_field_error(self):
        self.login("shenyang_samr")
        response = self.client.post(TASK_ADD, self.task_data(deadline=days_ago(5).isoformat()))
        self.assertEqual(response.status_code, 400)
        self.assertIn("不能早于会议日期", response.context["form"].errors["deadline"][0])
        self.assertFalse(MeetingTask.objects.exists())

    def test_an_api_patch_is_checked_against_the_task_as_kept(self):
        task = MeetingTask.objects.create(meeting=self.meeting, description="联合检查",
                                          assignee=self.unit("210100-police"), deadline=days_ago(-7))
        api = self.api("shenyang_samr")
        url = f"{TASK_API}{task.pk}/"
        response = api.patch(url, {"assignee": self.unit("210100-commerce").pk}, format="json",
                             HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(response.status_code, 400, response.content[:400])
        self.assertIn("assignee", response.json())
        response = api.patch(url, {"deadline": days_ago(4).isoformat()}, format="json",
                             HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(response.status_code, 400, response.content[:400])
        self.assertIn("deadline", response.json())
        task.refresh_from_db()
        self.assertEqual((task.assignee.code, task.version), ("210100-police", 1))
        moved = api.patch(url, {"assignee": self.unit("210200-customs_dl").pk}, format="json",
                          HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(moved.status_code, 200, moved.content[:400])
        self.assertTrue(Notification.objects.filter(user=self.users["customs_dl"], title__contains="待报告完成情况")
                        .exists(), "the new assignee is told")

    def test_only_the_convening_side_assigns_tasks(self):
        # Dalian Customs attended and sees the meeting, but may not assign its decisions
        response = self.api("customs_dl").post(TASK_API, self.task_data(), format="json")
        self.assertEqual(response.status_code, 403, response.content[:400])
        self.assertFalse(MeetingTask.objects.exists())
        self.assertEqual(self.api("customs_dl").get(f"{MEETING_API}{self.meeting.pk}/").status_code, 200)

    def test_an_attendee_holding_a_task_stays_among_the_attendees(self):
        MeetingTask.objects.create(meeting=self.meeting, description="联合检查", assignee=self.unit("210100-police"),
                                   deadline=days_ago(-7))
        self.login("shenyang_samr")
        response = self.client.post(f"/fieldwork/schedulingmeeting/{self.meeting.pk}/edit/", {
            "unit": self.meeting.unit_id, "date": self.meeting.date.isoformat(), "title": "第三次调度会",
            "minutes": "部署联合检查", "attendees": [self.unit("210200-customs_dl").pk], "version": 1})
        self.assertEqual(response.status_code, 400)
        self.assertIn("沈阳市公安局", response.context["form"].errors["attendees"][0])
        api = self.api("shenyang_samr")
        url = f"{MEETING_API}{self.meeting.pk}/"
        response = api.patch(url, {"attendees": [self.unit("210200-customs_dl").pk]}, format="json",
                             HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(response.status_code, 400, response.content[:400])
        self.assertIn("attendees", response.json())
        self.assertEqual(self.meeting.attendees.count(), 2)
        response = api.patch(url, {"attendees": [self.unit("210100-police").pk]}, format="json",
                             HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(response.status_code, 200, response.content[:400])


class MeetingTaskWorkflowTests(WorldTestCase):
    def setUp(self):
        self.meeting = SchedulingMeeting.objects.create(unit=self.unit("210100-samr"), date=days_ago(3),
                                                        title="第三次调度会", minutes="部署联合检查")
        self.meeting.attendees.set([self.unit("210100-police")])

    def assign(self, deadline: datetime.date) -> MeetingTask:
        response = self.api("shenyang_samr").post(TASK_API, {
            "meeting": self.meeting.pk, "description": "对三家口罩企业开展联合检查",
            "assignee": self.unit("210100-police").pk, "deadline": deadline.isoformat()}, format="json")
        self.assertEqual(response.status_code, 201, response.content[:400])
        return MeetingTask.objects.get(pk=response.json()["id"])

    def test_the_assigned_unit_is_told_has_it_on_its_desk_and_reports_what_was_done(self):
        task = self.assign(days_ago(-7))
        police = self.users["shenyang_police"]
        notice = Notification.objects.get(user=police, title__contains="待报告完成情况")
        self.assertIn("对三家口罩企业开展联合检查", notice.body)
        item = next(i for i in desk_for(police).items if i.obj == task)
        self.assertEqual(item.due, days_ago(-7))
        self.assertFalse(any(i.obj == task for i in desk_for(self.users["shenyang_samr"]).items))

        state, steps = self.api_steps("shenyang_samr", task)
        self.assertEqual(state, "open")
        self.assertIn("仅沈阳市公安局（承办单位）可以报告完成情况", steps["complete"]["reason"])
        self.assertEqual(self.api_step("shenyang_samr", task, "complete", {"report": "x"}).status_code, 403)
        self.assertEqual(self.api_step("dalian_samr", task, "complete", {"report": "x"}).status_code, 404)
        missing = self.api_step("shenyang_police", task, "complete", {})
        self.assertEqual(missing.status_code, 400)
        self.assertIn("report", missing.json())
        early = self.api_step("shenyang_police", task, "complete",
                              {"report": "已检查", "done_on": days_ago(5).isoformat()})
        self.assertEqual(early.status_code, 400)
        self.assertIn("done_on", early.json())
        self.assertEqual(self.api_step("shenyang_samr", task, "reopen", {"reason": "x"}).status_code, 409)

        done = self.api_step("shenyang_police", task, "complete", {"report": "已联合检查三家企业，立案一件"})
        self.assertEqual(done.status_code, 200, done.content[:400])
        task.refresh_from_db()
        self.assertEqual((task.done_on, task.report), (clock.today(), "已联合检查三家企业，立案一件"))
        self.assertFalse(any(i.obj == task for i in desk_for(police).items), "a reported task leaves the desk")
        convener = self.users["shenyang_samr"]
        self.assertTrue(Notification.objects.filter(user=convener, title__contains="待确认办结").exists(),
                        "the convening unit is told to confirm")
        self.assertTrue(any(i.obj == task for i in desk_for(convener).items))
        self.assertEqual(self.api_step("shenyang_police", task, "complete", {"report": "再报"}).status_code, 409)
        edit = self.api("shenyang_samr").patch(f"{TASK_API}{task.pk}/", {"description": "改写"}, format="json",
                                               HTTP_IF_MATCH=self.api("shenyang_samr").get(f"{TASK_API}{task.pk}/")["ETag"])
        self.assertEqual(edit.status_code, 400, "a reported task is not rewritten behind the report")

        self.assertIn("reason", self.api_step("shenyang_samr", task, "reopen", {}).json())
        self.assertEqual(self.api_step("shenyang_police", task, "reopen", {"reason": "x"}).status_code, 403)
        reopened = self.api_step("shenyang_samr", task, "reopen", {"reason": "未附检查记录"})
        self.assertEqual(reopened.status_code, 200, reopened.content[:400])
        task.refresh_from_db()
        self.assertIsNone(task.done_on)
        again = Notification.objects.filter(user=police, title__contains="待报告完成情况").latest("pk")
        self.assertIn("未附检查记录", again.body)

        self.assertEqual(self.api_step("shenyang_police", task, "complete",
                                       {"report": "检查记录已附"}).status_code, 200)
        closed = self.api_step("shenyang_samr", task, "confirm", {})
        self.assertEqual(closed.status_code, 200, closed.content[:400])
        self.assertEqual(closed.json()["state"], "closed")
        self.assertTrue(Notification.objects.filter(user=police, title__startswith="确认办结").exists(),
                        "the assigned unit is told the outcome")
        self.assertEqual([e.event for e in events_for(task)][:4],
                         ["meeting_task.confirm", "meeting_task.complete", "meeting_task.reopen",
                          "meeting_task.complete"])

    def test_the_assigned_unit_is_reminded_before_the_deadline_and_when_it_is_overdue(self):
        soon = self.assign(days_ago(-1))
        late = self.assign(days_ago(0))
        MeetingTask.objects.filter(pk=late.pk).update(deadline=days_ago(1))
        self.assertGreaterEqual(remind(), 2)
        police = self.users["shenyang_police"]
        self.assertTrue(Notification.objects.filter(user=police, title__startswith="即将到期：报告完成情况",
                                                    url=soon.get_absolute_url()).exists())
        self.assertTrue(Notification.objects.filter(user=police, title__startswith="已逾期：报告完成情况",
                                                    url=late.get_absolute_url()).exists())
        self.assertEqual(remind(), 0, "each reminder once")

    def test_the_meeting_page_lists_its_tasks_and_offers_the_convening_side_to_add_one(self):
        task = self.assign(days_ago(-7))
        self.login("shenyang_samr")
        page = self.client.get(self.meeting.get_absolute_url())
        self.assertContains(page, "对三家口罩企业开展联合检查")
        self.assertContains(page, f"/fieldwork/meetingtask/add/?meeting={self.meeting.pk}")
        self.login("shenyang_police")
        page = self.client.get(self.meeting.get_absolute_url())
        self.assertContains(page, task.get_absolute_url())
        self.assertNotContains(page, "/fieldwork/meetingtask/add/")
        task_page = self.client.get(task.get_absolute_url())
        self.assertContains(task_page, "报告完成情况")
