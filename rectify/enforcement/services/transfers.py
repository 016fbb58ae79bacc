"""Leads and transfers (线索移送). Semantics, chosen deliberately:

- A lead *moves*: on acceptance its `unit` becomes the receiver, so region/line follow and the
  sender stops seeing it (unless the receiver is within the sender's scope anyway). While the
  transfer waits, `Lead.pending_unit` lets the receiver see it (ScopeSpec(shared="pending_unit")).
  A lead is a task: one unit at a time must own it, and 附件2 must count it once.
- A case transferred (to the police, typically) *stays* the sender's record — 附件2 counts it as
  移送公安 there — and every receiver keeps seeing it (ScopeSpec(shared="transfers__to_unit")).
Every hop is a `Transfer` row; nothing in the workflow deletes one.
"""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.organisations.models import Line, Unit

from ..models import Case, Lead, Transfer
from .common import event, lock_in_scope, require_own_unit, today


def _is_police(unit: Unit) -> bool:
    return unit.department.line == Line.POLICE


@transaction.atomic
def lead_transfer(*, lead: Lead, to_unit: Unit, reason: str, actor) -> Transfer:
    lead = lock_in_scope(lead, actor)
    if lead.pending_unit_id:
        raise ValidationError(_("该线索正在移送给%(u)s，待对方接收或退回后才能再次移送。") % {"u": lead.pending_unit})
    require_own_unit(actor, lead.unit, _("移送该线索"))
    if lead.status != Lead.Status.OPEN:
        raise ValidationError(_("线索当前为“%(s)s”，不能移送。") % {"s": lead.get_status_display()})
    if to_unit.pk == lead.unit_id:
        raise ValidationError({"to_unit": _("不能移送给本单位。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写移送理由。")})
    hop = Transfer(unit=lead.unit, lead=lead, to_unit=to_unit, reason=reason, sent_at=timezone.now(),
                   to_police=_is_police(to_unit))
    hop.full_clean()
    hop.save()
    lead.pending_unit = to_unit
    lead.status = Lead.Status.IN_TRANSFER
    lead.version += 1
    lead.save()
    event(actor, "lead.transfer", lead, detail={"transfer": hop.pk, "from": lead.unit.code, "to": to_unit.code})
    return hop


@transaction.atomic
def case_transfer(*, case: Case, to_unit: Unit, reason: str, actor) -> Transfer:
    """Send a case to another authority (to the police: 移送公安). Called by case_transition."""
    if to_unit.pk == case.unit_id:
        raise ValidationError({"to_unit": _("不能移送给本单位。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写移送理由。")})
    hop = Transfer(unit=case.unit, case=case, to_unit=to_unit, reason=reason, sent_at=timezone.now(),
                   to_police=_is_police(to_unit), prior_status=case.status)
    hop.full_clean()
    hop.save()
    event(actor, "case.transfer", case, detail={"transfer": hop.pk, "to": to_unit.code, "police": hop.to_police})
    return hop


def _pending_for_receiver(transfer: Transfer, actor, what: str) -> Transfer:
    transfer = lock_in_scope(transfer, actor, "view")
    require_own_unit(actor, transfer.to_unit, what)
    if transfer.status != Transfer.Status.PENDING:
        raise ValidationError(_("该移送已%(s)s，不能再次处理。") % {"s": transfer.get_status_display()})
    return transfer


@transaction.atomic
def transfer_accept(*, transfer: Transfer, actor, accepted_on: datetime.date | None = None) -> Transfer:
    transfer = _pending_for_receiver(transfer, actor, _("接收该移送"))
    transfer.status = Transfer.Status.ACCEPTED
    transfer.answered_on = accepted_on or today()
    transfer.version += 1
    transfer.save()
    if transfer.lead_id:
        lead = Lead.objects.select_for_update().get(pk=transfer.lead_id)
        lead.unit = transfer.to_unit  # save() re-derives region/county/line from the new owner
        lead.pending_unit = None
        lead.status = Lead.Status.OPEN
        lead.version += 1
        lead.save()
        event(actor, "lead.accept", lead, detail={"transfer": transfer.pk, "unit": transfer.to_unit.code})
    else:
        event(actor, "case.transfer_accept", transfer.case, detail={"transfer": transfer.pk})
    event(actor, "transfer.accept", transfer)
    return transfer


@transaction.atomic
def transfer_return(*, transfer: Transfer, reason: str, actor, returned_on: datetime.date | None = None) -> Transfer:
    transfer = _pending_for_receiver(transfer, actor, _("退回该移送"))
    if not reason.strip():
        raise ValidationError({"return_reason": _("退回须说明理由。")})
    transfer.status = Transfer.Status.RETURNED
    transfer.return_reason = reason
    transfer.answered_on = returned_on or today()
    transfer.version += 1
    transfer.save()
    if transfer.lead_id:
        lead = Lead.objects.select_for_update().get(pk=transfer.lead_id)
        lead.pending_unit = None
        lead.status = Lead.Status.OPEN
        lead.version += 1
        lead.save()
        event(actor, "lead.returned", lead, detail={"transfer": transfer.pk, "reason": reason})
    else:
        case = Case.objects.select_for_update().get(pk=transfer.case_id)
        case.status = transfer.prior_status or Case.Status.FILED
        if transfer.to_police:
            case.transferred_to_police = False
            case.transferred_to_police_on = None
        case.version += 1
        case.save()
        event(actor, "case.transfer_returned", case, detail={"transfer": transfer.pk, "reason": reason})
    event(actor, "transfer.return", transfer, detail={"reason": reason})
    return transfer


@transaction.atomic
def transfer_police_decision(*, transfer: Transfer, opened: bool, actor,
                             decided_on: datetime.date | None = None) -> Transfer:
    """The police's decision on a transferred case or lead: criminal case opened or not (行刑衔接)."""
    transfer = lock_in_scope(transfer, actor, "view")
    require_own_unit(actor, transfer.to_unit, _("录入公安立案决定"))
    if not transfer.to_police:
        raise ValidationError(_("只有移送公安的记录才有公安立案决定。"))
    if transfer.status != Transfer.Status.ACCEPTED:
        raise ValidationError(_("请先接收该移送，再录入立案决定。"))
    if transfer.police_decision:
        raise ValidationError(_("公安立案决定已录入（%(d)s），不能重复录入。")
                              % {"d": transfer.get_police_decision_display()})
    transfer.police_decision = Transfer.PoliceDecision.OPENED if opened else Transfer.PoliceDecision.NOT_OPENED
    transfer.police_decided_on = decided_on or today()
    transfer.version += 1
    transfer.save()
    event(actor, "transfer.police_decision", transfer, detail={"decision": transfer.police_decision})
    return transfer
