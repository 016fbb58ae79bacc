"""What the public may read: published notices and guidance, the tracking of a complaint or an
enterprise's request, the directory of testing bodies, an enterprise's registration and
qualifications, a certificate. Every look-up returns plain dicts built from an allow-list of fields
(the `*_PUBLIC_FIELDS` below), so a template can never reach an internal attribute by accident."""
from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from rectify.core import clock
from rectify.core.security.validators import normalise_uscc
from rectify.enforcement.models import Complaint, CreditRecord
from rectify.enforcement.workdays import MEDIATION_DAYS, add_working_days
from rectify.enterprises.models import Enterprise, Qualification
from rectify.fieldwork.models import TestingInstitution
from rectify.prices.models import GuidanceDocument, Notice, ServiceRequest
from rectify.targeting.services import public_certificate_lookup

from .models import ComplaintTracking


def published_notices() -> QuerySet:
    return Notice.objects.filter(published=True).only("id", "kind", "title", "body", "published_on")


def published_guidance() -> QuerySet:
    return GuidanceDocument.objects.filter(published=True).only("id", "title", "standard_codes", "body",
                                                                 "published_on")


# Public view of a complaint: these fields only. No content, no reporter, no unit staff, no
# verification text (it may name third parties). The reply and the mediation's result are written
# to the complainant, whose tracking code opens this view.
COMPLAINT_PUBLIC_FIELDS = ("kind", "status", "received_on", "decided_on", "verified_on", "handling_office",
                           "mediation_due", "mediation_result", "reply", "closed_on")


def complaint_status(code: str) -> dict[str, Any] | None:
    code = (code or "").strip().upper()
    if len(code) < 12:
        return None
    tracking = (ComplaintTracking.objects.select_related("complaint", "complaint__unit")
                .filter(code_hash=ComplaintTracking.hash_of(code)).first())
    if tracking is None:
        return None
    c = tracking.complaint
    closed = c.status == Complaint.Status.CLOSED
    mediating = c.kind == Complaint.Kind.COMPLAINT and c.decision == Complaint.Decision.ACCEPTED
    return {"kind": c.get_kind_display(), "status": c.get_status_display(), "received_on": c.received_on,
            "decided_on": c.decided_on, "verified_on": c.verified_on, "handling_office": c.unit.name,
            # the 45-working-day mediation clock of an accepted complaint (SAMR order 20 of 2019)
            "mediation_due": add_working_days(c.decided_on, MEDIATION_DAYS) if mediating and c.decided_on else None,
            "mediation_result": c.get_mediation_result_display() if closed and c.mediation_result else "",
            "reply": c.reply if closed else "", "closed_on": c.closed_on if closed else None}


SERVICE_REQUEST_PUBLIC_FIELDS = ("enterprise", "kind", "title", "received_on", "status", "answer", "answered_on",
                                 "department")


def service_request_status(code: str) -> dict[str, Any] | None:
    code = (code or "").strip().upper()
    if len(code) < 8:
        return None
    obj = ServiceRequest.objects.select_related("enterprise", "unit").filter(tracking_code=code).first()
    if obj is None:
        return None
    return {"enterprise": obj.enterprise.name, "kind": obj.get_kind_display(), "title": obj.title,
            "received_on": obj.received_on, "status": obj.get_status_display(), "answer": obj.answer,
            "answered_on": obj.answered_on, "department": obj.unit.name}


INSTITUTION_PUBLIC_FIELDS = ("name", "kind", "accreditation_number", "scope_text", "jurisdiction", "status",
                             "valid_to", "website")


def directory_search(query: str = "", kind: str = "", limit: int = 50) -> list[dict[str, Any]]:
    qs = TestingInstitution.objects.all()
    if kind in TestingInstitution.Kind.values:
        qs = qs.doing(kind)
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(accreditation_number__icontains=query)
                       | Q(scope_text__icontains=query))
    return [{"name": t.name, "kind": t.get_kinds_display(), "accreditation_number": t.accreditation_number,
             "scope_text": t.scope_text, "jurisdiction": t.get_jurisdiction_display(),
             "status": t.get_status_display(), "valid_to": t.valid_to, "website": t.website}
            for t in qs.order_by("name")[:limit]]


def _qualification_row(q: Qualification, today: datetime.date) -> dict[str, Any]:
    valid = q.valid_to is None or q.valid_to >= today
    return {"kind": q.get_kind_display(), "number": q.number, "issuer": q.issuer, "valid_to": q.valid_to,
            "valid": valid, "enterprise": q.enterprise.name}


def enterprise_check(query: str, limit: int = 10) -> list[dict[str, Any]]:
    """Registration and qualifications of an enterprise by credit code or exact/partial name.
    Public registration facts only: no contacts, phones, legal representative or notes."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    code = normalise_uscc(query)
    qs = Enterprise.objects.filter(merged_into__isnull=True).select_related("region")
    matches = list(qs.filter(credit_code=code)[:1]) if code and len(code) == 18 else []
    if not matches:
        matches = list(qs.filter(name__icontains=query).order_by("name")[:limit])
    today = clock.today()
    out = []
    for e in matches:
        qualifications = e.qualifications.all().select_related("enterprise")
        credit = _public_credit(e, today)
        out.append({"name": e.name, "credit_code": e.credit_code or "", "region": e.region.name,
                    "entity_type": e.get_entity_type_display(), "credit_status": credit["standing"],
                    "penalties": credit["penalties"], "lists": credit["lists"],
                    "qualifications": [_qualification_row(q, today) for q in qualifications]})
    return out


CREDIT_STANDING = {"normal": _("正常"), "abnormal": _("列入经营异常名录"), "serious": _("列入严重违法失信名单")}


def _public_credit(enterprise: Enterprise, today: datetime.date) -> dict[str, Any]:
    """What the credit record publishes (公示) of an enterprise: its penalties (date, decision number,
    amount) and the list entries in force with their restrictions and end date; the standing is the
    gravest list in force that day, read from the records, not from a stored flag."""
    records = list(CreditRecord.objects.filter(enterprise=enterprise, is_public=True).order_by("-recorded_on", "-id"))
    penalties = [{"recorded_on": r.recorded_on, "decision_number": r.decision_number, "amount": r.amount}
                 for r in records if r.kind == CreditRecord.Kind.PENALTY]
    lists = [{"kind": r.get_kind_display(), "recorded_on": r.recorded_on, "restrictions": r.restrictions,
              "ends_on": r.ends_on} for r in records if r.in_force(today)]
    kinds = {r.kind for r in records if r.in_force(today)}
    standing = ("serious" if CreditRecord.Kind.SERIOUS in kinds else
                "abnormal" if CreditRecord.Kind.ABNORMAL in kinds else "normal")
    label = CREDIT_STANDING[standing]
    if standing == "normal" and penalties:
        label = _("正常（有行政处罚记录）")
    return {"standing": label, "penalties": penalties, "lists": lists}


def certificate_check(number: str) -> dict[str, Any]:
    """A certificate or test-report number: the targeting app's public look-up (holder, issuer,
    validity on the day) plus the directory's accreditation numbers."""
    number = (number or "").strip()
    if len(number) < 4:
        return {"number": number, "qualifications": [], "institutions": []}
    found = public_certificate_lookup(number)
    valid = _("有效")  # the look-up's status is translated: compare in the reader's language
    quals = [{"kind": q["kind"], "number": q["number"], "issuer": q["issuer"], "valid_to": q["valid_to"],
              "valid": q["status"] == valid, "status": q["status"], "enterprise": q["holder"]} for q in found]
    insts = TestingInstitution.objects.filter(accreditation_number__iexact=number)[:10]
    return {"number": number, "qualifications": quals,
            "institutions": [{"name": t.name, "kind": t.get_kinds_display(), "status": t.get_status_display(),
                              "valid_to": t.valid_to} for t in insts]}
