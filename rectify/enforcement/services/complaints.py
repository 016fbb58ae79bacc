"""Complaints and tips: receipt (with legal clocks and registry matching), the 12315 import,
decision, verification, and the lead a complaint becomes."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rectify.core.generic.importing import RowError
from rectify.core.generic.services import ensure_in_scope, object_update, require_unit
from rectify.core.security.validators import normalise_uscc
from rectify.core.workflow.engine import perform
from rectify.enterprises.models import Enterprise
from rectify.enterprises.signals import risk_inputs_changed

from ..importing import read_12315
from ..models import Complaint, Lead
from ..workdays import add_working_days
from .common import event, today

ACCEPT_DAYS = 7   # 市场监督管理投诉举报处理暂行办法 art. 15: decide on a complaint in 7 working days
VERIFY_DAYS = 15  # art. 31: verify a tip in 15 working days


def match_enterprise(*, credit_code: str = "", name: str = "") -> Enterprise | None:
    """The registry entry for a complaint's subject: by credit code first, else by exact name
    (only when exactly one enterprise has it — a guess would file the complaint on the wrong firm)."""
    code = normalise_uscc(credit_code)
    if code:
        found = Enterprise.objects.filter(credit_code=code, merged_into__isnull=True).first()
        if found:
            return found
    name = (name or "").strip()
    if name:
        matches = list(Enterprise.objects.filter(name=name, merged_into__isnull=True)[:2])
        if len(matches) == 1:
            return matches[0]
    return None


def apply_clocks(complaint: Complaint) -> None:
    if complaint.kind == Complaint.Kind.TIP:
        complaint.accept_due = None
        complaint.verify_due = add_working_days(complaint.received_on, VERIFY_DAYS)
    else:
        complaint.accept_due = add_working_days(complaint.received_on, ACCEPT_DAYS)
        complaint.verify_due = None


def prepare_complaint(complaint: Complaint) -> None:
    """Derived fields of a new complaint (also used by the importer's bulk path)."""
    if complaint.enterprise_id is None:
        complaint.enterprise = match_enterprise(credit_code=complaint.subject_credit_code, name=complaint.subject_name)
    if complaint.enterprise_id and not complaint.subject_name:
        complaint.subject_name = complaint.enterprise.name
    if complaint.anonymous:
        # An anonymous tip keeps no identity at all, not even encrypted.
        complaint.reporter_name = complaint.reporter_id_number = ""
    apply_clocks(complaint)


@transaction.atomic
def complaint_receive(*, unit, actor, **fields: Any) -> Complaint:
    require_unit(actor, unit)
    complaint = Complaint(unit=unit, **fields)
    prepare_complaint(complaint)
    complaint.fill_scope()
    complaint.full_clean()
    complaint.save()
    ensure_in_scope(complaint, actor)
    event(actor, "complaint.receive", complaint, detail={"accept_due": str(complaint.accept_due or ""),
                                                         "verify_due": str(complaint.verify_due or "")})
    risk_inputs_changed.send(sender=Complaint, enterprise_ids=[complaint.enterprise_id])
    return complaint


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)


def complaints_import_12315(*, name: str, data: bytes, unit, actor, batch: int = 2000) -> ImportResult:
    """A 12315 export as complaints of `unit`, read and checked by `importing.read_12315`: the rows
    that pass are written in one transaction with their legal clocks and registry match, the others
    are reported; a number imported before is reported, not doubled."""
    require_unit(actor, unit)
    checked = read_12315(name=name, data=data, unit=unit)
    for complaint in checked.complaints:
        prepare_complaint(complaint)
    with transaction.atomic():
        for start in range(0, len(checked.complaints), batch):
            Complaint.objects.bulk_create(checked.complaints[start:start + batch])
        risk_inputs_changed.send(sender=Complaint, enterprise_ids=[c.enterprise_id for c in checked.complaints])
        event(actor, "complaint.import_12315", detail={"unit": unit.code, "created": len(checked.complaints),
                                                       "failed_rows": len({e.row for e in checked.errors})})
    return ImportResult(created=len(checked.complaints), errors=checked.errors)


def complaint_create(*, model, data: dict, actor) -> Complaint:
    """ModelConfig.create: the generic add page and API go through complaint_receive."""
    data = dict(data)
    return complaint_receive(unit=data.pop("unit"), actor=actor, **data)


@transaction.atomic
def complaint_update(*, obj: Complaint, data: dict, actor, expected_version: int | None = None) -> Complaint:
    # Personal fields left empty on the form mean "unchanged": the form never shows them to
    # users outside the handling unit, so an empty value must not wipe them.
    data = {k: v for k, v in data.items() if not (k in Complaint.PERSONAL_FIELDS and v in ("", None))}
    before = Complaint.objects.filter(pk=obj.pk).values_list("enterprise_id", flat=True).first()
    obj = object_update(obj=obj, data=data, actor=actor, expected_version=expected_version)
    risk_inputs_changed.send(sender=Complaint, enterprise_ids=[before, obj.enterprise_id])
    if "received_on" in data or "kind" in data:
        apply_clocks(obj)
        obj.save(update_fields=["accept_due", "verify_due"])
    return obj


def complaint_decide(*, complaint: Complaint, accept: bool, actor, reason: str = "",
                     decided_on: datetime.date | None = None) -> Complaint:
    values = {"decided_on": decided_on, **({} if accept else {"reason": reason})}
    return perform(complaint, "accept" if accept else "reject", actor=actor,
                   values={k: v for k, v in values.items() if v not in (None, "")})


def decide_body(complaint: Complaint, actor, values: dict[str, Any]) -> None:
    """受理 / 不予受理 (the step's target says which)."""
    accept = "reason" not in values
    complaint.decision = Complaint.Decision.ACCEPTED if accept else Complaint.Decision.REJECTED
    complaint.decided_on = values.get("decided_on") or today()
    complaint.decision_reason = values.get("reason", "").strip()
    complaint.full_clean()


def complaint_verify(*, complaint: Complaint, result: str, actor,
                     verified_on: datetime.date | None = None) -> Complaint:
    values = {"result": result, **({"verified_on": verified_on} if verified_on else {})}
    return perform(complaint, "verify", actor=actor, values=values)


def verify_body(complaint: Complaint, actor, values: dict[str, Any]) -> None:
    complaint.verified_on = values.get("verified_on") or today()
    complaint.verification_result = values["result"]


def complaint_close(*, complaint: Complaint, reply: str, actor, closed_on: datetime.date | None = None,
                    mediation_result: str = "") -> Complaint:
    values = {"reply": reply, **({"closed_on": closed_on} if closed_on else {}),
              **({"mediation_result": mediation_result} if mediation_result else {})}
    return perform(complaint, "close", actor=actor, values=values)


def close_body(complaint: Complaint, actor, values: dict[str, Any]) -> None:
    """办结: the reply given to the complainant and, for an accepted complaint, how its mediation ended
    (or what was done on a tip, which is not mediated)."""
    result = values.get("mediation_result") or ""
    if complaint.kind == Complaint.Kind.COMPLAINT and not result:
        raise ValidationError({"mediation_result": _("投诉办结须填写调解结果。")})
    if complaint.kind == Complaint.Kind.TIP and result:
        raise ValidationError({"mediation_result": _("举报不经调解，不填写调解结果。")})
    complaint.mediation_result = result
    complaint.reply = values["reply"].strip()
    complaint.closed_on = values.get("closed_on") or today()
    complaint.full_clean()


def complaint_lead_ready(complaint: Complaint) -> bool:
    """A complaint once accepted, a tip unless closed, may become a lead, and only one: a second
    would file the same matter twice."""
    ready = complaint.status == Complaint.Status.ACCEPTED or (
        complaint.kind == Complaint.Kind.TIP
        and complaint.status in (Complaint.Status.RECEIVED, Complaint.Status.VERIFIED))
    return ready and not complaint.leads.exists()


def complaint_to_lead(*, complaint: Complaint, description: str, actor) -> Lead:
    return perform(complaint, "to_lead", actor=actor, values={"description": description})


def to_lead_body(complaint: Complaint, actor, values: dict[str, Any]) -> Lead:
    """A complaint or tip becomes a lead of the handling unit. The lead carries no personal data:
    it may travel to other units, the complaint does not."""
    lead = Lead(unit=complaint.unit, source=Lead.Source.COMPLAINT, complaint=complaint,
                description=values["description"], enterprise=complaint.enterprise,
                product_category=complaint.product_category)
    lead.full_clean()
    lead.save()
    ensure_in_scope(lead, actor)
    event(actor, "lead.create", lead, detail={"complaint": complaint.pk})
    return lead
