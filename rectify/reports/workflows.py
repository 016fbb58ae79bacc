"""The weekly report's workflow: the reporting unit submits (its reviewer or office admin, before the
campaign's deadline); the receiver — the provincial office for a city office, the provincial
department of the line for a member unit — accepts or returns it with a reason; a returned report is
corrected and submitted again; an accepted one may be reopened by the receiver, with a reason, and
the reporting unit that finds an error in it after acceptance asks the receiver to do so (the
request only tells the receiver: reopening stays the receiver's decision)."""
from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import unit_model
from rectify.core.workflow import declare as d
from rectify.core.workflow import rules as r
from rectify.core.workflow.declare import Assignee, Deadline, Step, Workflow, register

from . import forms
from .models import WeeklyReport
from .services import workflow as services
from .services.receiving import receiver_may_review

W = WeeklyReport.Status

OWN_UNIT = r.unit_at("unit", _("报告单位"), action="review") & r.may("change")
def _receiver_refusal(user: Any, report: WeeklyReport, step: Step) -> str:
    if report.unit.is_provincial:
        return _("本报告向上级报送，系统内没有接收单位，不能%(step)s；如需更正，请重新报送。") % {"step": step.label}
    return _("仅接收单位（%(who)s）可以%(step)s。") % {
        "who": _("省专项工作组办公室") if report.unit.is_office else _("省级主管部门"), "step": step.label}


RECEIVER = r.Rule(receiver_may_review, _receiver_refusal)


def _receivers(report: WeeklyReport) -> Any:
    units = unit_model().objects.filter(is_active=True, region__level="province")
    if report.unit.is_provincial:
        return units.none()
    if report.unit.is_office:
        return units.filter(is_office=True)
    return units.filter(is_office=False, department__line=report.unit.department.line)


def _received_by(user: Any) -> Q | None:
    unit = getattr(user, "unit", None)
    if unit is None or not unit.is_provincial:
        return None
    below = ~Q(unit__region__level="province")  # a provincial unit's own report goes upward
    if unit.is_provincial_office:
        return Q(unit__is_office=True) & below
    return Q(unit__is_office=False, unit__department__line=unit.department.line) & below


RECEIVING = Assignee(str(_("接收单位")), _receivers, _received_by)
DEADLINE = Deadline(_("每周报送期限"), lambda report: report.deadline)


# A report received by nobody in the system (the province's own, sent upward) is corrected by
# submitting it again; one with a receiver waits for the receiver's decision.
RESUBMITTABLE = r.record(lambda report: report.status != W.SUBMITTED or report.unit.is_provincial,
                         _("已报送，等待接收单位处理；如需更正，请接收单位退回或申请重新打开。"))


def _page(report: WeeklyReport) -> str:
    return reverse("reports:weeklyreport_detail", args=[report.pk]) + "#submit"


register(Workflow(
    name="report", model=WeeklyReport, states=W.choices, bar=[W.OPEN, W.SUBMITTED, W.ACCEPTED],
    steps=[
        Step("submit", _("报送"), (W.OPEN, W.RETURNED, W.SUBMITTED), OWN_UNIT, when=RESUBMITTABLE, target=W.SUBMITTED,
             form=forms.ReportSubmitForm,
             run=services.submit_body, assignee=d.unit_at("unit", _("报告单位")), deadline=DEADLINE,
             event="report.submit", style="success", done=_("已报送。"), page=_page),
        Step("accept", _("接收"), (W.SUBMITTED,), RECEIVER, target=W.ACCEPTED, assignee=RECEIVING,
             also_tell=d.unit_at("unit", _("报告单位")), event="report.accept", style="success",
             done=_("已接收。")),
        Step("return", _("退回"), (W.SUBMITTED,), RECEIVER, target=W.RETURNED, form=forms.ReportReturnForm,
             run=services.return_body, assignee=RECEIVING, event="report.return", style="outline-danger",
             done=_("已退回，报送单位将收到通知。"), on_desk=False),
        Step("reopen", _("重新打开"), (W.ACCEPTED,), RECEIVER, target=W.RETURNED, form=forms.ReportReopenForm,
             run=services.return_body, assignee=RECEIVING, event="report.reopen", style="outline-warning",
             done=_("已重新打开，报送单位将收到通知。"), on_desk=False),
        Step("request_reopen", _("申请重新打开"), (W.ACCEPTED,), OWN_UNIT, form=forms.ReportReopenRequestForm,
             assignee=RECEIVING, event="report.request_reopen", style="outline-secondary",
             done=_("已申请重新打开，接收单位将收到通知。"), on_desk=False),
    ]))
