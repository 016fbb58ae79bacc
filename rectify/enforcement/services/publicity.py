"""Exposure of typical cases (曝光) and joint punishment (联合惩戒)."""
from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rectify.core.generic.services import ensure_in_scope, require_unit
from rectify.core.workflow.engine import bump, perform
from rectify.core.workflow.notices import announce

from ..models import Complaint, CreditRecord, Exposure, JointPunishment, JointPunishmentAction
from .common import event, require_office, today

PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{6}(19|20)\d{2}(0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?![0-9A-Za-z])")


def personal_data_in(text: str, exposure: Exposure) -> list[str]:
    """What in `text` looks like personal data: phone and ID numbers, and the names of the
    reporters of the complaints behind the case."""
    found = []
    if PHONE.search(text):
        found.append(_("手机号码"))
    if ID_NUMBER.search(text):
        found.append(_("身份证号码"))
    case = exposure.case
    if case is not None:
        complaint_ids = {case.source_complaint_id}
        if case.source_lead_id:
            complaint_ids.add(case.source_lead.complaint_id)
        for complaint in Complaint.objects.filter(pk__in=[c for c in complaint_ids if c]):
            for value in (complaint.reporter_name, complaint.reporter_phone, complaint.reporter_id_number):
                if value and value in text:
                    found.append(_("投诉举报人信息"))
                    break
    return found


def _check_public_text(exposure: Exposure) -> None:
    found = personal_data_in(f"{exposure.title}\n{exposure.public_text}", exposure)
    if found:
        raise ValidationError({"public_text": _("公开文本含有个人信息（%(what)s），请删除后再审核发布。")
                               % {"what": "、".join(dict.fromkeys(found))}})


def exposure_review(*, exposure: Exposure, actor, reviewed_on: datetime.date | None = None) -> Exposure:
    perform(exposure, "review", actor=actor, values={"reviewed_on": reviewed_on} if reviewed_on else {})
    return Exposure.objects.get(pk=exposure.pk)


def review_body(exposure: Exposure, actor, values: dict) -> None:
    _check_public_text(exposure)
    exposure.reviewed_by = actor.get_username()
    exposure.reviewed_on = values.get("reviewed_on") or today()


def exposure_publish(*, exposure: Exposure, actor, published_on: datetime.date | None = None) -> Exposure:
    perform(exposure, "publish", actor=actor, values={"published_on": published_on} if published_on else {})
    return Exposure.objects.get(pk=exposure.pk)


def publish_body(exposure: Exposure, actor, values: dict) -> None:
    _check_public_text(exposure)  # again: the case's complaints may have changed since review
    exposure.published_on = values.get("published_on") or today()


def exposure_withdraw(*, exposure: Exposure, reason: str, actor) -> Exposure:
    """Take a reviewed or published typical case back to draft (off the public pages) so that its
    text can change; it is then reviewed again before it is published again."""
    perform(exposure, "withdraw", actor=actor, values={"reason": reason})
    return Exposure.objects.get(pk=exposure.pk)


def withdraw_body(exposure: Exposure, actor, values: dict) -> None:
    exposure.reviewed_by, exposure.reviewed_on, exposure.published_on = "", None, None


@transaction.atomic
def joint_punishment_decide(*, unit, enterprise, basis: str, actions: list[tuple], actor, case=None,
                            decided_on: datetime.date | None = None) -> JointPunishment:
    """A joint decision with each department's measure: `actions` is [(acting unit, measure), ...].
    Also written into the enterprise's credit record."""
    require_unit(actor, unit)
    require_office(actor, _("作出联合惩戒决定"), action="manage")
    if not actions:
        raise ValidationError(_("联合惩戒须至少包含一个部门的惩戒措施。"))
    decision = JointPunishment(unit=unit, enterprise=enterprise, case=case, basis=basis,
                               decided_on=decided_on or today())
    decision.full_clean()
    decision.save()
    for acting_unit, measure in actions:
        action = JointPunishmentAction(punishment=decision, unit=acting_unit, measure=measure)
        action.fill_scope()
        action.full_clean()
        action.save()
        announce(action, actor, basis)
    ensure_in_scope(decision, actor)
    CreditRecord.objects.create(unit=unit, enterprise=enterprise, case=case, kind=CreditRecord.Kind.JOINT,
                                recorded_on=decision.decided_on, summary=_("联合惩戒：%(b)s") % {"b": basis})
    event(actor, "joint_punishment.decide", decision, detail={"actions": len(actions)})
    return decision


def joint_action_done(*, action: JointPunishmentAction, text: str, actor,
                      done_on: datetime.date | None = None) -> JointPunishmentAction:
    perform(action, "done", actor=actor, values={"text": text, **({"done_on": done_on} if done_on else {})})
    return JointPunishmentAction.objects.get(pk=action.pk)


def action_done_body(action: JointPunishmentAction, actor, values: dict) -> None:
    action.action = values["text"]
    action.done_on = values.get("done_on") or today()
    action.full_clean()
    punishment = JointPunishment.objects.select_for_update().get(pk=action.punishment_id)
    if not punishment.actions.filter(done_on__isnull=True).exclude(pk=action.pk).exists():
        punishment.status = JointPunishment.Status.DONE
        bump(punishment)
