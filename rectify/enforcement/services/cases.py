"""Cases: the state machine, the penalty decision (and its 更正) and its credit record, 挂牌督办."""
from __future__ import annotations

import copy
import datetime
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core.access.scope import area_allows, can
from rectify.core.audit.integrity import canonical, compute
from rectify.core.clock import beijing_date
from rectify.core.current import change_reason
from rectify.core.generic.services import changed_with_reason, clean_reason, ensure_in_scope
from rectify.core.workflow.engine import Outcome, perform
from rectify.core.workflow.notices import announce

from ..models import Case, CreditRecord, DecisionVersion, Lead, Supervision
from .common import event, today
from .transfers import case_transfer, is_police

S = Case.Status
# The step that leads to each state; a transfer is 移送公安 when the receiver is a police unit.
STEP_TO = {S.FILED: "file", S.INVESTIGATED: "investigated", S.DECIDED: "decide", S.CLOSED: "close",
           S.TRANSFERRED: "transfer"}
DATE_OF = {S.FILED: "filed_on", S.INVESTIGATED: "investigated_on", S.DECIDED: "decided_on", S.CLOSED: "closed_on"}
DECISION_FIELDS = {"decided_on", "decision_number", "fine", "confiscation", "goods_confiscated", "licence_revoked",
                   "goods_value"}


def case_transition(*, case: Case, to: str, actor, **fields: Any) -> Case:
    """Move a case along lead → filed → investigated → decided → closed (or → transferred), through
    the case workflow's step for `to` (enforcement/workflows.py)."""
    if to not in STEP_TO:
        raise ValidationError(_("未知的案件状态“%(to)s”。") % {"to": to})
    step = STEP_TO[to]
    if to == S.TRANSFERRED and fields.get("to_unit") is not None and is_police(fields["to_unit"]):
        step = "transfer_police"
    if to in DATE_OF:
        fields.setdefault(DATE_OF[to], today())
    perform(case, step, actor=actor, values=fields)
    return Case.objects.get(pk=case.pk)


def dated_body(to: str):
    """The body of a step that stamps its date and sets the step's fields (立案, 调查终结, 结案)."""
    def run(case: Case, actor, values: dict[str, Any]) -> None:
        for name, value in values.items():
            setattr(case, name, value)
        case.__dict__.setdefault(DATE_OF[to], None)
        if getattr(case, DATE_OF[to]) is None:
            setattr(case, DATE_OF[to], today())
        case.full_clean()
    return run


def decide_body(case: Case, actor, values: dict[str, Any]) -> None:
    """处罚决定: the decision's fields, sealed, and the enterprise's credit record."""
    for name, value in values.items():
        setattr(case, name, value)
    if case.penalty_total <= 0 and not case.goods_confiscated and not case.licence_revoked:
        # 附件2 counts 处罚案件: a decision without any penalty is 不予处罚 and closes the case instead.
        raise ValidationError(_("处罚决定须至少包含罚款、没收违法所得、没收物品或吊销证照之一；不予处罚请直接结案。"))
    case.status = S.DECIDED
    case.full_clean()
    case.save()
    case.refresh_from_db()  # the seal covers the values as stored (decimals as the database keeps them)
    case.integrity_code = compute(case.integrity_fields())
    credit_record_for_decision(case=case, actor=actor)


def transfer_body(case: Case, actor, values: dict[str, Any]) -> None:
    hop = case_transfer(case=case, to_unit=values["to_unit"], reason=values["reason"], actor=actor)
    if hop.to_police:
        case.transferred_to_police = True
        case.transferred_to_police_on = beijing_date(hop.sent_at)


def credit_record_for_decision(*, case: Case, actor=None) -> CreditRecord | None:
    """A decided penalty enters the enterprise's public credit record (once per case)."""
    if case.enterprise_id is None:
        return None
    record, created = CreditRecord.objects.get_or_create(
        case=case, kind=CreditRecord.Kind.PENALTY,
        defaults={
            "unit": case.unit, "enterprise": case.enterprise, "recorded_on": case.decided_on,
            "decision_number": case.decision_number, "amount": case.penalty_total,
            "summary": _("%(unit)s以%(no)s作出行政处罚：%(title)s，罚没%(amount)s元。")
            % {"unit": case.unit, "no": case.decision_number, "title": case.title, "amount": case.penalty_total},
        },
    )
    if created:
        event(actor, "credit.record", record, detail={"case": case.pk})
    return record


def case_from_lead(*, lead: Lead, number: str, title: str, case_category, product_category, actor,
                   filed_on: datetime.date | None = None, source: str = Case.Source.LEAD, **extra: Any) -> Case:
    """The lead's owner files a case on it (立案)."""
    values = {"number": number, "title": title, "case_category": case_category, "product_category": product_category,
              "filed_on": filed_on, "source": source, **extra}
    return perform(lead, "case", actor=actor, values={k: v for k, v in values.items() if v is not None})


def case_from_lead_body(lead: Lead, actor, values: dict[str, Any]) -> Case:
    values = dict(values)
    filed_on = values.pop("filed_on", None) or today()
    product_category = values.pop("product_category", None) or lead.product_category
    case = Case(unit=lead.unit, enterprise=lead.enterprise, product_category=product_category,
                source=values.pop("source", Case.Source.LEAD), source_lead=lead, source_complaint=lead.complaint,
                **values)
    case.full_clean()
    case.save()
    ensure_in_scope(case, actor)
    event(actor, "case.create", case, detail={"lead": lead.pk})
    perform(case, "file", actor=actor, values={"filed_on": filed_on})
    return Case.objects.get(pk=case.pk)


# 更正: a documented correction of an issued penalty decision --------------------------------------
CORRECTABLE = DECISION_FIELDS


def case_decision_correct(*, case: Case, actor, reason: str, **fields: Any) -> Case:
    """更正: replace an issued penalty decision by a corrected one (the workflow's step
    `correct_decision`). Fields not given keep their value."""
    current = {name: getattr(case, name) for name in ("decision_number", "decided_on")}
    perform(case, "correct_decision", actor=actor, values={**current, "reason": reason, **fields})
    return Case.objects.get(pk=case.pk)


def correct_body(case: Case, actor, values: dict[str, Any]) -> Outcome:
    """The decision in force is kept unchanged as a sealed DecisionVersion (its content, the seal it
    was issued under, who replaced it, when and why); the case carries the corrected decision under
    a new seal, and its penalty credit record follows. The reason lands in the change log and the
    event."""
    fields = dict(values)
    reason = clean_reason(fields.pop("reason", ""), missing=_("更正处罚决定须填写更正原因。"))
    unknown = set(fields) - CORRECTABLE
    if unknown:
        raise ValidationError(_("更正处罚决定不能修改：%(f)s。") % {"f": "、".join(sorted(unknown))})
    missing = [name for name in ("decision_number", "decided_on") if name in fields and fields[name] in (None, "")]
    if missing:
        raise ValidationError({name: _("处罚决定须填写此项。") for name in missing})
    changed = {name: value for name, value in fields.items() if value != getattr(case, name)}
    if not changed:
        raise ValidationError(_("更正内容与现行处罚决定相同，无需更正。"))
    was = copy.copy(case)
    number = (case.decision_versions.aggregate(last=Max("number"))["last"] or 0) + 1
    kept = DecisionVersion(
        case=case, number=number, decision=json.loads(canonical(case.integrity_fields())),
        decision_seal=case.integrity_code or compute(case.integrity_fields()), reason=reason, corrected_by=actor,
        corrected_at=timezone.now())
    kept.integrity_code = compute(kept.integrity_fields())
    with change_reason(reason):
        kept.save()
        for name, value in changed.items():
            setattr(case, name, value)
        if case.penalty_total <= 0 and not case.goods_confiscated and not case.licence_revoked:
            raise ValidationError(_("处罚决定须至少包含罚款、没收违法所得、没收物品或吊销证照之一；"
                                    "不予处罚请直接结案。"))
        case.full_clean()
        case.reseal()
        _credit_record_follows(case)
    changed_with_reason.send(sender=Case, kind="corrected", obj=was, objects=[was], current=case, actor=actor,
                             reason=reason)
    return Outcome(detail={"kept_version": number, "from": {k: str(getattr(was, k)) for k in changed},
                           "to": {k: str(v) for k, v in changed.items()}})


def _credit_record_follows(case: Case) -> None:
    """The enterprise's public credit record shows the decision in force."""
    record = CreditRecord.objects.filter(case=case, kind=CreditRecord.Kind.PENALTY).first()
    if record is None:
        return
    record.recorded_on = case.decided_on
    record.decision_number = case.decision_number
    record.amount = case.penalty_total
    record.summary = _("%(unit)s以%(no)s作出行政处罚（已更正）：%(title)s，罚没%(amount)s元。") % {
        "unit": case.unit, "no": case.decision_number, "title": case.title, "amount": case.penalty_total}
    record.version += 1
    record.save()


# 挂牌督办 -------------------------------------------------------------------------------------
def supervision_refusal(case: Case) -> str | None:
    """Why `case` cannot be listed now, or None: a closed or transferred case is out of reach, and
    a case already listed is listed once."""
    if case.status in (S.CLOSED, S.TRANSFERRED):
        return _("案件当前为“%(s)s”，不能挂牌督办。") % {"s": case.get_status_display()}
    if case.supervisions.filter(status=Supervision.Status.LISTED).exists():
        return _("该案件正在挂牌督办，不能重复挂牌。")
    return None


def supervision_list(*, case: Case, deadline: datetime.date, actor, requirement: str = "",
                     listed_on: datetime.date | None = None) -> Supervision:
    values = {"deadline": deadline, "requirement": requirement, "listed_on": listed_on}
    perform(case, "supervise", actor=actor, values={k: v for k, v in values.items() if v not in (None, "")})
    return case.supervisions.order_by("-id").first()


def supervise_body(case: Case, actor, values: dict[str, Any]) -> Supervision:
    item = Supervision(case=case, listed_by=actor.unit, listed_on=values.get("listed_on") or today(),
                       deadline=values["deadline"], requirement=values.get("requirement", ""))
    item.full_clean()
    item.save()
    event(actor, "supervision.list", item, detail={"case": case.pk, "deadline": str(item.deadline)})
    announce(item, actor, item.requirement)
    return case


def supervision_create(*, model, data: dict, actor) -> Supervision:
    """ModelConfig.create: the add page and API list a case through supervision_list."""
    return supervision_list(case=data["case"], deadline=data["deadline"], requirement=data.get("requirement", ""),
                            listed_on=data.get("listed_on"), actor=actor)


def may_follow_up(user, supervision: Supervision) -> bool:
    """The listing is the province's; its follow-ups come from the province or the case's owner side."""
    unit = getattr(user, "unit", None)
    if unit is not None and unit.is_provincial_office:
        return area_allows(user, "records", "change")
    return can(user, "change", supervision.case)


def supervision_follow_up(*, supervision: Supervision, note: str, actor, done: bool = False) -> Supervision:
    """A follow-up note, from the province or the handling side; `done` (the province's) closes the listing."""
    perform(supervision, "finish" if done else "follow_up", actor=actor, values={"note": note})
    return Supervision.objects.get(pk=supervision.pk)


def follow_up_body(supervision: Supervision, actor, values: dict[str, Any]) -> None:
    line = f"{today():%Y-%m-%d} {actor.unit}（{actor.get_username()}）：{values['note'].strip()}"
    supervision.follow_ups = f"{supervision.follow_ups}\n{line}".strip()


def penalty_in_10k(amount: Decimal) -> Decimal:
    """元 → 万元 as the tables print it (4 decimals kept; the layout rounds)."""
    return (Decimal(amount) / Decimal(10000)).quantize(Decimal("0.0001"))
