"""The deliverables' workflow (core/workflow): the city office starts on its deliverable and reports it
done with its evidence, by the deliverable's due date; the provincial office confirms it or returns
it with a reason, and the city reports again. The city's open deliverables are on its office's work
desk with their due dates (and reminders before and after them); the reports awaiting confirmation
are on the provincial office's."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rectify.core.workflow import declare as d
from rectify.core.workflow import rules as r
from rectify.core.workflow.declare import Deadline, Step, Workflow, register
from rectify.core.workflow.forms import ReasonForm

from . import forms, services
from .models import CityDeliverable

S = CityDeliverable.Status

CITY_OFFICE = d.unit_at("unit", _("市专项工作组办公室"))
PROVINCE = d.provincial_office()
# The city's own office reports; a unit above it (the province) does not report on its behalf.
BY_CITY_OFFICE = r.unit_at("unit")
BY_PROVINCE = r.provincial_office("review")
DUE = Deadline(_("阶段任务完成期限"), lambda row: row.due)

register(Workflow(
    name="deliverable", model=CityDeliverable, states=S.choices, bar=[S.OPEN, S.IN_PROGRESS, S.REPORTED, S.DONE],
    final=[S.DONE],
    # 报告完成 first: a city office told of a new deliverable is told what it must do.
    steps=[
        Step("report", _("报告完成"), (S.OPEN, S.IN_PROGRESS), BY_CITY_OFFICE, target=S.REPORTED,
             form=forms.DeliverableReportForm, run=services.report_body, assignee=CITY_OFFICE, deadline=DUE,
             event="deliverable.report", style="success", done=_("已报告完成，待省专项工作组办公室确认。")),
        Step("start", _("开始办理"), (S.OPEN,), BY_CITY_OFFICE, target=S.IN_PROGRESS, assignee=CITY_OFFICE,
             event="deliverable.start", style="outline-primary", done=_("已标记为进行中。"), on_desk=False),
        Step("confirm", _("确认完成"), (S.REPORTED,), BY_PROVINCE, target=S.DONE, form=forms.DeliverableConfirmForm,
             run=services.confirm_body, assignee=PROVINCE, also_tell=CITY_OFFICE, event="deliverable.confirm",
             style="success", done=_("已确认完成。")),
        Step("return", _("退回"), (S.REPORTED,), BY_PROVINCE, target=S.IN_PROGRESS, form=ReasonForm,
             run=services.return_body, assignee=PROVINCE, event="deliverable.return", style="outline-danger",
             done=_("已退回，待该市重新报告。"), on_desk=False),
    ]))
