"""Problems found on an inspection land on the enforcement problem ledger (no mock: the real
`problem_record`), and the county inspector sees them on the ledger's list page."""
from __future__ import annotations

from django.urls import reverse

from rectify.core.audit.events import events_for
from rectify.enforcement.models import Problem
from rectify.fieldwork.models import Inspection
from rectify.testing import WorldTestCase

from . import factories as f


class ProblemLedgerTests(WorldTestCase):
    def record(self, **problem):
        actor = self.login("heping_samr")
        partner = f.officers(actor.unit, 1)[0]
        self.ent = f.enterprise("210100", county="210102", name="和平区测试口罩厂")
        return self.client.post("/fieldwork/inspection/add/", {
            "unit": actor.unit.pk, "enterprise": self.ent.pk, "date": "2020-05-27",
            "inspectors": [actor.pk, partner.pk],
            "staff_dispatched": 2, "check_labels": "on", "outcome_mask": "failed_certification",
            "outcome_meltblown": "passed",
            **problem})

    def test_county_inspector_sees_the_inspection_problem_on_the_ledger(self):
        response = self.record(problem_description="口罩无CE认证却标注CE", problem_requirement="停止销售并召回",
                               problem_deadline="2020-06-05")
        self.assertEqual(response.status_code, 302, response.content[:2000])
        inspection = Inspection.objects.get()
        problem = Problem.objects.get()
        self.assertEqual((problem.unit.code, problem.source, problem.enterprise, problem.source_object),
                         ("210102-samr", "inspection", self.ent, inspection))
        self.assertEqual((problem.requirement, str(problem.deadline), problem.county.code),
                         ("停止销售并召回", "2020-06-05", "210102"))
        self.assertEqual(events_for(problem).get().event, "problem.record")
        self.assertEqual(events_for(inspection).get(event="inspection.record").detail["problems"], 1)

        page = self.client.get(reverse("enforcement:problem_list"))
        self.assertContains(page, problem.get_absolute_url())
        self.assertContains(self.client.get(problem.get_absolute_url()), "口罩无CE认证却标注CE")
        # The city office sees it too; another city does not.
        self.login("shenyang_office")
        self.assertContains(self.client.get(reverse("enforcement:problem_list")), problem.get_absolute_url())
        self.login("dalian_office")
        self.assertNotContains(self.client.get(reverse("enforcement:problem_list")), problem.get_absolute_url())

    def test_problem_without_a_requirement_still_reaches_the_ledger(self):
        """The inspection form leaves 整改要求 optional; the ledger requires one."""
        response = self.record(problem_description="未建立购销台账", problem_deadline="2020-06-10")
        self.assertEqual(response.status_code, 302, response.content[:2000])
        problem = Problem.objects.get()
        self.assertEqual(problem.description, "未建立购销台账")
        self.assertEqual(problem.requirement, "按发现的问题限期整改到位。")
