"""Cases: the state machine, the penalty decision (and its 更正) and its credit record, 挂牌督办."""
from __future__ import annotations

import copy
import datetime
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core.access.scope import area_allows, can
from rectify.core.audit.integrity import canonical, compute
from rectify.core.clock import beijing_date
from rectify.core.current import change_reason
from rectify.core.generic.services import changed_with_reason, clean_reason, ensure_in_scope

from ..models import Case, CreditRecord, DecisionVersion, Lead, Supervision
from .common import event, lock_in_scope, require_provincial_office, require_unit, today
from .transfers import case_transfer

S = Case.Status
TRANSITIONS: dict[str, set[str]] = {
    S.LEAD: {S.FILED, S.TRANSFERRED},
    S.FILED: {S.INVESTIGATED, S.TRANSFERRED},
    S.INVESTIGATED: {S.DECIDED, S.CLOSED, S.TRANSFERRED},
    # A decided case may still go to the police (以罚代刑 must not stop a transfer).
    S.DECIDED: {S.CLOSED, S.TRANSFERRED},
    S.CLOSED: set(),
    S.TRANSFERRED: set(),
}
# Fields each step may set, and which of them it needs.
STEP_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    S.FILED: ({"filed_on"}, {"filed_on"}),
    S.INVESTIGATED: ({"investigated_on", "facts", "units_investigated", "staff_dispatched"}, set()),
    S.DECIDED: ({"decided_on", "decision_number", "fine", "confiscation", "goods_confiscated", "licence_revoked",
                 "goods_value"}, {"decided_on", "decision_number"}),
    S.CLOSED: ({"closed_on"}, set()),
    S.TRANSFERRED: ({"to_unit", "reason"}, {"to_unit", "reason"}),
}
DATE_OF = {S.FILED: "filed_on", S.INVESTIGATED: "investigated_on", S.DECIDED: "decided_on", S.CLOSED: "closed_on"}


@transaction.atomic
def case_transition(*, case: Case, to: str, actor, **fields: Any) -> Case:
    """Move a case along lead → filed → investigated → decided → closed (or → transferred).
    Refuses, with the reason in Chinese, a step the machine does not allow or one missing data."""
    case = lock_in_scope(case, actor)
    if to not in TRANSITIONS:
        raise ValidationError(_("未知的案件状态“%(to)s”。") % {"to": to})
    target_label = S(to).label
    if to not in TRANSITIONS[case.status]:
        allowed = "、".join(str(S(t).label) for t in sorted(TRANSITIONS[case.status])) or _("无（已终结）")
        raise ValidationError(_("案件当前为“%(now)s”，不能变更为“%(to)s”；可变更为：%(allowed)s。")
                              % {"now": case.get_status_display(), "to": target_label, "allowed": allowed})
    permitted, required = STEP_FIELDS[to]
    unknown = set(fields) - permitted
    if unknown:
        raise ValidationError(_("“%(to)s”这一步不能修改：%(f)s。")
                              % {"to": target_label, "f": "、".join(sorted(unknown))})
    if to in DATE_OF:
        fields.setdefault(DATE_OF[to], today())
    missing = [f for f in sorted(required) if fields.get(f) in (None, "")]
    if missing:
        raise ValidationError({f: _("“%(to)s”须填写此项。") % {"to": target_label} for f in missing})
    if to == S.TRANSFERRED:
        return _transfer(case, actor, fields["to_unit"], fields["reason"])
    previous = case.status
    for name, value in fields.items():
        setattr(case, name, value)
    if to == S.DECIDED and case.penalty_total <= 0 and not case.goods_confiscated and not case.licence_revoked:
        # 附件2 counts 处罚案件: a decision without any penalty is 不予处罚 and closes the case instead.
        raise ValidationError(_("处罚决定须至少包含罚款、没收违法所得、没收物品或吊销证照之一；不予处罚请直接结案。"))
    case.status = to
    case.version += 1
    case.full_clean()
    case.save()
    ensure_in_scope(case, actor)
    event(actor, f"case.{to}", case, detail={"from": previous, **{k: str(v) for k, v in fields.items()}})
    if to == S.DECIDED:
        case.refresh_from_db()
        case.integrity_code = compute(case.integrity_fields())
        Case.objects.filter(pk=case.pk).update(integrity_code=case.integrity_code)
        credit_record_for_decision(case=case, actor=actor)
    return case


def _transfer(case: Case, actor, to_unit, reason: str) -> Case:
    hop = case_transfer(case=case, to_unit=to_unit, reason=reason, actor=actor)
    case.status = S.TRANSFERRED
    if hop.to_police:
        case.transferred_to_police = True
        case.transferred_to_police_on = beijing_date(hop.sent_at)
    case.version += 1
    case.save()
    return case


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


@transaction.atomic
def case_from_lead(*, lead: Lead, number: str, title: str, case_category, product_category, actor,
                   filed_on: datetime.date | None = None, source: str = Case.Source.LEAD, **extra: Any) -> Case:
    """The lead's owner files a case on it (立案)."""
    lead = lock_in_scope(lead, actor)
    if lead.pending_unit_id:
        raise ValidationError(_("线索正在移送中，接收后才能立案。"))
    require_unit(actor, lead.unit)
    if lead.status != Lead.Status.OPEN:
        raise ValidationError(_("线索当前为“%(s)s”，不能立案。") % {"s": lead.get_status_display()})
    case = Case(unit=lead.unit, number=number, title=title, enterprise=lead.enterprise, case_category=case_category,
                product_category=product_category or lead.product_category, source=source, source_lead=lead,
                source_complaint=lead.complaint, **extra)
    case.full_clean()
    case.save()
    ensure_in_scope(case, actor)
    event(actor, "case.create", case, detail={"lead": lead.pk})
    lead.status = Lead.Status.CASE
    lead.version += 1
    lead.save()
    return case_transition(case=case, to=S.FILED, actor=actor, filed_on=filed_on or today())


# 更正: a documented correction of an issued penalty decision --------------------------------------
CORRECTABLE = STEP_FIELDS[S.DECIDED][0]


@transaction.atomic
def case_decision_correct(*, case: Case, actor, reason: str, **fields: Any) -> Case:
    """更正: replace an issued penalty decision by a corrected one. The decision in force is kept
    unchanged as a sealed DecisionVersion (its content, the seal it was issued under, who replaced
    it, when and why); the case carries the corrected decision under a new seal, and its penalty
    credit record follows. Only the case's owner side, with the review role, corrects; the reason
    is required and lands in the change log and the event. Fields not given keep their value."""
    case = lock_in_scope(case, actor)
    if not area_allows(actor, "records", "review"):
        raise PermissionDenied(_("只有案件承办方的审核员或办公室管理员可以更正处罚决定。"))
    if not case.decision_issued:
        raise ValidationError(_("该案件尚未作出处罚决定，没有可更正的决定。"))
    reason = clean_reason(reason, missing=_("更正处罚决定须填写更正原因。"))
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
        case.version += 1
        case.full_clean()
        case.reseal()
        case.save()
        ensure_in_scope(case, actor)
        _credit_record_follows(case)
    event(actor, "case.decision_correct", case, detail={
        "reason": reason, "kept_version": number, "from": {k: str(getattr(was, k)) for k in changed},
        "to": {k: str(v) for k, v in changed.items()}})
    changed_with_reason.send(sender=Case, kind="corrected", obj=was, objects=[was], current=case, actor=actor,
                             reason=reason)
    return case


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


@transaction.atomic
def supervision_list(*, case: Case, deadline: datetime.date, actor, requirement: str = "",
                     listed_on: datetime.date | None = None) -> Supervision:
    require_provincial_office(actor, _("挂牌督办"))
    case = lock_in_scope(case, actor, "view")
    refusal = supervision_refusal(case)
    if refusal:
        raise ValidationError(refusal)
    item = Supervision(case=case, listed_by=actor.unit, listed_on=listed_on or today(), deadline=deadline,
                       requirement=requirement)
    item.full_clean()
    item.save()
    event(actor, "case.supervise", case, detail={"supervision": item.pk, "deadline": str(deadline)})
    return item


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


@transaction.atomic
def supervision_follow_up(*, supervision: Supervision, note: str, actor, done: bool = False) -> Supervision:
    """A follow-up note, from the province or the handling side; `done` closes the listing."""
    supervision = lock_in_scope(supervision, actor, "view")
    if not may_follow_up(actor, supervision):
        raise PermissionDenied(_("只有省专项工作组办公室和案件承办方可以填写督办跟踪。"))
    if supervision.status != Supervision.Status.LISTED:
        raise ValidationError(_("该督办已结束。"))
    line = f"{today():%Y-%m-%d} {actor.unit}（{actor.get_username()}）：{note.strip()}"
    supervision.follow_ups = f"{supervision.follow_ups}\n{line}".strip()
    if done:
        require_provincial_office(actor, _("办结督办事项"))
        supervision.status = Supervision.Status.DONE
    supervision.version += 1
    supervision.save()
    event(actor, "supervision.follow_up", supervision, detail={"done": done})
    return supervision


def penalty_in_10k(amount: Decimal) -> Decimal:
    """元 → 万元 as the tables print it (4 decimals kept; the layout rounds)."""
    return (Decimal(amount) / Decimal(10000)).quantize(Decimal("0.0001"))
