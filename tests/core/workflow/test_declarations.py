"""Over every declared workflow: each state can be reached, each step says who may take it, whom it
tells and — where the law sets one — its deadline; the pages and the API offer exactly the declared
steps; a step shown as unavailable always says why."""
from __future__ import annotations

from django.test import TestCase
from django.urls import NoReverseMatch, reverse

from rectify.core.generic.api.viewsets import viewset_for
from rectify.core.registry import registry
from rectify.core.workflow.declare import workflows
from rectify.core.workflow.engine import offers
from rectify.core.workflow.rules import Rule
from rectify.testing import WorldTestCase
from tests.factories import Exhausted, factory_for

# The limits the law sets (市场监督管理投诉举报处理暂行办法, 市场监督管理行政处罚程序规定,
# 产品质量监督抽查管理暂行办法: an objection to a sampling result within 15 days of its notice).
LEGAL = {("complaint", "accept"), ("complaint", "reject"), ("complaint", "verify"), ("complaint", "close"),
         ("lead", "case"), ("case", "investigated"), ("case", "decide"), ("sample", "object")}


class DeclarationTests(TestCase):
    def test_there_are_workflows_for_the_hand_offs_the_issue_names(self):
        names = {w.name for w in workflows()}
        self.assertLessEqual({"complaint", "lead", "transfer", "case", "report", "supervision", "exposure", "problem",
                              "joint_punishment_action", "sample", "disposal", "covert_visit"}, names)

    def test_every_state_is_reachable_from_the_first(self):
        for workflow in workflows():
            with self.subTest(workflow=workflow.name):
                reached, todo = set(), [workflow.initial, *workflow.set_elsewhere]
                while todo:
                    state = todo.pop()
                    if state in reached:
                        continue
                    reached.add(state)
                    todo += [t for s in workflow.open_steps(state) for t in (s.target, *s.leads_to) if t]
                self.assertEqual(set(dict(workflow.states)) - reached, set(),
                                 f"{workflow.name}: states no step leads to")

    def test_every_step_has_a_rule_a_notification_target_and_its_legal_deadline(self):
        for workflow in workflows():
            for step in workflow.steps:
                with self.subTest(step=f"{workflow.name}.{step.name}"):
                    self.assertIsInstance(step.who, Rule)
                    self.assertIsNotNone(step.assignee, "whom the step's opening is told to")
                    self.assertTrue(step.assignee.label)
                    self.assertTrue(set(step.sources) <= set(dict(workflow.states)), "sources are declared states")
                    if step.target is not None:
                        self.assertIn(step.target, dict(workflow.states))
                    if (workflow.name, step.name) in LEGAL:
                        self.assertIsNotNone(step.deadline, "the law sets a limit")
                        self.assertTrue(step.deadline.legal)
                    for name, field in step.form.base_fields.items():
                        if name == "reason":
                            self.assertTrue(field.required, "a reason asked for is mandatory")

    def test_pages_and_api_offer_exactly_the_declared_steps(self):
        for workflow in workflows():
            config = registry.get(workflow.model)
            viewset = viewset_for(config)
            actions = {a.url_path for a in viewset.get_extra_actions() if a.url_path != "steps"}
            with self.subTest(workflow=workflow.name):
                self.assertEqual(actions, {s.name for s in workflow.steps})
                for step in workflow.steps:
                    reverse(f"{config.app_label}:{config.model_name}_step", kwargs={"pk": 1, "step": step.name})
                with self.assertRaises(NoReverseMatch):
                    reverse(f"{config.app_label}:{config.model_name}_step", kwargs={"pk": 1, "step": "no such"})


class ReasonsTests(WorldTestCase):
    def test_a_step_shown_as_unavailable_always_says_why(self):
        users = [self.users[k] for k in ("shenyang_samr", "shenyang_office", "dalian_samr", "province_office",
                                           "shenyang_police", "shenyang_leader", "customs_sy")]
        checked = 0
        for workflow in workflows():
            try:
                obj = factory_for(workflow.model)()
            except Exhausted:
                continue
            for user in users:
                if not type(obj).objects.restrict(user).filter(pk=obj.pk).exists():
                    continue
                for offer in offers(user, obj):
                    with self.subTest(step=f"{workflow.name}.{offer.step.name}", user=user.username):
                        self.assertEqual(offer.allowed, not offer.reason)
                        if not offer.allowed:
                            self.assertNotIn("%(", offer.reason)
                            checked += 1
        self.assertGreater(checked, 20)


class ReadOnlyResourcesTests(WorldTestCase):
    def test_a_step_action_does_not_open_a_read_only_list_to_post(self):
        from rectify.enforcement.models import Transfer
        self.assertFalse(registry.get(Transfer).allow_add)
        response = self.api("province_office").post("/api/enforcement/transfer/", {}, format="json")
        self.assertEqual(response.status_code, 405)
