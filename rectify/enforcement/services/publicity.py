"""Exposure of typical cases (曝光) and joint punishment (联合惩戒)."""
from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rectify.core.generic.services import ensure_in_scope

from ..models import Complaint, CreditRecord, Exposure, JointPunishment, JointPunishmentAction
from .common import event, lock_in_scope, require_office, require_own_unit, require_unit, today

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


@transaction.atomic
def exposure_review(*, exposure: Exposure, actor, reviewed_on: datetime.date | None = None) -> Exposure:
    exposure = lock_in_scope(exposure, actor)
    require_office(actor, _("审核曝光文本"))
    if exposure.status != Exposure.Status.DRAFT:
        raise ValidationError(_("只有草稿可以审核。"))
    _check_public_text(exposure)
    exposure.status = Exposure.Status.REVIEWED
    exposure.reviewed_by = actor.get_username()
    exposure.reviewed_on = reviewed_on or today()
    exposure.version += 1
    exposure.save()
    event(actor, "exposure.review", exposure)
    return exposure


@transaction.atomic
def exposure_publish(*, exposure: Exposure, actor, published_on: datetime.date | None = None) -> Exposure:
    exposure = lock_in_scope(exposure, actor)
    require_office(actor, _("发布典型案例"), action="manage")
    if exposure.status != Exposure.Status.REVIEWED:
        raise ValidationError(_("须先审核，才能发布。"))
    _check_public_text(exposure)  # again: the case's complaints may have changed since review
    exposure.status = Exposure.Status.PUBLISHED
    exposure.published_on = published_on or today()
    exposure.version += 1
    exposure.save()
    event(actor, "exposure.publish", exposure)
    return exposure


@transaction.atomic
def exposure_withdraw(*, exposure: Exposure, reason: str, actor) -> Exposure:
    """Take a reviewed or published typical case back to draft (off the public pages) so that its
    text can change; it is then reviewed again before it is published again."""
    exposure = lock_in_scope(exposure, actor)
    require_office(actor, _("撤回典型案例"), action="manage")
    if exposure.status == Exposure.Status.DRAFT:
        raise ValidationError(_("草稿无须撤回。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤回原因。")})
    previous = exposure.status
    exposure.status = Exposure.Status.DRAFT
    exposure.reviewed_by, exposure.reviewed_on, exposure.published_on = "", None, None
    exposure.version += 1
    exposure.save()
    event(actor, "exposure.withdraw", exposure, detail={"from": previous, "reason": reason.strip()})
    return exposure


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
    ensure_in_scope(decision, actor)
    CreditRecord.objects.create(unit=unit, enterprise=enterprise, case=case, kind=CreditRecord.Kind.JOINT,
                                recorded_on=decision.decided_on, summary=_("联合惩戒：%(b)s") % {"b": basis})
    event(actor, "joint_punishment.decide", decision, detail={"actions": len(actions)})
    return decision


@transaction.atomic
def joint_action_done(*, action: JointPunishmentAction, text: str, actor,
                      done_on: datetime.date | None = None) -> JointPunishmentAction:
    action = lock_in_scope(action, actor)
    require_own_unit(actor, action.unit, _("填报该惩戒措施的落实情况"))
    if action.done_on is not None:
        raise ValidationError(_("该惩戒措施已于%(d)s填报落实情况。") % {"d": action.done_on.isoformat()})
    action.action = text
    action.done_on = done_on or today()
    action.version += 1
    action.save()
    event(actor, "joint_punishment.action_done", action)
    punishment = action.punishment
    if not punishment.actions.filter(done_on__isnull=True).exists():
        punishment.status = JointPunishment.Status.DONE
        punishment.version += 1
        punishment.save()
    return action
