"""The field-work workflows, declared once (core/workflow): a sample's result, its notice to the
enterprise, the objection within 15 days and the retest; the disposal of a nonconforming batch
(cause analysis, recall ordered and completed, the flow trace that tells the cities downstream, the
case and the exposure); the covert visit's feedback by the visited city and its verification by
the province; the tasks a scheduling meeting assigns; a bulletin's receipt by each receiving unit;
the result of a case's fast-track test. The services' public functions take these steps through
`core.workflow.engine.perform`; the record pages, the API, the work desk and the notices read the
same declarations.

None of these records keeps a status column: each state is derived from the dates and results the
steps record (`state_of`, and `state_q` the same as a query for the work desk and the reminders).
Export checks are records without steps here (the export-list flags they raise are targeting's)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from rectify.core.workflow import declare as d
from rectify.core.workflow import rules as r
from rectify.core.workflow.declare import Deadline, Step, Workflow, register
from rectify.core.workflow.forms import ReasonForm

from . import forms
from .models import Bulletin, BulletinReceipt, CovertVisit, Disposal, FastTest, MeetingTask, Sample
from .models.sampling import Result
from .services import bulletins, disposal, fasttests, meetings, sampling, visits


def _by_state(mapping: dict[str, Q]) -> Callable[[Sequence[str]], Q]:
    """A workflow's `state_q` from the query of each state."""
    def state_q(states: Sequence[str]) -> Q:
        q = Q(pk__in=[])
        for state in states:
            q |= mapping.get(state, Q(pk__in=[]))
        return q
    return state_q


# -- samples: result → notice → objection within 15 days → retest ----------------------------------------
PENDING, CONFORMING, NONCONFORMING = "pending", "conforming", "nonconforming"
NOTIFIED, OBJECTED, RETESTED = "notified", "objected", "retested"
SAMPLE_STATES = [
    (PENDING, _("待出检验结论")), (CONFORMING, _("检验合格")), (NONCONFORMING, _("不合格待告知")),
    (NOTIFIED, _("已告知不合格结论")), (OBJECTED, _("已提出异议待复检")), (RETESTED, _("已复检")),
]


def sample_state(sample: Sample) -> str:
    if sample.retest_result:
        return RETESTED
    if sample.objection_filed_on:
        return OBJECTED
    if sample.result == Result.PENDING:
        return PENDING
    if sample.result == Result.CONFORMING:
        return CONFORMING
    return NOTIFIED if sample.notified_on else NONCONFORMING


_NO_RETEST = Q(retest_result="")
_FIRST = _NO_RETEST & Q(objection_filed_on__isnull=True)
SAMPLE_Q = {
    RETESTED: ~_NO_RETEST,
    OBJECTED: _NO_RETEST & Q(objection_filed_on__isnull=False),
    PENDING: _FIRST & Q(result=Result.PENDING),
    CONFORMING: _FIRST & Q(result=Result.CONFORMING),
    NONCONFORMING: _FIRST & Q(result=Result.NONCONFORMING, notified_on__isnull=True),
    NOTIFIED: _FIRST & Q(result=Result.NONCONFORMING, notified_on__isnull=False),
}

SAMPLER = d.unit_at("unit", _("抽检单位"))
SAMPLE_OWNER = r.may("change")  # the sampling unit and the units above it, with a role that writes
WINDOW_OPEN = r.record(sampling.objection_window_open, lambda u, s, step: _gettext(
    "已超过异议期限：不合格结论于%(d)s告知，企业须自告知之日起15日内（至%(due)s）提出异议，原结论成立。")
    % {"d": s.notified_on, "due": sampling.objection_due(s)})
OBJECTION_DUE = Deadline(_("自收到不合格检验结论之日起15日内可提出异议（申请复检）"), sampling.objection_due,
                         legal=True)

register(Workflow(
    name="sample", model=Sample, states=SAMPLE_STATES, bar=[PENDING, NONCONFORMING, NOTIFIED, OBJECTED, RETESTED],
    final=[CONFORMING, RETESTED], state_of=sample_state, state_q=_by_state(SAMPLE_Q),
    steps=[
        # The lab's report, not the unit, is awaited while a sample is pending: neither is on the desk.
        Step("conforming", _("登记合格结论"), (PENDING,), SAMPLE_OWNER, target=CONFORMING,
             form=forms.SampleConformingForm, run=sampling.result_body(Result.CONFORMING), assignee=SAMPLER,
             event="sample.result", style="outline-success", done=_("已登记检验结论：合格。"), on_desk=False),
        Step("nonconforming", _("登记不合格结论"), (PENDING,), SAMPLE_OWNER, target=NONCONFORMING,
             form=forms.SampleNonconformingForm, run=sampling.result_body(Result.NONCONFORMING), assignee=SAMPLER,
             event="sample.result", style="outline-danger", done=_("已登记检验结论：不合格，已启动核查处置。"),
             on_desk=False),
        Step("notify", _("告知不合格结论"), (NONCONFORMING,), SAMPLE_OWNER, target=NOTIFIED,
             form=forms.SampleNoticeForm, run=sampling.notify_body, assignee=SAMPLER, event="sample.notify",
             done=_("已登记告知日期，异议期自该日起算。")),
        Step("object", _("登记异议"), (NOTIFIED,), SAMPLE_OWNER, target=OBJECTED, form=forms.ObjectionForm,
             run=sampling.object_body, when=WINDOW_OPEN, assignee=SAMPLER, deadline=OBJECTION_DUE,
             event="sample.objection", style="outline-warning", done=_("已登记异议，待复检。")),
        Step("retest", _("登记复检结果"), (OBJECTED,), SAMPLE_OWNER, target=RETESTED, form=forms.RetestForm,
             run=sampling.retest_body, assignee=SAMPLER, event="sample.retest",
             done=_("已登记复检结果，以复检结论为准。")),
    ]))

# -- disposals of nonconforming batches --------------------------------------------------------------------
OPEN, RECALLING, RECALLED = "open", "recalling", "recalled"
DISPOSAL_STATES = [(OPEN, _("核查处置中")), (RECALLING, _("召回中")), (RECALLED, _("召回完成"))]
ANY_DISPOSAL = (OPEN, RECALLING, RECALLED)


def disposal_state(item: Disposal) -> str:
    if item.recall_completed_on:
        return RECALLED
    return RECALLING if item.recall_ordered_on else OPEN


DISPOSAL_Q = {
    RECALLED: Q(recall_completed_on__isnull=False),
    RECALLING: Q(recall_completed_on__isnull=True, recall_ordered_on__isnull=False),
    OPEN: Q(recall_completed_on__isnull=True, recall_ordered_on__isnull=True),
}
DISPOSER = d.unit_at("unit", _("处置单位"))
DISPOSAL_OWNER = r.may("change")


def once(field: str, what: Any) -> r.Rule:
    """A dated step taken once (a correction goes through the edit page)."""
    return r.record(lambda item: getattr(item, field) is None,
                    lambda u, item, s: _gettext("已登记%(what)s（%(d)s），如需更正请编辑处置记录。")
                    % {"what": what, "d": getattr(item, field)})


def dated(name: str, label: Any, form: type, sources: Sequence[str], **kwargs: Any) -> Step:
    return Step(name, label, tuple(sources), DISPOSAL_OWNER, form=form, run=disposal.step_body(name),
                assignee=DISPOSER, event=f"disposal.{name}", **kwargs)


register(Workflow(
    name="disposal", model=Disposal, states=DISPOSAL_STATES, bar=[OPEN, RECALLING, RECALLED],
    state_of=disposal_state, state_q=_by_state(DISPOSAL_Q),
    steps=[
        dated("cause_analysis", _("登记原因分析"), forms.DisposalCauseForm, ANY_DISPOSAL,
              when=once("cause_analysis_on", _("原因分析")), done=_("已登记原因分析。")),
        dated("recall_ordered", _("责令召回"), forms.DisposalRecallOrderForm, (OPEN,), target=RECALLING,
              style="outline-warning", done=_("已登记责令召回。")),
        dated("recall_returned", _("登记召回完成"), forms.DisposalRecallReturnForm, (RECALLING,), target=RECALLED,
              style="success", done=_("已登记召回完成情况。")),
        dated("flow_traced", _("登记流向排查"), forms.DisposalTraceForm, ANY_DISPOSAL,
              when=once("flow_traced_on", _("流向排查")), done=_("已登记流向排查，并通报批次流入的其他地市。")),
        dated("case_opened", _("登记立案"), forms.DisposalCaseForm, ANY_DISPOSAL,
              when=once("case_opened_on", _("立案")), style="outline-primary", done=_("已登记立案。"), on_desk=False),
        dated("exposed", _("登记曝光"), forms.DisposalExposureForm, ANY_DISPOSAL,
              when=once("exposed_on", _("曝光")), style="outline-primary", done=_("已登记曝光。"), on_desk=False),
        # Ledgers imported after the trace may reach further cities: told again, only the new ones.
        Step("notify_downstream", _("通报下游地市"), ANY_DISPOSAL, DISPOSAL_OWNER, run=disposal.tell_downstream_body,
             when=r.record(lambda item: item.flow_traced_on is not None, _("请先登记流向排查。")),
             assignee=DISPOSER, event="disposal.notify_downstream", style="outline-secondary",
             done=_("已按最新购销台账通报下游地市。"), on_desk=False),
    ]))

# -- covert visits: the visited city answers, the province verifies ----------------------------------------
V_OPEN, V_RESPONDED, V_VERIFIED = "open", "responded", "verified"
VISIT_STATES = [(V_OPEN, _("待市反馈")), (V_RESPONDED, _("已反馈待核查")), (V_VERIFIED, _("已核查销号"))]


def visit_state(visit: CovertVisit) -> str:
    if visit.verified_on:
        return V_VERIFIED
    return V_RESPONDED if visit.responded_on else V_OPEN


VISIT_Q = {
    V_VERIFIED: Q(verified_on__isnull=False),
    V_RESPONDED: Q(verified_on__isnull=True, responded_on__isnull=False),
    V_OPEN: Q(verified_on__isnull=True, responded_on__isnull=True),
}
VISITED_CITY = d.city_office(_("被检查市专项工作组办公室"))  # the visit's region is the visited city


def _answers_for_city(user: Any, visit: CovertVisit) -> bool:
    unit = getattr(user, "unit", None)
    return unit is not None and unit.is_office and (
        unit.is_provincial_office or visit.visited_city_id in unit.covered_city_ids())


RESPONDER = r.role("change") & r.Rule(_answers_for_city, _("只有被检查市的专项办可以反馈整改情况。"))
PROVINCE = r.provincial_office("review")

register(Workflow(
    name="covert_visit", model=CovertVisit, states=VISIT_STATES, bar=[V_OPEN, V_RESPONDED, V_VERIFIED],
    final=[V_VERIFIED], state_of=visit_state, state_q=_by_state(VISIT_Q),
    steps=[
        Step("respond", _("反馈整改情况"), (V_OPEN,), RESPONDER, target=V_RESPONDED, form=forms.RespondForm,
             run=visits.respond_body, assignee=VISITED_CITY,
             deadline=Deadline(_("反馈期限"), lambda visit: visit.response_due), event="covert_visit.respond",
             done=_("已反馈整改情况，待省专项办核查。")),
        Step("verify", _("核查销号"), (V_RESPONDED,), PROVINCE, target=V_VERIFIED, form=forms.VisitVerifyForm,
             run=visits.verify_body, assignee=d.provincial_office(), also_tell=VISITED_CITY,
             event="covert_visit.verify", style="success", done=_("已核查销号。")),
        Step("return", _("退回重新整改"), (V_RESPONDED,), PROVINCE, target=V_OPEN, form=forms.VisitReturnForm,
             run=visits.return_body, assignee=d.provincial_office(), event="covert_visit.return",
             style="outline-danger", done=_("已退回，待被检查市重新反馈。"), on_desk=False),
    ]))

# -- a scheduling meeting's tasks: the assigned unit reports, the convening side confirms or returns it ------
T_OPEN, T_REPORTED, T_CLOSED = "open", "reported", "closed"
TASK_STATES = [(T_OPEN, _("待办理")), (T_REPORTED, _("已报告待确认")), (T_CLOSED, _("已办结"))]
TASK_Q = {T_OPEN: Q(done_on__isnull=True), T_REPORTED: Q(done_on__isnull=False, confirmed_on__isnull=True),
          T_CLOSED: Q(confirmed_on__isnull=False)}
TASK_UNIT = d.unit_at("assignee", _("承办单位"))
CONVENER = d.unit_at("meeting__unit", _("召集单位"))


def task_state(task: MeetingTask) -> str:
    if task.confirmed_on:
        return T_CLOSED
    return T_REPORTED if task.done_on else T_OPEN


register(Workflow(
    name="meeting_task", model=MeetingTask, states=TASK_STATES, bar=[T_OPEN, T_REPORTED, T_CLOSED],
    final=[T_CLOSED], state_of=task_state, state_q=_by_state(TASK_Q),
    steps=[
        Step("complete", _("报告完成情况"), (T_OPEN,), r.unit_at("assignee", _("承办单位")), target=T_REPORTED,
             form=forms.MeetingTaskReportForm, run=meetings.complete_body, assignee=TASK_UNIT,
             deadline=Deadline(_("会议议定的完成期限"), lambda task: task.deadline),
             event="meeting_task.complete", style="success", done=_("已报告完成情况，待召集单位确认。")),
        Step("confirm", _("确认办结"), (T_REPORTED,), r.may("change"), target=T_CLOSED,
             form=forms.MeetingTaskConfirmForm, run=meetings.confirm_body, assignee=CONVENER, also_tell=TASK_UNIT,
             event="meeting_task.confirm", style="success", done=_("已确认办结。")),
        Step("reopen", _("退回重办"), (T_REPORTED,), r.may("change"), target=T_OPEN, form=ReasonForm,
             run=meetings.reopen_body, assignee=CONVENER, event="meeting_task.reopen", style="outline-danger",
             done=_("已退回，待承办单位重新报告。"), on_desk=False),
    ]))

# -- bulletins and urgent reports: each receiving unit signs for it once ----------------------------------------
SENT = "sent"


def _recipient_units(bulletin: Bulletin) -> Any:
    return bulletin.recipients.all()


def _unsigned_for(user: Any) -> Q | None:
    """The bulletins sent to the user's unit that it has not signed for (its work desk)."""
    unit_id = getattr(user, "unit_id", None)
    if unit_id is None:
        return None
    sent_to = Bulletin.recipients.through.objects.filter(unit_id=unit_id).values("bulletin_id")
    signed = BulletinReceipt.objects.filter(unit_id=unit_id).values("bulletin_id")
    return Q(pk__in=sent_to) & ~Q(pk__in=signed)


RECEIVING = d.Assignee(str(_("接收单位")), _recipient_units, _unsigned_for)
IS_RECIPIENT = r.Rule(lambda u, b: getattr(u, "unit_id", None) is not None
                      and b.recipients.filter(pk=u.unit_id).exists(), _("仅接收单位可以签收。"))
NOT_SIGNED = r.Rule(lambda u, b: not bulletins.signed_by_unit(b, getattr(u, "unit_id", None)),
                    _("本单位已签收。"))

register(Workflow(
    name="bulletin", model=Bulletin, states=[(SENT, _("已发送"))], bar=[SENT], state_of=lambda b: SENT,
    state_q=lambda states: Q() if SENT in states else Q(pk__in=[]),
    steps=[
        Step("read", _("签收"), (SENT,), IS_RECIPIENT & NOT_SIGNED, run=bulletins.read_body, assignee=RECEIVING,
             event="bulletin.read", style="success", done=_("已签收。")),
    ]))

# -- fast-track tests of a case's evidence: the handling unit records the institution's result ------------------
F_REQUESTED, F_REPORTED = "requested", "reported"

register(Workflow(
    name="fast_test", model=FastTest, states=[(F_REQUESTED, _("检验中")), (F_REPORTED, _("已出具结果"))],
    bar=[F_REQUESTED, F_REPORTED], final=[F_REPORTED],
    state_of=lambda t: F_REPORTED if t.result_on else F_REQUESTED,
    state_q=_by_state({F_REQUESTED: Q(result_on__isnull=True), F_REPORTED: Q(result_on__isnull=False)}),
    steps=[
        Step("result", _("登记检验结果"), (F_REQUESTED,), r.may("change"), target=F_REPORTED,
             form=forms.FastTestResultForm, run=fasttests.result_body,
             assignee=d.unit_at("case__unit", _("案件承办单位")),
             deadline=Deadline(_("快鉴快检要求出具结果日期"), lambda t: t.deadline), event="fast_test.result",
             style="success", done=_("已登记检验结果，案件页面可见。")),
    ]))
