"""The enforcement workflows, declared once (core/workflow): complaints and tips, leads, transfers
between units and to the police, cases, 挂牌督办, exposure, the problem ledger and joint-punishment
measures. The services' public functions take these steps through `core.workflow.engine.perform`;
the record pages, the API, the work desk and the notices read the same declarations."""
from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import units_for
from rectify.core.audit.changelog import created_by
from rectify.core.clock import beijing_date
from rectify.core.workflow import declare as d
from rectify.core.workflow import rules as r
from rectify.core.workflow.declare import Deadline, Step, Workflow, register
from rectify.core.workflow.forms import ReasonForm

from . import workflow_forms as wf
from .models import Case, Complaint, Exposure, JointPunishmentAction, Lead, Problem, Supervision, Transfer
from .services import cases, complaints, ledger, publicity, transfers
from .workdays import MEDIATION_DAYS, add_working_days

OWNER = d.unit_at("unit", _("承办单位"))
HANDLER = r.unit_at("unit", _("承办单位"))

# -- complaints and tips ----------------------------------------------------------------------------
C = Complaint.Status
IS_COMPLAINT = r.record(lambda c: c.kind == Complaint.Kind.COMPLAINT, _("举报无须作出受理决定，请录入核查结果。"))
IS_TIP = r.record(lambda c: c.kind == Complaint.Kind.TIP, _("只有举报需要核查；投诉请作出受理决定。"))
ACCEPT_DUE = Deadline(_("收到投诉之日起7个工作日内决定是否受理"), lambda c: c.accept_due, legal=True)
MEDIATE_DUE = Deadline(_("投诉受理之日起45个工作日内终结调解并答复"), lambda c: add_working_days(
    c.decided_on, MEDIATION_DAYS) if c.decided_on and c.kind == Complaint.Kind.COMPLAINT else None, legal=True)
VERIFY_DUE = Deadline(_("收到举报之日起15个工作日内核查处置"), lambda c: c.verify_due, legal=True)


def _lead_ready(c: Complaint) -> bool:
    return not c.leads.exists() and (c.status == C.ACCEPTED or c.kind == Complaint.Kind.TIP)


register(Workflow(
    name="complaint", model=Complaint, states=C.choices, bar=[C.RECEIVED, C.ACCEPTED, C.CLOSED],
    final=[C.REJECTED, C.CLOSED],
    steps=[
        Step("accept", _("受理"), (C.RECEIVED,), HANDLER, target=C.ACCEPTED, form=wf.ComplaintAcceptForm,
             run=complaints.decide_body, when=IS_COMPLAINT, assignee=OWNER, deadline=ACCEPT_DUE,
             event="complaint.decide", style="success", done=_("已受理。")),
        Step("reject", _("不予受理"), (C.RECEIVED,), HANDLER, target=C.REJECTED, form=wf.ComplaintRejectForm,
             run=complaints.decide_body, when=IS_COMPLAINT, assignee=OWNER, deadline=ACCEPT_DUE,
             event="complaint.decide", style="outline-danger", done=_("已作出不予受理决定。"), on_desk=False),
        Step("verify", _("核查举报"), (C.RECEIVED,), HANDLER, target=C.VERIFIED, form=wf.ComplaintVerifyForm,
             run=complaints.verify_body, when=IS_TIP, assignee=OWNER, deadline=VERIFY_DUE,
             event="complaint.verify", done=_("已录入核查结果。")),
        Step("close", _("办结答复"), (C.ACCEPTED, C.VERIFIED), HANDLER, target=C.CLOSED, form=wf.ComplaintCloseForm,
             run=complaints.close_body, assignee=OWNER,
             deadline=MEDIATE_DUE,
             event="complaint.close", style="outline-success", done=_("已办结并答复。")),
        Step("to_lead", _("转为线索"), (C.ACCEPTED, C.RECEIVED, C.VERIFIED), HANDLER, form=wf.ComplaintToLeadForm,
             run=complaints.to_lead_body,
             when=r.record(_lead_ready, lambda u, c, s: _("已转为线索，不能重复转为线索。") if c.leads.exists()
                           else _("投诉须先受理，才能转为线索。")),
             assignee=OWNER, event="complaint.to_lead", style="outline-primary", done=_("已转为线索。"),
             on_desk=False),
    ]))

# -- leads ----------------------------------------------------------------------------------------------
L = Lead.Status
NOT_PENDING = r.record(lambda lead: not lead.pending_unit_id,
                       lambda u, lead, s: _("该线索正在移送给%(u)s，待对方接收或退回。") % {"u": lead.pending_unit})
MAY_FILE = r.Rule(lambda u, lead: units_for(u, "add").filter(pk=lead.unit_id).exists(),
                  lambda u, lead, s: _("仅%(unit)s或其上级单位可以立案。") % {"unit": lead.unit})
LEAD_DUE = Deadline(_("自发现线索之日起15个工作日内决定是否立案"),
                    lambda lead: add_working_days(beijing_date(lead.created_at), 15) if lead.created_at else None,
                    legal=True)


def _lead_hops(user: Any, lead: Lead) -> Any:
    return Transfer.objects.restrict(user).filter(lead=lead, status=Transfer.Status.PENDING)


register(Workflow(
    name="lead", model=Lead, states=L.choices, bar=[L.OPEN, L.CASE], final=[L.CASE, L.CLOSED],
    companions=_lead_hops,
    steps=[
        Step("case", _("立案"), (L.OPEN,), MAY_FILE, target=L.CASE, form=wf.CaseFromLeadForm,
             run=cases.case_from_lead_body, when=NOT_PENDING, assignee=OWNER, deadline=LEAD_DUE,
             event="lead.case", done=_("已立案。")),
        Step("transfer", _("移送其他单位"), (L.OPEN,), HANDLER, target=L.IN_TRANSFER, form=wf.TransferForm,
             run=transfers.lead_transfer_body, when=NOT_PENDING, assignee=OWNER, event="lead.transfer",
             style="outline-primary", done=_("已移送，待对方接收。"), on_desk=False),
        Step("transfer_police", _("移送公安"), (L.OPEN,), HANDLER, target=L.IN_TRANSFER, form=wf.PoliceTransferForm,
             run=transfers.lead_transfer_body, when=NOT_PENDING, assignee=OWNER, event="lead.transfer",
             style="outline-danger", done=_("已移送公安，待对方接收。"), on_desk=False),
        # 不予立案: the reason is kept in the step's event and the change log.
        Step("close", _("了结线索"), (L.OPEN,), HANDLER, target=L.CLOSED, form=wf.LeadCloseForm, when=NOT_PENDING,
             assignee=OWNER, event="lead.close", style="outline-secondary", done=_("线索已了结。"), on_desk=False),
    ]))

# -- transfers (one hop of a lead or a case) ------------------------------------------------------------------
T = Transfer.Status
RECEIVER = d.unit_at("to_unit", _("接收单位"))
SENDER = d.unit_at("unit", _("移送单位"))
IS_RECEIVER = r.unit_at("to_unit", _("接收单位"))
RECEIPT_DUE = Deadline(_("移送之日起3个工作日内接收或退回"),
                       lambda t: add_working_days(beijing_date(t.sent_at), 3) if t.sent_at else None)

register(Workflow(
    name="transfer", model=Transfer, states=T.choices, bar=[T.PENDING, T.ACCEPTED], final=[T.RETURNED],
    steps=[
        Step("accept", _("接收移送"), (T.PENDING,), IS_RECEIVER, target=T.ACCEPTED, form=wf.TransferAcceptForm,
             run=transfers.accept_body, assignee=RECEIVER, also_tell=SENDER, deadline=RECEIPT_DUE,
             event="transfer.accept", style="success", done=_("已接收。")),
        Step("return", _("退回移送"), (T.PENDING,), IS_RECEIVER, target=T.RETURNED, form=wf.TransferReturnForm,
             run=transfers.return_body, assignee=RECEIVER, also_tell=SENDER, event="transfer.return",
             style="outline-danger", done=_("已退回。"), on_desk=False),
        Step("police_decision", _("录入公安立案决定"), (T.ACCEPTED,), IS_RECEIVER, form=wf.PoliceDecisionForm,
             run=transfers.police_decision_body, assignee=RECEIVER, also_tell=SENDER,
             when=r.record(lambda t: t.to_police and not t.police_decision,
                           lambda u, t, s: _("公安立案决定已录入（%(d)s）。") % {"d": t.get_police_decision_display()}
                           if t.police_decision else _("只有移送公安的记录才有公安立案决定。")),
             event="transfer.police_decision", done=_("已录入公安立案决定。")),
    ]))

# -- cases ----------------------------------------------------------------------------------------------------
S = Case.Status
CASE_OWNER = r.may("change")
DECISION_DUE = Deadline(_("立案之日起90日内作出处理决定"),
                        lambda c: c.filed_on + datetime.timedelta(days=90) if c.filed_on else None, legal=True)
OPEN_CASE = (S.LEAD, S.FILED, S.INVESTIGATED, S.DECIDED)
NOT_LISTED = r.record(lambda c: not c.supervisions.filter(status=Supervision.Status.LISTED).exists(),
                      _("该案件正在挂牌督办，不能重复挂牌。"))


def _case_hops(user: Any, case: Case) -> Any:
    return Transfer.objects.restrict(user).filter(case=case, status=Transfer.Status.PENDING)


register(Workflow(
    name="case", model=Case, states=S.choices, bar=[S.FILED, S.INVESTIGATED, S.DECIDED, S.CLOSED],
    final=[S.CLOSED, S.TRANSFERRED], companions=_case_hops,
    steps=[
        Step("file", _("立案"), (S.LEAD,), CASE_OWNER, target=S.FILED, form=wf.CaseFileForm,
             run=cases.dated_body(S.FILED), assignee=OWNER, event="case.filed", done=_("已立案。")),
        Step("investigated", _("调查终结"), (S.FILED,), CASE_OWNER, target=S.INVESTIGATED,
             form=wf.CaseInvestigatedForm, run=cases.dated_body(S.INVESTIGATED), assignee=OWNER,
             deadline=DECISION_DUE, event="case.investigated", done=_("已调查终结。")),
        Step("decide", _("作出处罚决定"), (S.INVESTIGATED,), CASE_OWNER, target=S.DECIDED, form=wf.CaseDecideForm,
             run=cases.decide_body, assignee=OWNER, deadline=DECISION_DUE, event="case.decided",
             done=_("已作出处罚决定，并记入企业信用记录。")),
        Step("close", _("结案"), (S.INVESTIGATED, S.DECIDED), CASE_OWNER, target=S.CLOSED, form=wf.CaseCloseForm,
             run=cases.dated_body(S.CLOSED), assignee=OWNER, event="case.closed", style="outline-secondary",
             done=_("已结案。"), on_desk=False),
        Step("transfer", _("移送其他单位"), OPEN_CASE, CASE_OWNER, target=S.TRANSFERRED, form=wf.TransferForm,
             run=cases.transfer_body, assignee=OWNER, event="case.transferred", style="outline-primary",
             done=_("已移送。"), on_desk=False),
        # A decided case may still go to the police (以罚代刑 must not stop a transfer).
        Step("transfer_police", _("移送公安"), OPEN_CASE, CASE_OWNER, target=S.TRANSFERRED,
             form=wf.PoliceTransferForm, run=cases.transfer_body, assignee=OWNER, event="case.transferred",
             style="outline-danger", done=_("已移送公安。"), on_desk=False),
        Step("correct_decision", _("更正处罚决定"), (S.DECIDED, S.CLOSED, S.TRANSFERRED),
             CASE_OWNER & r.role("review"), form=wf.CaseDecisionCorrectForm, run=cases.correct_body,
             when=r.record(lambda c: c.decision_issued, _("该案件尚未作出处罚决定，没有可更正的决定。")),
             assignee=OWNER, event="case.decision_correct", style="outline-warning",
             done=_("已更正处罚决定并重新签章，原决定已留存。"), on_desk=False),
        Step("supervise", _("挂牌督办"), OPEN_CASE, r.provincial_office("manage"), form=wf.SupervisionListForm,
             run=cases.supervise_body, when=NOT_LISTED, assignee=d.provincial_office(), event="case.supervise",
             style="outline-warning", done=_("已挂牌督办。"), on_desk=False),
    ]))

# -- 挂牌督办 --------------------------------------------------------------------------------------------------
SV = Supervision.Status
MAY_FOLLOW_UP = r.Rule(lambda u, s: cases.may_follow_up(u, s),
                       _("仅省专项工作组办公室和案件承办方可以填写督办跟踪。"))

register(Workflow(
    name="supervision", model=Supervision, states=SV.choices, bar=[SV.LISTED, SV.DONE], final=[SV.DONE, SV.CANCELLED],
    steps=[
        Step("follow_up", _("督办跟踪"), (SV.LISTED,), MAY_FOLLOW_UP, form=wf.SupervisionFollowUpForm,
             run=cases.follow_up_body, assignee=d.unit_at("case__unit", _("案件承办单位")),
             deadline=Deadline(_("督办办结期限"), lambda s: s.deadline), also_tell=d.provincial_office(),
             event="supervision.follow_up", done=_("已记录跟踪情况。")),
        Step("finish", _("办结督办"), (SV.LISTED,), r.provincial_office("change"), target=SV.DONE,
             form=wf.SupervisionFollowUpForm, run=cases.follow_up_body, assignee=d.provincial_office(),
             also_tell=d.unit_at("case__unit", _("案件承办单位")), event="supervision.follow_up",
             style="outline-success", done=_("督办事项已办结。"), on_desk=False),
        Step("cancel", _("撤销督办"), (SV.LISTED,), r.provincial_office("manage"), target=SV.CANCELLED,
             form=wf.SupervisionCancelForm, assignee=d.provincial_office(),
             also_tell=d.unit_at("case__unit", _("案件承办单位")), event="supervision.cancel",
             style="outline-danger", done=_("已撤销督办。"), on_desk=False),
    ]))

# -- exposure (draft → review → publish; the reviewer is not the author) -----------------------------------
E = Exposure.Status
CITY_OFFICE = d.city_office()
NOT_AUTHOR = r.Rule(lambda u, e: not _authored_by(e, u), _("曝光文本须由起草人以外的人员审核。"))


def _authored_by(exposure: Exposure, user: Any) -> bool:
    return created_by(exposure) == getattr(user, "pk", None)


register(Workflow(
    name="exposure", model=Exposure, states=E.choices, bar=[E.DRAFT, E.REVIEWED, E.PUBLISHED],
    steps=[
        Step("review", _("审核"), (E.DRAFT,), r.office("review") & r.may("change") & NOT_AUTHOR, target=E.REVIEWED,
             form=wf.ExposureReviewForm, run=publicity.review_body, assignee=CITY_OFFICE, event="exposure.review",
             done=_("已审核。")),
        Step("publish", _("发布"), (E.REVIEWED,), r.office("manage") & r.may("change"), target=E.PUBLISHED,
             form=wf.ExposurePublishForm, run=publicity.publish_body, assignee=CITY_OFFICE, event="exposure.publish",
             style="success",
             done=_("已发布。")),
        Step("withdraw", _("撤回重审"), (E.REVIEWED, E.PUBLISHED), r.office("manage") & r.may("change"),
             target=E.DRAFT, form=ReasonForm, run=publicity.withdraw_body, assignee=CITY_OFFICE,
             event="exposure.withdraw", style="outline-danger", done=_("已撤回为草稿。"), on_desk=False),
    ]))

# -- the problem ledger (整改 → 验收销号) -----------------------------------------------------------------------
P = Problem.Status
RECTIFY_DUE = Deadline(_("整改期限"), lambda p: p.deadline)

register(Workflow(
    name="problem", model=Problem, states=P.choices, bar=[P.OPEN, P.RECTIFYING, P.DONE, P.VERIFIED],
    final=[P.VERIFIED],
    steps=[
        Step("rectifying", _("整改中"), (P.OPEN, P.DONE), r.may("change"), target=P.RECTIFYING,
             form=wf.ProblemRectifyForm, run=ledger.rectify_body, assignee=OWNER, event="problem.rectifying",
             style="outline-primary", done=_("问题状态已更新。"), on_desk=False),
        Step("done", _("整改完成"), (P.OPEN, P.RECTIFYING), r.may("change"), target=P.DONE,
             form=wf.ProblemRectifyForm, run=ledger.done_body, assignee=OWNER, deadline=RECTIFY_DUE,
             event="problem.done", style="success", done=_("问题状态已更新。")),
        Step("verify", _("验收销号"), (P.DONE,), r.may("change") & r.office("review"), target=P.VERIFIED,
             run=ledger.verify_body, assignee=CITY_OFFICE, event="problem.verified", style="outline-success",
             done=_("已验收销号。")),
    ]))

# -- joint-punishment measures ---------------------------------------------------------------------------------
register(Workflow(
    name="joint_punishment_action", model=JointPunishmentAction, states=[("open", _("待落实")), ("done", _("已落实"))],
    bar=["open", "done"], final=["done"],
    state_of=lambda a: "done" if a.done_on else "open",
    state_q=lambda states: _action_q(states),
    steps=[
        Step("done", _("填报落实情况"), ("open",), r.unit_at("unit", _("惩戒实施单位")), target="done",
             form=wf.JointActionDoneForm,
             run=publicity.action_done_body, assignee=d.unit_at("unit", _("惩戒实施单位")),
             also_tell=d.unit_at("punishment__unit", _("决定单位")), event="joint_punishment.action_done",
             done=_("已填报落实情况。")),
    ]))


def _action_q(states: Any) -> Q:
    q = Q(pk__in=[])
    if "open" in states:
        q |= Q(done_on__isnull=True)
    if "done" in states:
        q |= Q(done_on__isnull=False)
    return q

