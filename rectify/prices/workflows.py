"""The price workflows, declared once (core/workflow): price flags (待处理 → 转为线索 → 立案, or
排除), enterprises' requests (办理中 → 已答复) and capacity requests (待调配 → 部分调配 → 已满足, by
allocations from the offers). The services take these steps through `core.workflow.engine.perform`;
the record pages, the API, the work desk and the notices read the same declarations."""
from __future__ import annotations

from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from rectify.core.workflow import declare as d
from rectify.core.workflow import rules as r
from rectify.core.workflow.declare import Deadline, Step, Workflow, register
from rectify.enforcement.models import Lead

from . import forms
from .models import CapacityRequest, PriceFlag, ServiceRequest
from .selectors import capacity_state, capacity_state_q
from .services import flags, support

# -- price flags ----------------------------------------------------------------------------------------
F = PriceFlag.Status
FLAG_UNIT = d.unit_at("unit", _("预警所属单位"))


def _lead_open(flag: PriceFlag) -> bool:
    return flag.lead_id is None or (flag.lead.status == Lead.Status.OPEN and not flag.lead.pending_unit_id)


LEAD_OPEN = r.record(_lead_open, lambda u, flag, s: _gettext("该预警的线索当前为“%(s)s”，请在线索页面办理。") % {
    "s": flag.lead.get_status_display()})

register(Workflow(
    name="price_flag", model=PriceFlag, states=F.choices, bar=[F.OPEN, F.LEAD, F.CASE], final=[F.CASE, F.DISMISSED],
    steps=[
        Step("to_lead", _("转为线索"), (F.OPEN,), r.owner_side("add"), target=F.LEAD, run=flags.to_lead_body,
             assignee=FLAG_UNIT, event="price_flag.to_lead", style="outline-primary", done=_("已转为线索。")),
        # From a flag, or from its lead while the lead is still the flag unit's to file.
        Step("to_case", _("立为价格违法案件"), (F.OPEN, F.LEAD), r.owner_side("add"), target=F.CASE,
             form=forms.PriceFlagCaseForm, run=flags.to_case_body, when=LEAD_OPEN, assignee=FLAG_UNIT,
             event="price_flag.to_case", style="danger", done=_("已立案。"), on_desk=False),
        Step("dismiss", _("排除预警"), (F.OPEN,), r.owner_side("add"), target=F.DISMISSED,
             form=forms.PriceFlagDismissForm, run=flags.dismiss_body, assignee=FLAG_UNIT,
             event="price_flag.dismiss", style="outline-secondary", done=_("已排除该预警。"), on_desk=False),
    ]))

# -- enterprises' requests (企业诉求) -------------------------------------------------------------------
S = ServiceRequest.Status

register(Workflow(
    name="service_request", model=ServiceRequest, states=S.choices, bar=[S.OPEN, S.ANSWERED], final=[S.ANSWERED],
    steps=[
        Step("answer", _("答复"), (S.OPEN,), r.owner_side("change"), target=S.ANSWERED,
             form=forms.ServiceRequestAnswerForm, run=support.answer_body,
             assignee=d.unit_at("unit", _("承办部门")), event="service_request.answer", style="success",
             done=_("已答复，企业可凭查询码查看。")),
    ]))

# -- capacity requests (产能调配) ------------------------------------------------------------------------
register(Workflow(
    name="capacity_request", model=CapacityRequest,
    states=[("open", _("待调配")), ("partial", _("部分调配")), ("met", _("已满足"))],
    bar=["open", "partial", "met"], final=["met"], state_of=capacity_state, state_q=capacity_state_q,
    steps=[
        Step("allocate", _("调配产能"), ("open", "partial"), r.owner_side("add"), leads_to=("partial", "met"),
             form=forms.CapacityAllocateForm,
             run=support.allocate_body, assignee=d.unit_at("unit", _("需求登记单位")),
             deadline=Deadline(_("需求日期"), lambda req: req.needed_by), event="capacity.allocate",
             done=_("已调配。")),
    ]))
