"""The targeting workflows, declared once (core/workflow): a sampling plan accepted into a fieldwork
sampling task (待确认 → 已确认), a doubtful certificate check turned into a lead (存疑 → 已转线索),
and the customs' disposal of an export-list flag (待处置 → 已核实放行 / 已阻止出口). The services
take these steps through `core.workflow.engine.perform`; the record pages, the API, the work desk and
the notices read the same declarations."""
from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.core.workflow import declare as d
from rectify.core.workflow import rules as r
from rectify.core.workflow.declare import Deadline, Step, Workflow, register

from . import forms
from .models import CertificateCheck, ExportFlag, SamplingPlan
from .services import certificates, exportlists, plans

OWNER = d.unit_at("unit", _("承办单位"))


# -- sampling plans from risk ---------------------------------------------------------------------------
P = SamplingPlan.Status

register(Workflow(
    name="sampling_plan", model=SamplingPlan, states=P.choices, bar=[P.DRAFT, P.ACCEPTED], final=[P.ACCEPTED],
    steps=[
        Step("accept", _("确认并生成抽检任务"), (P.DRAFT,), r.owner_side("add"), target=P.ACCEPTED,
             form=forms.PlanAcceptForm, run=plans.accept_body, assignee=OWNER,
             deadline=Deadline(_("计划开始日期"), lambda plan: plan.period_start), event="sampling_plan.accept",
             style="success", done=_("已生成抽检任务。")),
    ]))

# -- certificate and test-report checks (the state follows the findings and the lead) ------------------------
CHECK_STATES = [("passed", _("核验通过")), ("flagged", _("存疑待处理")), ("lead", _("已转线索"))]


def _check_state(check: CertificateCheck) -> str:
    return "lead" if check.lead_id else "flagged" if check.flagged else "passed"


def _check_q(states: Any) -> Q:
    by_state = {"passed": Q(flagged=False, lead__isnull=True), "flagged": Q(flagged=True, lead__isnull=True),
                "lead": Q(lead__isnull=False)}
    q = Q(pk__in=[])
    for state in states:
        q |= by_state.get(state, Q(pk__in=[]))
    return q


register(Workflow(
    # No step bar: a check that passed never was doubtful, so no one path runs through every state.
    name="certificate_check", model=CertificateCheck, states=CHECK_STATES, final=["passed", "lead"],
    state_of=_check_state, state_q=_check_q, set_elsewhere=["flagged"],  # a check is recorded flagged or passed
    steps=[
        Step("to_lead", _("转为线索"), ("flagged",), r.owner_side("change"), target="lead",
             run=certificates.to_lead_body,
             assignee=OWNER, event="certificate.to_lead", style="outline-danger", done=_("已转为线索。")),
    ]))

# -- export-list flags, disposed of by the customs that checked the export ----------------------------------
E = ExportFlag.Status
CUSTOMS = _("查验海关")

register(Workflow(
    name="export_flag", model=ExportFlag, states=E.choices, bar=[E.OPEN, E.STOPPED], final=[E.CLEARED, E.STOPPED],
    steps=[
        Step("stop", _("阻止出口"), (E.OPEN,), r.unit_at("unit", CUSTOMS), target=E.STOPPED, form=forms.DisposalForm,
             run=exportlists.disposal_body, assignee=d.unit_at("unit", CUSTOMS), event="export_flag.stop",
             style="danger", done=_("已阻止出口。")),
        Step("clear", _("核实放行"), (E.OPEN,), r.unit_at("unit", CUSTOMS), target=E.CLEARED, form=forms.DisposalForm,
             run=exportlists.disposal_body, assignee=d.unit_at("unit", CUSTOMS), event="export_flag.clear",
             style="outline-success", done=_("已核实放行。"), on_desk=False),
    ]))
