"""Certificate and test-report checks.

`certificate_check` is a read-only function returning findings; `certificate_check_record`
stores them as a CertificateCheck attached to the inspection / sample / export check the number
was entered at, flagging it when a finding fails; `certificate_check_to_lead` turns a flag into
an enforcement Lead. `public_certificate_lookup` is for the portal: public facts only."""
from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from rectify.core.audit.events import record_event
from rectify.core.audit.models import Event
from rectify.core.generic.services import ensure_in_scope
from rectify.core.workflow.engine import Outcome, StateConflict, perform
from rectify.enforcement.models import Lead
from rectify.enterprises.models import Qualification
from rectify.fieldwork.models import TestingInstitution

from ..models import CertificateCheck
from ..models.checks import TEST_REPORT
from .common import event, today

ISSUER_ONLY = "issuer_only"  # an export document names a body but no certificate number
# Kinds whose issuer is a certification body listed in the directory (registrations and licences
# are issued by the authorities, which are not in it).
CERTIFIED_KINDS = {Qualification.Kind.CERTIFICATION, Qualification.Kind.EXPORT_CERTIFICATE}


@dataclass(frozen=True)
class Finding:
    code: str
    ok: bool
    message: str


def _institution(institution, name: str):
    if institution is not None:
        return institution
    name = (name or "").strip()
    if not name:
        return None
    return (TestingInstitution.objects.filter(name=name).first()
            or TestingInstitution.objects.filter(name__iexact=name).first())


def _covers(scope_text: str, category) -> bool:
    text = (scope_text or "").lower()
    return any(w and w.lower() in text for w in (category.name, category.name_en, category.code))


def institution_findings(body, *, category=None, on_date: datetime.date, kind: str = "") -> list[Finding]:
    """What the directory says of `body` as the issuer of a document asking for `kind` (a
    TestingInstitution.Kind value; "" for any). A sample's lab is chosen from the testing labs
    only, so "issuer_kind" fails there only for samples recorded before that rule, or whose lab
    stopped testing since; a certificate read by hand names whatever body the document names."""
    out = []
    if kind and not body.does(kind):
        out.append(Finding("issuer_kind", False, _("“%(b)s”在名录中为%(k)s，不能出具该类单证")
                           % {"b": body, "k": body.get_kinds_display()}))
    if not body.accreditation_number:
        out.append(Finding("issuer_accredited", False, _("“%(b)s”无资质认定/批准编号") % {"b": body}))
    if body.status != "valid":
        out.append(Finding("issuer_status", False,
                           _("“%(b)s”资质状态为%(s)s") % {"b": body, "s": body.get_status_display()}))
    elif (body.valid_from and on_date < body.valid_from) or (body.valid_to and on_date > body.valid_to):
        out.append(Finding("issuer_valid", False, _("“%(b)s”资质有效期（%(f)s至%(t)s）不含%(d)s")
                           % {"b": body, "f": body.valid_from or "—", "t": body.valid_to or "—", "d": on_date}))
    else:
        out.append(Finding("issuer_valid", True, _("机构“%(b)s”在名录中且资质有效") % {"b": body}))
    if category is not None:
        if not body.scope_text:
            out.append(Finding("issuer_scope", True, _("名录未登记业务范围，未核对类别")))
        elif _covers(body.scope_text, category):
            out.append(Finding("issuer_scope", True, _("业务范围包含%(c)s") % {"c": category}))
        else:
            out.append(Finding("issuer_scope", False, _("“%(b)s”业务范围不含%(c)s") % {"b": body, "c": category}))
    return out


def _qualification_findings(number: str, kind: str, enterprise, category, on_date, institution,
                            institution_name) -> list[Finding]:
    quals = list(Qualification.objects.filter(number=number).select_related("enterprise")
                 .prefetch_related("categories"))
    if not quals:
        return [Finding("certificate_exists", False,
                        _("证书编号“%(n)s”在资质证照库中不存在（疑似伪造或编号错误）") % {"n": number})]
    # Prefer the row of this kind and enterprise, when several enterprises share a number.
    qual = sorted(quals,
                  key=lambda q: (q.kind != kind, enterprise is None or q.enterprise_id != enterprise.pk, q.pk))[0]
    out = [Finding("certificate_exists", True,
                   _("证书编号存在：%(q)s，持证企业%(e)s") % {"q": qual, "e": qual.enterprise})]
    if qual.kind != kind:
        out.append(Finding("certificate_kind", False,
                           _("该编号为%(k)s，不是所称证书类型") % {"k": qual.get_kind_display()}))
    if qual.valid_from and on_date < qual.valid_from:
        out.append(Finding("certificate_valid", False,
                           _("证书%(d)s尚未生效（自%(f)s起）") % {"d": on_date, "f": qual.valid_from}))
    elif qual.valid_to and on_date > qual.valid_to:
        out.append(Finding("certificate_valid", False, _("证书已于%(t)s过期") % {"t": qual.valid_to}))
    else:
        out.append(Finding("certificate_valid", True, _("证书在%(d)s有效") % {"d": on_date}))
    if enterprise is not None:
        mine = qual.enterprise_id == enterprise.pk or (
            enterprise.credit_code and qual.enterprise.credit_code == enterprise.credit_code)
        out.append(Finding("certificate_holder", bool(mine), _("证书登记在本企业名下") if mine else
                           _("证书登记在“%(o)s”名下，不属于“%(e)s”") % {"o": qual.enterprise, "e": enterprise}))
    if category is not None:
        cats = list(qual.categories.all())
        # Categories registered on the certificate decide; failing that, its scope text.
        ok = (category in cats) if cats else (not qual.scope_text or _covers(qual.scope_text, category))
        out.append(Finding("certificate_category", ok, _("证书范围包含%(c)s") % {"c": category} if ok else
                           _("证书范围不含%(c)s") % {"c": category}))
    if kind in CERTIFIED_KINDS or institution is not None or institution_name:
        body = _institution(institution, institution_name or qual.issuer)
        if body is None:
            out.append(Finding("issuer_exists", False, _("发证机构“%(b)s”不在检验检测认证机构名录中")
                               % {"b": institution_name or qual.issuer or "—"}))
        else:
            out += institution_findings(body, category=category, on_date=on_date, kind="certification")
    return out


def certificate_check(*, number: str, kind: str, on_date: datetime.date, enterprise=None, category=None,
                      institution=None, institution_name: str = "") -> list[Finding]:
    """The findings for one number. Read-only; nothing is stored."""
    number = (number or "").strip()
    if kind in (TEST_REPORT, ISSUER_ONLY):
        out = [] if number or kind == ISSUER_ONLY else [Finding("number", False, _("未填写报告编号"))]
        body = _institution(institution, institution_name)
        if body is None:
            return [*out, Finding("issuer_exists", False, _("出具机构“%(b)s”不在检验检测认证机构名录中")
                                  % {"b": institution_name or "—"})]
        return out + institution_findings(body, category=category, on_date=on_date,
                                          kind="testing" if kind == TEST_REPORT else "")
    if not number:
        return [Finding("number", False, _("未填写证书编号"))]
    return _qualification_findings(number, kind, enterprise, category, on_date, institution, institution_name)


def _kind_for_store(kind: str) -> str:
    return TEST_REPORT if kind == ISSUER_ONLY else kind


@transaction.atomic
def certificate_check_record(*, unit, number: str, kind: str, on_date: datetime.date, actor=None, source=None,
                             enterprise=None, category=None, institution=None,
                             institution_name: str = "") -> CertificateCheck:
    """Check and store. `actor` None = the system (a signal-triggered task), acting as recorded
    by `core.current.acting_as`."""
    findings = certificate_check(number=number, kind=kind, on_date=on_date, enterprise=enterprise, category=category,
                                 institution=institution, institution_name=institution_name)
    failed = [f for f in findings if not f.ok]
    check = CertificateCheck(unit=unit, number=(number or institution_name or "—").strip()[:100],
                             kind=_kind_for_store(kind),
                             enterprise=enterprise, category=category, on_date=on_date, institution=institution,
                             institution_name=institution_name[:200], findings=[asdict(f) for f in findings],
                             flagged=bool(failed), reason="；".join(f.message for f in failed))
    if source is not None:
        check.content_type = ContentType.objects.get_for_model(source)
        check.object_id = source.pk
    check.full_clean()
    check.save()
    if actor is not None:
        ensure_in_scope(check, actor)
    outcome = Event.FAILURE if failed else Event.SUCCESS
    detail = {"number": check.number, "kind": check.kind, "reason": check.reason, "check": check.pk}
    (event(actor, "certificate.check", check, outcome=outcome, detail=detail) if actor is not None
     else record_event("certificate.check", check, outcome=outcome, detail=detail))
    if failed and source is not None:
        record_event("certificate.flag", source, user=actor, outcome=Event.FAILURE, detail=detail)
    return check


def certificate_check_create(*, model, data: dict, actor) -> CertificateCheck:
    """Registry create hook: a number checked by hand (no source record)."""
    return certificate_check_record(actor=actor, **data)


def checks_for(obj) -> list[CertificateCheck]:
    ct = ContentType.objects.get_for_model(obj)
    return list(CertificateCheck.objects.filter(content_type=ct, object_id=obj.pk).order_by("-created_at", "-id"))


def check_sample(sample) -> CertificateCheck | None:
    """The test report of a sample, once both its number and its institution are entered. Not
    repeated for the same number and institution (saves of other fields do not re-check)."""
    if not sample.report_number or not sample.testing_institution_id:
        return None
    ct = ContentType.objects.get_for_model(sample)
    if CertificateCheck.objects.filter(content_type=ct, object_id=sample.pk, number=sample.report_number,
                                       institution_id=sample.testing_institution_id).exists():
        return None
    return certificate_check_record(unit=sample.unit, number=sample.report_number, kind=TEST_REPORT,
                                    on_date=sample.sampled_on,
                                    source=sample, enterprise=sample.enterprise, category=sample.category,
                                    institution=sample.testing_institution)


def check_export(check) -> CertificateCheck | None:
    """The certification/testing body named on an export declaration."""
    if not check.certification_body_id and not check.certification_body_text:
        return None
    ct = ContentType.objects.get_for_model(check)
    name = check.certification_body_text or ""
    existing = CertificateCheck.objects.filter(content_type=ct, object_id=check.pk,
                                               institution_id=check.certification_body_id,
                                               institution_name=name[:200])
    if existing.exists():
        return None
    return certificate_check_record(unit=check.unit, number=name, kind=ISSUER_ONLY, on_date=check.checked_on,
                                    source=check,
                                    enterprise=check.enterprise, category=check.category,
                                    institution=check.certification_body, institution_name=name)


LEAD_SOURCE = {"inspection": "inspection", "sample": "sample", "exportcheck": "export"}


def certificate_check_to_lead(*, check: CertificateCheck, actor) -> Lead:
    """One click: a flagged check becomes a lead of the check's unit (the workflow's step `to_lead`,
    targeting/workflows.py). A check already turned into a lead answers with that lead."""
    try:
        return perform(check, "to_lead", actor=actor)
    except StateConflict:
        # perform has checked scope and who before it found the state moved on
        lead = CertificateCheck.objects.get(pk=check.pk).lead
        if lead is None:
            raise
        return lead


def to_lead_body(check: CertificateCheck, actor, values: dict) -> Outcome:
    where = f"（{check.content_type.name} {check.source}）" if check.content_type_id else ""
    lead = Lead(unit=check.unit, source=LEAD_SOURCE.get(getattr(check.content_type, "model", ""), "other"),
                description=_("证书/报告核验存疑：%(c)s%(w)s。%(r)s") % {"c": check, "w": where, "r": check.reason},
                enterprise=check.enterprise, product_category=check.category)
    lead.full_clean()
    lead.save()
    ensure_in_scope(lead, actor)
    check.lead = lead
    event(actor, "lead.create", lead, detail={"certificate_check": check.pk})
    return Outcome(show=lead, detail={"lead": lead.pk})


def public_certificate_lookup(number: str, on_date: datetime.date | None = None) -> list[dict]:
    """For the portal: does a certificate with this number exist, whose is it, is it valid today.
    Only facts printed on the certificate itself — never check findings, flags or leads."""
    number = (number or "").strip()
    if len(number) < 4:
        return []
    on_date = on_date or today()
    out = []
    found = Qualification.objects.filter(number=number).select_related("enterprise").prefetch_related("categories")
    for q in found[:10]:
        if q.valid_from and on_date < q.valid_from:
            status = _("尚未生效")
        elif q.valid_to and on_date > q.valid_to:
            status = _("已过期")
        else:
            status = _("有效")
        out.append({"kind": q.get_kind_display(), "number": q.number, "holder": q.enterprise.name, "issuer": q.issuer,
                    "valid_from": q.valid_from, "valid_to": q.valid_to, "status": status,
                    "categories": [c.name for c in q.categories.all()]})
    return out
