"""The targeting workflows (rectify/targeting/workflows.py) through the API's step endpoints, and the
pages where they differ: a sampling plan accepted into a sampling task, a doubtful certificate check
turned into a lead, an export-list flag stopped or cleared by the customs. For each: the step taken
(200 and the new state), a user out of scope (404), a user in scope who may not take it (403 with the
reason), a step from the wrong state (409 naming the state), a missing required field (400 naming
it), and the `steps/` read with the reasons.

A user whose role may not take a step at all (a leader) is refused by the API's role check before the
step's rule speaks; the step's own reason for them is in `steps/` and on the step's page."""
import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse

from rectify.core.audit.models import Event
from rectify.enforcement.models import Lead
from rectify.fieldwork.models import ExportCheck, SamplingTask
from rectify.targeting import services
from rectify.targeting.models import CertificateCheck, ExportFlag, SamplingPlan
from rectify.testing import WorldTestCase
from tests.fieldwork import factories as f

D = datetime.date


def step_page(obj, name: str) -> str:
    return reverse(f"targeting:{obj._meta.model_name}_step", kwargs={"pk": obj.pk, "step": name})


class SamplingPlanWorkflowTests(WorldTestCase):
    def setUp(self):
        self.samr = self.unit("210100-samr")
        self.ents = [f.enterprise("210100") for _ in range(4)]
        for e in self.ents:
            e.categories.add(f.category())
        self.plan = services.sampling_plan_generate(unit=self.samr, category=f.category(), name="口罩风险抽检",
                                                    period_start=D(2020, 6, 1), period_end=D(2020, 6, 20), size=3,
                                                    threshold=25, random_percent=0, seed=42,
                                                    actor=self.users["shenyang_samr"])
        self.proposed = [p["enterprise_id"] for p in self.plan.proposed]

    def test_accept_through_the_api(self):
        extra = next(e for e in self.ents if e.pk not in self.proposed)
        response = self.api_step("shenyang_samr", self.plan, "accept",
                             {"targets": self.proposed[:2], "extra": [extra.pk], "task_name": "口罩监督抽查（风险）"})
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["state"], body["state_label"]), ("accepted", "已确认并生成抽检任务"))
        plan = SamplingPlan.objects.get(pk=self.plan.pk)
        task = SamplingTask.objects.get(pk=plan.task_id)
        self.assertEqual(body["next"], task.get_absolute_url())
        self.assertEqual((task.name, task.planned_batches), ("口罩监督抽查（风险）", 3))
        self.assertEqual(set(task.targets.values_list("pk", flat=True)), {*self.proposed[:2], extra.pk})
        self.assertEqual([p["accepted"] for p in plan.proposed], [True, True, False, True])
        self.assertEqual(plan.proposed[-1]["by"], "manual")
        detail = Event.objects.get(event="sampling_plan.accept", object_id=str(plan.pk)).detail
        self.assertEqual((detail["added"], detail["removed"]), ([extra.pk], [self.proposed[2]]))

        response = self.api_step("shenyang_samr", self.plan, "accept", {"targets": self.proposed})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["state"], "accepted")
        self.assertEqual(SamplingTask.objects.count(), 1)

    def test_at_least_one_target_and_only_the_units_own(self):
        response = self.api_step("shenyang_samr", self.plan, "accept", {"targets": []})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["targets"], ["请至少保留一个抽检对象。"])
        dalian = f.enterprise("210200")
        dalian.categories.add(f.category())
        response = self.api_step("shenyang_samr", self.plan, "accept", {"targets": self.proposed, "extra": [dalian.pk]})
        self.assertEqual(response.status_code, 400)
        self.assertIn("extra", response.json())
        with self.assertRaisesMessage(ValidationError, "所选企业不在本单位辖区内"):
            services.sampling_plan_accept(plan=self.plan, enterprise_ids=[*self.proposed, dalian.pk],
                                          actor=self.users["shenyang_samr"])
        self.assertEqual(SamplingPlan.objects.get(pk=self.plan.pk).status, "draft")
        self.assertFalse(SamplingTask.objects.exists())

    def test_refusals_and_steps_read(self):
        self.assertEqual(self.api_step("dalian_samr", self.plan, "accept", {"targets": self.proposed}).status_code, 404)
        self.assertEqual(self.api_step("shenyang_leader", self.plan, "accept", {"targets": self.proposed}).status_code,
                         403)
        state, steps = self.api_steps("shenyang_leader", self.plan)
        self.assertEqual((state, steps["accept"]["allowed"]), ("draft", False))
        self.assertEqual(steps["accept"]["reason"], "您的角色不能确认并生成抽检任务。")
        state, steps = self.api_steps("shenyang_samr", self.plan)
        self.assertEqual((steps["accept"]["allowed"], steps["accept"]["fields"]),
                         (True, ["task_name", "targets", "extra"]))
        self.assertFalse(SamplingTask.objects.exists())

    def test_the_step_page_offers_the_proposal(self):
        self.login("shenyang_samr")
        page = self.client.get(self.plan.get_absolute_url())
        self.assertContains(page, step_page(self.plan, "accept"))
        page = self.client.get(step_page(self.plan, "accept"))
        for p in self.plan.proposed:
            self.assertContains(page, f'value="{p["enterprise_id"]}"')
            self.assertContains(page, p["name"])
        self.login("shenyang_leader")
        self.assertContains(self.client.get(step_page(self.plan, "accept")), "您的角色不能确认并生成抽检任务。",
                            status_code=403)


class CertificateCheckWorkflowTests(WorldTestCase):
    def check(self, unit_code: str = "210100-samr", city: str = "210100", flagged: bool = True):
        return CertificateCheck.objects.create(unit=self.unit(unit_code), number="国械注准20209999999",
                                               kind="device_registration", enterprise=f.enterprise(city),
                                               on_date=D(2020, 5, 20), flagged=flagged,
                                               reason="证书编号不存在" if flagged else "")

    def test_to_lead_once(self):
        check = self.check()
        state, steps = self.api_steps("shenyang_samr", check)
        self.assertEqual((state, steps["to_lead"]["allowed"]), ("flagged", True))
        response = self.api_step("shenyang_samr", check, "to_lead")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["state"], response.json()["state_label"]), ("lead", "已转线索"))
        lead = Lead.objects.get(pk=CertificateCheck.objects.get(pk=check.pk).lead_id)
        self.assertEqual((lead.unit, lead.enterprise), (check.unit, check.enterprise))
        self.assertIn("证书编号不存在", lead.description)
        self.assertEqual(response.json()["next"], lead.get_absolute_url())
        response = self.api_step("shenyang_samr", check, "to_lead")
        self.assertEqual((response.status_code, response.json()["state"]), (409, "lead"))
        self.assertEqual(Lead.objects.count(), 1)

    def test_a_check_that_passed_is_not_a_lead(self):
        check = self.check(flagged=False)
        response = self.api_step("shenyang_samr", check, "to_lead")
        self.assertEqual(response.status_code, 409)
        self.assertEqual((response.json()["state"], response.json()["detail"]),
                         ("passed", "证书报告核验当前为“核验通过”，不能再转为线索。"))
        state, steps = self.api_steps("shenyang_samr", check)
        self.assertEqual((state, steps["to_lead"]["allowed"]), ("passed", False))
        self.assertEqual(steps["to_lead"]["reason"], "证书报告核验当前为“核验通过”，不能再转为线索。")
        self.assertFalse(Lead.objects.exists())

    def test_refusals(self):
        check = self.check()
        self.assertEqual(self.api_step("dalian_samr", check, "to_lead").status_code, 404)
        self.assertEqual(self.api_step("shenyang_leader", check, "to_lead").status_code, 403)
        # The province's check of a Dalian producer is placed in Dalian: Dalian's bureau sees it, but
        # only the province (or a unit above it) turns it into a lead.
        provincial = self.check("210000-samr", "210200")
        response = self.api_step("dalian_samr", provincial, "to_lead")
        self.assertEqual((response.status_code, response.json()["detail"]),
                         (403, "仅辽宁省市场监督管理局及其上级单位可以转为线索。"))
        self.assertFalse(Lead.objects.exists())
        _, steps = self.api_steps("shenyang_leader", check)
        self.assertEqual(steps["to_lead"]["reason"], "您的角色不能转为线索。")


class ExportFlagWorkflowTests(WorldTestCase):
    def setUp(self):
        customs = self.unit("210200-customs_dl")
        producer = f.enterprise("210200")
        check = ExportCheck.objects.create(unit=customs, declaration_number="090120209001", checked_on=D(2020, 5, 30),
                                           exporter=f.enterprise("210200"), producer=producer, enterprise=producer,
                                           category=f.category(), batches_checked=1, destination_country="意大利")
        self.flag = ExportFlag.objects.create(unit=customs, export_check=check, kind="negative_listed",
                                              reason="生产企业列入负面清单")

    def test_stop_and_clear(self):
        response = self.api_step("customs_dl", self.flag, "stop", {"reason": "负面清单企业产品，退运处理"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["state"], response.json()["state_label"]), ("stopped", "已阻止出口"))
        flag = ExportFlag.objects.get(pk=self.flag.pk)
        self.assertEqual((flag.status, flag.notes), ("stopped", "负面清单企业产品，退运处理"))
        event = Event.objects.get(event="export_flag.stop", object_id=str(flag.pk))
        self.assertEqual((event.user, event.detail["reason"]), (self.users["customs_dl"], "负面清单企业产品，退运处理"))
        response = self.api_step("customs_dl", self.flag, "clear", {"reason": "复核放行"})
        self.assertEqual(response.status_code, 409)
        self.assertEqual((response.json()["state"], response.json()["state_label"]), ("stopped", "已阻止出口"))
        self.assertEqual(ExportFlag.objects.get(pk=self.flag.pk).notes, "负面清单企业产品，退运处理")

        other = ExportFlag.objects.create(unit=self.flag.unit, export_check=self.flag.export_check,
                                          kind="not_white_listed", reason="生产企业不在白名单")
        flag = services.export_flag_clear(flag=other, reason="白名单已于当日增补该企业", actor=self.users["customs_dl"])
        self.assertEqual((flag.status, flag.notes), ("cleared", "白名单已于当日增补该企业"))

    def test_refusals(self):
        self.assertEqual(self.api_step("shenyang_samr", self.flag, "stop", {"reason": "x"}).status_code, 404)
        # Dalian's office sees the flag of an export made in Dalian; the decision is the customs'.
        response = self.api_step("dalian_office", self.flag, "stop", {"reason": "x"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["detail"], f"仅{self.flag.unit}（查验海关）可以阻止出口。")
        response = self.api_step("customs_dl", self.flag, "stop", {})
        self.assertEqual(response.status_code, 400)
        self.assertIn("reason", response.json())
        self.assertEqual(ExportFlag.objects.get(pk=self.flag.pk).status, "open")

    def test_steps_read_and_no_edit_page(self):
        state, steps = self.api_steps("customs_dl", self.flag)
        self.assertEqual((state, set(steps)), ("open", {"stop", "clear"}))
        self.assertTrue(all(s["allowed"] and s["required"] == ["reason"] for s in steps.values()))
        state, steps = self.api_steps("dalian_office", self.flag)
        self.assertEqual(steps["clear"]["reason"], f"仅{self.flag.unit}（查验海关）可以核实放行。")
        self.login("customs_dl")
        page = self.client.get(self.flag.get_absolute_url())
        self.assertContains(page, step_page(self.flag, "stop"))
        self.assertNotContains(page, f"/targeting/exportflag/{self.flag.pk}/edit/")
        self.assertEqual(self.client.get(f"/targeting/exportflag/{self.flag.pk}/edit/").status_code, 404)
        api = self.api("customs_dl")
        url = f"/api/targeting/exportflag/{self.flag.pk}/"
        response = api.patch(url, {"status": "cleared"}, format="json", HTTP_IF_MATCH=api.get(url)["ETag"])
        self.assertEqual(response.status_code, 405)
        self.assertEqual(ExportFlag.objects.get(pk=self.flag.pk).status, "open")
