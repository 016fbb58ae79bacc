"""Workflow buttons and forms for enforcement records (受理, 移送, 立案, 处罚决定, 督办, 曝光...).

Each step is a `Step`: a form with only that step's fields and a call to the service that owns
the rule. `offer` mirrors the service's checks only to decide which buttons the detail page shows;
the service stays the single place that decides, and its Chinese refusal is shown to the user
through `django.contrib.messages`. State changes are POST-only (CSRF-checked by the middleware);
a record outside the user's scope answers 404 before anything else happens."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from rectify.core.access.scope import area_allows, can, units_for
from rectify.core.generic.views import add_validation_errors

from . import services
from . import workflow_forms as wf
from .models import (
    Case,
    Complaint,
    Exposure,
    JointPunishment,
    JointPunishmentAction,
    Lead,
    Problem,
    Supervision,
    Transfer,
)
from .services.cases import TRANSITIONS
from .services.ledger import NEXT as PROBLEM_NEXT

Runner = Callable[[Any, Any, dict[str, Any]], models.Model]  # (record, actor, form values) -> record to show next
Offer = Callable[[Any, Any], bool]  # (user, record) -> show the button?


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    form: type[wf.StepForm]
    run: Runner
    offer: Offer
    style: str = "primary"  # bootstrap button colour
    done: str = ""          # success message

    @property
    def inline(self) -> bool:
        """Nothing to type (dates default to today in the services): a one-click button on the
        detail page, and a refusal goes back there rather than to a form page."""
        return all(isinstance(f, forms.DateField) and not f.required for f in self.form.base_fields.values())


# -- the checks the services make, as questions (advisory: for showing buttons only) ---------------
def _own_unit(user, unit_id: int | None) -> bool:
    """common.require_own_unit: the step belongs to one unit's users with change rights."""
    return unit_id is not None and getattr(user, "unit_id", None) == unit_id and area_allows(user, "records", "change")


def _office(user, action: str) -> bool:
    """common.require_office."""
    unit = getattr(user, "unit", None)
    return unit is not None and unit.is_office and area_allows(user, "records", action)


def _provincial_office(user) -> bool:
    """common.require_provincial_office."""
    unit = getattr(user, "unit", None)
    return unit is not None and unit.is_provincial_office and area_allows(user, "records", "manage")


# -- complaints ---------------------------------------------------------------------------------------
def _complaint_decidable(user, c: Complaint) -> bool:
    # Tips (举报) are verified, not accepted: the verify step is offered for them instead.
    return c.kind == Complaint.Kind.COMPLAINT and c.status == Complaint.Status.RECEIVED and _own_unit(user, c.unit_id)


def _complaint_to_lead_offer(user, c: Complaint) -> bool:
    return _own_unit(user, c.unit_id) and services.complaint_lead_ready(c)


COMPLAINT_STEPS = [
    Step("accept", gettext_lazy("受理"), wf.ComplaintAcceptForm, style="success", done=gettext_lazy("已受理。"),
         run=lambda c, u, v: services.complaint_decide(complaint=c, accept=True, actor=u, **v),
         offer=_complaint_decidable),
    Step("reject", gettext_lazy("不予受理"), wf.ComplaintRejectForm, style="outline-danger",
         done=gettext_lazy("已作出不予受理决定。"),
         run=lambda c, u, v: services.complaint_decide(complaint=c, accept=False, actor=u, **v),
         offer=_complaint_decidable),
    Step("verify", gettext_lazy("核查举报"), wf.ComplaintVerifyForm, done=gettext_lazy("已录入核查结果。"),
         run=lambda c, u, v: services.complaint_verify(complaint=c, actor=u, **v),
         offer=lambda u, c: c.kind == Complaint.Kind.TIP and not c.verified_on and _own_unit(u, c.unit_id)),
    Step("to_lead", gettext_lazy("转为线索"), wf.ComplaintToLeadForm, style="outline-primary",
         done=gettext_lazy("已转为线索。"),
         run=lambda c, u, v: services.complaint_to_lead(complaint=c, actor=u, **v),
         offer=_complaint_to_lead_offer),
]


# -- leads and transfers --------------------------------------------------------------------------------
def _lead_movable(user, lead: Lead) -> bool:
    return lead.status == Lead.Status.OPEN and not lead.pending_unit_id and _own_unit(user, lead.unit_id)


def _lead_fileable(user, lead: Lead) -> bool:
    return (lead.status == Lead.Status.OPEN and not lead.pending_unit_id
            and units_for(user, "add").filter(pk=lead.unit_id).exists())


def _run_lead_transfer(lead: Lead, user, v: dict[str, Any]) -> Lead:
    services.lead_transfer(lead=lead, to_unit=v["to_unit"], reason=v["reason"], actor=user)
    return lead


LEAD_STEPS = [
    Step("transfer", gettext_lazy("移送其他单位"), wf.TransferForm, style="outline-primary",
         done=gettext_lazy("已移送，待对方接收。"), run=_run_lead_transfer, offer=_lead_movable),
    Step("transfer_police", gettext_lazy("移送公安"), wf.PoliceTransferForm, style="outline-danger",
         done=gettext_lazy("已移送公安，待对方接收。"), run=_run_lead_transfer, offer=_lead_movable),
    Step("case", gettext_lazy("立案"), wf.CaseFromLeadForm, done=gettext_lazy("已立案。"),
         run=lambda lead, u, v: services.case_from_lead(
             lead=lead, actor=u, **{"product_category": None, **v}),  # the service falls back to the lead's
         offer=_lead_fileable),
]


def _after_transfer(t: Transfer) -> models.Model:
    return t.lead if t.lead_id else t.case


def _run_transfer_return(t: Transfer, user, v: dict[str, Any]) -> Transfer:
    # The receiver loses sight of a returned lead; it keeps seeing its hop, so show that.
    return services.transfer_return(transfer=t, actor=user, **v)


TRANSFER_STEPS = [
    Step("accept", gettext_lazy("接收移送"), wf.TransferAcceptForm, style="success", done=gettext_lazy("已接收。"),
         run=lambda t, u, v: _after_transfer(services.transfer_accept(transfer=t, actor=u, **v)),
         offer=lambda u, t: t.status == Transfer.Status.PENDING and _own_unit(u, t.to_unit_id)),
    Step("return", gettext_lazy("退回移送"), wf.TransferReturnForm, style="outline-danger",
         done=gettext_lazy("已退回。"),
         run=_run_transfer_return,
         offer=lambda u, t: t.status == Transfer.Status.PENDING and _own_unit(u, t.to_unit_id)),
    Step("police_decision", gettext_lazy("录入公安立案决定"), wf.PoliceDecisionForm,
         done=gettext_lazy("已录入公安立案决定。"),
         run=lambda t, u, v: services.transfer_police_decision(transfer=t, actor=u, **v),
         offer=lambda u, t: (t.to_police and t.status == Transfer.Status.ACCEPTED and not t.police_decision
                             and _own_unit(u, t.to_unit_id))),
]


# -- cases ------------------------------------------------------------------------------------------------
def _case_step_offer(to: str) -> Offer:
    return lambda u, case: to in TRANSITIONS.get(case.status, set()) and can(u, "change", case)


def _run_case_step(to: str) -> Runner:
    return lambda case, u, v: services.case_transition(case=case, to=to, actor=u, **v)


S = Case.Status
CASE_STEPS = [
    Step("file", gettext_lazy("立案"), wf.CaseFileForm, run=_run_case_step(S.FILED), offer=_case_step_offer(S.FILED),
         done=gettext_lazy("已立案。")),
    Step("investigated", gettext_lazy("调查终结"), wf.CaseInvestigatedForm, run=_run_case_step(S.INVESTIGATED),
         offer=_case_step_offer(S.INVESTIGATED), done=gettext_lazy("已调查终结。")),
    Step("decide", gettext_lazy("作出处罚决定"), wf.CaseDecideForm, run=_run_case_step(S.DECIDED),
         offer=_case_step_offer(S.DECIDED), done=gettext_lazy("已作出处罚决定，并记入企业信用记录。")),
    Step("close", gettext_lazy("结案"), wf.CaseCloseForm, style="outline-secondary", run=_run_case_step(S.CLOSED),
         offer=_case_step_offer(S.CLOSED), done=gettext_lazy("已结案。")),
    Step("transfer", gettext_lazy("移送其他单位"), wf.TransferForm, style="outline-primary",
         run=_run_case_step(S.TRANSFERRED), offer=_case_step_offer(S.TRANSFERRED), done=gettext_lazy("已移送。")),
    Step("transfer_police", gettext_lazy("移送公安"), wf.PoliceTransferForm, style="outline-danger",
         run=_run_case_step(S.TRANSFERRED), offer=_case_step_offer(S.TRANSFERRED), done=gettext_lazy("已移送公安。")),
    Step("correct_decision", gettext_lazy("更正处罚决定"), wf.CaseDecisionCorrectForm, style="outline-warning",
         done=gettext_lazy("已更正处罚决定并重新签章，原决定已留存。"),
         run=lambda case, u, v: services.case_decision_correct(case=case, actor=u, **v),
         offer=lambda u, case: case.decision_issued and area_allows(u, "records", "review") and can(u, "change", case)),
    Step("supervise", gettext_lazy("挂牌督办"), wf.SupervisionListForm, style="outline-warning",
         done=gettext_lazy("已挂牌督办。"),
         run=lambda case, u, v: services.supervision_list(case=case, actor=u, **v).case,
         offer=lambda u, case: _provincial_office(u) and services.supervision_refusal(case) is None),
]

SUPERVISION_STEPS = [
    Step("follow_up", gettext_lazy("督办跟踪"), wf.SupervisionFollowUpForm, done=gettext_lazy("已记录跟踪情况。"),
         run=lambda sup, u, v: services.supervision_follow_up(supervision=sup, actor=u, **v),
         offer=lambda u, sup: sup.status == Supervision.Status.LISTED and services.may_follow_up(u, sup)),
]


# -- publicity, ledger, joint punishment ----------------------------------------------------------
EXPOSURE_STEPS = [
    Step("review", gettext_lazy("审核"), wf.EmptyForm, done=gettext_lazy("已审核。"),
         run=lambda e, u, v: services.exposure_review(exposure=e, actor=u),
         offer=lambda u, e: e.status == Exposure.Status.DRAFT and _office(u, "review") and can(u, "change", e)),
    Step("publish", gettext_lazy("发布"), wf.EmptyForm, style="success", done=gettext_lazy("已发布。"),
         run=lambda e, u, v: services.exposure_publish(exposure=e, actor=u),
         offer=lambda u, e: e.status == Exposure.Status.REVIEWED and _office(u, "manage") and can(u, "change", e)),
    Step("withdraw", gettext_lazy("撤回重审"), wf.ReasonForm, style="outline-danger",
         done=gettext_lazy("已撤回为草稿。"),
         run=lambda e, u, v: services.exposure_withdraw(exposure=e, actor=u, **v),
         offer=lambda u, e: e.status != Exposure.Status.DRAFT and _office(u, "manage") and can(u, "change", e)),
]


def _problem_step(to: str, label: str, form: type[wf.StepForm], style: str = "primary") -> Step:
    def offer(u, p: Problem) -> bool:
        if to not in PROBLEM_NEXT.get(p.status, set()) or not can(u, "change", p):
            return False
        return to != Problem.Status.VERIFIED or _office(u, "review")

    def run(p: Problem, u, v: dict[str, Any]) -> Problem:
        return services.problem_set_status(problem=p, status=to, actor=u, **v)

    return Step(f"to_{to}", label, form, run=run, offer=offer, style=style, done=gettext_lazy("问题状态已更新。"))


P = Problem.Status
PROBLEM_STEPS = [
    _problem_step(P.RECTIFYING, gettext_lazy("整改中"), wf.ProblemRectifyForm, "outline-primary"),
    _problem_step(P.DONE, gettext_lazy("整改完成"), wf.ProblemRectifyForm, "success"),
    _problem_step(P.VERIFIED, gettext_lazy("验收销号"), wf.EmptyForm, "outline-success"),
]

JOINT_ACTION_STEPS = [
    Step("done", gettext_lazy("填报落实情况"), wf.JointActionDoneForm, done=gettext_lazy("已填报落实情况。"),
         run=lambda a, u, v: services.joint_action_done(action=a, actor=u, **v),
         offer=lambda u, a: a.done_on is None and _own_unit(u, a.unit_id)),
]

WORKFLOWS: dict[type[models.Model], list[Step]] = {
    Complaint: COMPLAINT_STEPS, Lead: LEAD_STEPS, Transfer: TRANSFER_STEPS, Case: CASE_STEPS,
    Supervision: SUPERVISION_STEPS, Exposure: EXPOSURE_STEPS, Problem: PROBLEM_STEPS,
    JointPunishmentAction: JOINT_ACTION_STEPS,
}


def step_url(obj: models.Model, key: str) -> str:
    return reverse(f"enforcement:{obj._meta.model_name}_step", kwargs={"pk": obj.pk, "step": key})


# -- what the detail page shows ---------------------------------------------------------------------------
@dataclass
class Action:
    label: str
    url: str
    style: str
    inline: bool      # no required input: a one-click POST button on the detail page
    target: str = ""  # the related record the step works on, when not the page's own


def _actions(user, obj: models.Model, target: str = "") -> list[Action]:
    found = []
    for step in WORKFLOWS.get(type(obj), []):
        if step.offer(user, obj):
            found.append(Action(str(step.label), step_url(obj, step.key), step.style, step.inline, target))
    return found


def _related(user, obj: models.Model) -> list[tuple[str, models.Model]]:
    """Records produced by or hanging off this one, restricted like every list."""
    if isinstance(obj, Complaint):
        return [(_("线索"), x) for x in Lead.objects.restrict(user).filter(complaint=obj)]
    if isinstance(obj, Lead):
        return [(_("案件"), x) for x in Case.objects.restrict(user).filter(source_lead=obj)]
    if isinstance(obj, Case):
        rows = [(_("挂牌督办"), x) for x in Supervision.objects.restrict(user).filter(case=obj)]
        rows += [(_("典型案例曝光"), x) for x in Exposure.objects.restrict(user).filter(case=obj)]
        return rows
    if isinstance(obj, JointPunishment):
        return [(_("惩戒措施"), x) for x in JointPunishmentAction.objects.restrict(user).filter(punishment=obj)]
    if isinstance(obj, Transfer):
        return [(_("移送对象"), x) for x in [_after_transfer(obj)] if x is not None and can(user, "view", x)]
    return []


def workflow_context(request: HttpRequest, obj: models.Model) -> dict[str, Any]:
    """ModelConfig.detail_context: the steps this user can take now, on the record itself and on
    its open transfers (the receiver accepts a lead or case from the lead's or case's page)."""
    user = request.user
    actions = _actions(user, obj)
    if isinstance(obj, Lead | Case):
        for hop in Transfer.objects.restrict(user).filter(**{type(obj)._meta.model_name: obj}).exclude(
                status=Transfer.Status.RETURNED).select_related("unit", "to_unit"):
            actions += _actions(user, hop, target=str(hop))
    if isinstance(obj, JointPunishment):
        for item in JointPunishmentAction.objects.restrict(user).filter(punishment=obj):
            actions += _actions(user, item, target=str(item))
    context = {"workflow_actions": actions, "workflow_related": _related(user, obj)}
    if isinstance(obj, Case):  # the decisions a 更正 replaced, kept with their seals
        context["decision_versions"] = list(obj.decision_versions.select_related("corrected_by").order_by("number"))
    return context


# -- the step page and its POST ---------------------------------------------------------------------------
class WorkflowStepView(LoginRequiredMixin, View):
    """GET shows the step's form; POST runs the service. `model` is set by as_view()."""

    model: type[models.Model] | None = None
    template_name = "enforcement/workflow_step.html"

    def _load(self) -> tuple[models.Model, Step]:
        obj = self.model.objects.restrict(self.request.user, "view").filter(pk=self.kwargs["pk"]).first()
        if obj is None:
            raise Http404(_("记录不存在或不在您的数据范围内。"))
        step = next((s for s in WORKFLOWS[self.model] if s.key == self.kwargs["step"]), None)
        if step is None:
            raise Http404(_("没有此操作。"))
        return obj, step

    def _page(self, obj: models.Model, step: Step, form: wf.StepForm, status: int = 200) -> HttpResponse:
        return render(self.request, self.template_name, {"object": obj, "step": step, "form": form,
                                                         "action_url": step_url(obj, step.key)}, status=status)

    def get(self, request: HttpRequest, pk: int, step: str) -> HttpResponse:
        obj, current = self._load()
        if not current.offer(request.user, obj):
            raise PermissionDenied(_("当前状态下您不能执行此操作。"))
        return self._page(obj, current, current.form(obj=obj, user=request.user))

    def post(self, request: HttpRequest, pk: int, step: str) -> HttpResponse:
        obj, current = self._load()
        form = current.form(request.POST, request.FILES, obj=obj, user=request.user)
        if not form.is_valid():
            messages.error(request, _("请按提示填写。"))
            return self._page(obj, current, form, status=400)
        try:
            result = current.run(obj, request.user, form.values())
        except PermissionDenied as exc:
            # The service's own words ("只有大连市市场监督管理局可以接收该移送。"), on the record's page.
            messages.error(request, str(exc) or _("您没有此操作的权限。"))
            return HttpResponseRedirect(obj.get_absolute_url())
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            if not current.inline:  # keep what the user typed, with the errors at their fields
                add_validation_errors(form, exc)
                return self._page(obj, current, form, status=400)
            return HttpResponseRedirect(obj.get_absolute_url())
        messages.success(request, str(current.done or _("操作成功。")))
        return HttpResponseRedirect(result.get_absolute_url())


def urlpatterns() -> list:
    return [
        path(f"{model._meta.model_name}/<int:pk>/step/<slug:step>/", WorkflowStepView.as_view(model=model),
             name=f"{model._meta.model_name}_step")
        for model in WORKFLOWS
    ]
