"""Fast-track evidence testing (快鉴快检): a case's handling side sends evidence to a testing lab of the
directory with a deadline, records the result, and the case's page shows it; the rules hold on the
page, the API and a PATCH."""
from __future__ import annotations

import datetime

from rectify.core import clock
from rectify.core.workflow.desk import desk_for
from rectify.enforcement.models import Case
from rectify.fieldwork.models import FastTest, TestingInstitution
from rectify.testing import WorldTestCase
from tests.enforcement.factories import case as make_case

ADD, API = "/fieldwork/fasttest/add/", "/api/fieldwork/fasttest/"


def days_ago(n: int) -> datetime.date:
    return clock.today() - datetime.timedelta(days=n)


class FastTestTests(WorldTestCase):
    def setUp(self):
        self.case = make_case(self.unit("210100-samr"))
        self.lab = TestingInstitution.objects.create(unit=self.unit("210000-samr"), name="辽宁省产品质量监督检验院",
                                                     is_testing_lab=True)
        self.certifier = TestingInstitution.objects.create(unit=self.unit("210000-samr"), name="方圆标志认证集团",
                                                           is_certification_body=True)

    def data(self, **changes):
        return {"case": self.case.pk, "institution": self.lab.pk, "requested_on": days_ago(2).isoformat(),
                "samples": "涉案KN95口罩20只", "items": "过滤效率、标识", "deadline": days_ago(-3).isoformat(),
                **changes}

    def test_a_certification_body_or_a_deadline_before_the_request_is_a_field_error(self):
        self.login("shenyang_samr")
        response = self.client.post(ADD, self.data(institution=self.certifier.pk))
        self.assertEqual(response.status_code, 400)
        self.assertIn("不是检验检测机构", response.context["form"].errors["institution"][0])
        response = self.client.post(ADD, self.data(deadline=days_ago(3).isoformat()))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(list(response.context["form"].errors), ["deadline"])
        response = self.api("shenyang_samr").post(API, self.data(institution=self.certifier.pk), format="json")
        self.assertEqual(response.status_code, 400, response.content[:400])
        self.assertIn("institution", response.json())
        self.assertFalse(FastTest.objects.exists())

    def test_a_closed_case_sends_no_more_evidence_on_the_page_the_api_or_a_patch(self):
        closed = make_case(self.unit("210100-samr"))
        Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED)
        self.login("shenyang_samr")
        response = self.client.post(ADD, self.data(case=closed.pk))
        self.assertEqual(response.status_code, 400)
        self.assertIn("已结案", response.context["form"].errors["case"][0])
        api = self.api("shenyang_samr")
        response = api.post(API, self.data(case=closed.pk), format="json")
        self.assertEqual(response.status_code, 400, response.content[:400])
        self.assertIn("case", response.json())
        created = api.post(API, self.data(), format="json")
        self.assertEqual(created.status_code, 201, created.content[:400])
        url = f"{API}{created.json()['id']}/"
        moved = api.patch(url, {"case": closed.pk}, format="json", HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(moved.status_code, 400, moved.content[:400])
        self.assertIn("case", moved.json())
        early = api.patch(url, {"deadline": days_ago(5).isoformat()}, format="json",
                          HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(early.status_code, 400, early.content[:400])
        self.assertIn("deadline", early.json())
        self.assertEqual(FastTest.objects.get().case, self.case)
        page = self.client.get(closed.get_absolute_url())
        self.assertContains(page, "尚未送检")
        self.assertNotContains(page, "/fieldwork/fasttest/add/", msg_prefix="a closed case offers no new request")

    def test_the_handling_unit_records_the_result_and_the_case_page_shows_it(self):
        self.assertEqual(self.api("shenyang_samr").post(API, self.data(), format="json").status_code, 201)
        test = FastTest.objects.get()
        clerk = self.users["shenyang_samr"]
        item = next(i for i in desk_for(clerk).items if i.obj == test)
        self.assertEqual(item.due, days_ago(-3))
        self.assertEqual(self.api_step("dalian_samr", test, "result", {}).status_code, 404)
        self.assertEqual(self.api_step("shenyang_leader", test, "result",
                                       {"result": "counterfeit", "findings": "x"}).status_code, 403)
        missing = self.api_step("shenyang_samr", test, "result", {"result": "counterfeit"})
        self.assertEqual(missing.status_code, 400)
        self.assertIn("findings", missing.json())
        done = self.api_step("shenyang_samr", test, "result", {"result": "counterfeit", "report_number": "KJ-2020-17",
                                                                "findings": "过滤效率不足标称值一半，鉴定为假冒"})
        self.assertEqual(done.status_code, 200, done.content[:400])
        self.assertEqual(done.json()["state"], "reported")
        self.assertFalse(any(i.obj == test for i in desk_for(clerk).items))
        self.assertEqual(self.api_step("shenyang_samr", test, "result",
                                       {"result": "genuine", "findings": "x"}).status_code, 409)
        api = self.api("shenyang_samr")
        url = f"{API}{test.pk}/"
        self.assertEqual(api.patch(url, {"samples": "改"}, format="json",
                                   HTTP_IF_MATCH=api.get(url)["ETag"]).status_code, 400)

        self.login("shenyang_samr")
        page = self.client.get(self.case.get_absolute_url())
        self.assertContains(page, "鉴定为假冒")
        self.assertContains(page, "KJ-2020-17")
        self.assertContains(page, f"/fieldwork/fasttest/add/?case={self.case.pk}")
        self.login("shenyang_leader")
        page = self.client.get(self.case.get_absolute_url())
        self.assertContains(page, "鉴定为假冒")
        self.assertNotContains(page, "/fieldwork/fasttest/add/")
