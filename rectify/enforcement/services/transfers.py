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

from rectify.core.workflow.engine import bump, perform
from rectify.core.workflow.notices import announce
from rectify.organisations.models import Line, Unit

from ..models import Case, Lead, Transfer
from .common import event, today


def is_police(unit: Unit) -> bool:
    return unit.department.line == Line.POLICE


def lead_transfer(*, lead: Lead, to_unit: Unit, reason: str, actor) -> Transfer:
    step = "transfer_police" if is_police(to_unit) else "transfer"
    perform(lead, step, actor=actor, values={"to_unit": to_unit, "reason": reason})
    return lead.transfers.order_by("-id").first()


def lead_transfer_body(lead: Lead, actor, values: dict) -> Lead:
    to_unit, reason = values["to_unit"], values["reason"].strip()
    if to_unit.pk == lead.unit_id:
        raise ValidationError({"to_unit": _("不能移送给本单位。")})
    hop = Transfer(unit=lead.unit, lead=lead, to_unit=to_unit, reason=reason, sent_at=timezone.now(),
                   to_police=is_police(to_unit))
    hop.full_clean()
    hop.save()
    lead.pending_unit = to_unit
    event(actor, "transfer.send", hop, detail={"lead": lead.pk, "from": lead.unit.code, "to": to_unit.code})
    announce(hop, actor, reason)
    return lead


@transaction.atomic
def case_transfer(*, case: Case, to_unit: Unit, reason: str, actor) -> Transfer:
    """Send a case to another authority (to the police: 移送公安). Called by case_transition."""
    if to_unit.pk == case.unit_id:
        raise ValidationError({"to_unit": _("不能移送给本单位。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写移送理由。")})
    hop = Transfer(unit=case.unit, case=case, to_unit=to_unit, reason=reason, sent_at=timezone.now(),
                   to_police=is_police(to_unit), prior_status=case.status)
    hop.full_clean()
    hop.save()
    event(actor, "case.transfer", case, detail={"transfer": hop.pk, "to": to_unit.code, "police": hop.to_police})
    announce(hop, actor, reason)
    return hop


def transfer_accept(*, transfer: Transfer, actor, accepted_on: datetime.date | None = None) -> Transfer:
    perform(transfer, "accept", actor=actor, values={"accepted_on": accepted_on} if accepted_on else {})
    return Transfer.objects.get(pk=transfer.pk)


def accept_body(transfer: Transfer, actor, values: dict):
    """The receiver takes the hop: a lead moves to it (its unit, so region and line follow); a case
    stays the sender's record and the receiver keeps seeing it. Returns the record to show next."""
    transfer.answered_on = values.get("accepted_on") or today()
    if transfer.lead_id:
        lead = Lead.objects.select_for_update().get(pk=transfer.lead_id)
        lead.unit = transfer.to_unit  # save() re-derives region/county/line from the new owner
        lead.pending_unit = None
        lead.status = Lead.Status.OPEN
        bump(lead)
        event(actor, "lead.accept", lead, detail={"transfer": transfer.pk, "unit": transfer.to_unit.code})
        return lead
    event(actor, "case.transfer_accept", transfer.case, detail={"transfer": transfer.pk})
    return transfer.case


def transfer_return(*, transfer: Transfer, reason: str, actor, returned_on: datetime.date | None = None) -> Transfer:
    values = {"reason": reason, **({"returned_on": returned_on} if returned_on else {})}
    perform(transfer, "return", actor=actor, values=values)
    return Transfer.objects.get(pk=transfer.pk)


def return_body(transfer: Transfer, actor, values: dict) -> Transfer:
    reason = values["reason"].strip()
    transfer.return_reason = reason
    transfer.answered_on = values.get("returned_on") or today()
    if transfer.lead_id:
        lead = Lead.objects.select_for_update().get(pk=transfer.lead_id)
        lead.pending_unit = None
        lead.status = Lead.Status.OPEN
        bump(lead)
        event(actor, "lead.returned", lead, detail={"transfer": transfer.pk, "reason": reason})
    else:
        case = Case.objects.select_for_update().get(pk=transfer.case_id)
        case.status = transfer.prior_status or Case.Status.FILED
        if transfer.to_police:
            case.transferred_to_police = False
            case.transferred_to_police_on = None
        bump(case)
        event(actor, "case.transfer_returned", case, detail={"transfer": transfer.pk, "reason": reason})
    return transfer  # the receiver loses sight of a returned lead; it keeps seeing its hop


def transfer_police_decision(*, transfer: Transfer, opened: bool, actor,
                             decided_on: datetime.date | None = None) -> Transfer:
    """The police's decision on a transferred case or lead: criminal case opened or not (行刑衔接)."""
    values = {"opened": opened, **({"decided_on": decided_on} if decided_on else {})}
    perform(transfer, "police_decision", actor=actor, values=values)
    return Transfer.objects.get(pk=transfer.pk)


def police_decision_body(transfer: Transfer, actor, values: dict) -> Transfer:
    transfer.police_decision = (Transfer.PoliceDecision.OPENED if values["opened"]
                                else Transfer.PoliceDecision.NOT_OPENED)
    transfer.police_decided_on = values.get("decided_on") or today()
    return transfer
