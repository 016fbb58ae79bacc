"""Price flags: the rules run on each observation recorded or changed, and a flag becomes a lead or a
price case through the enforcement services (never a copy of their logic), or is dismissed with a reason."""
from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from rectify.core.audit.events import record_event
from rectify.core.clock import today
from rectify.core.generic.services import object_create
from rectify.core.workflow.engine import Outcome, StateConflict, perform
from rectify.enforcement.models import Case, Lead
from rectify.enforcement.services import case_from_lead
from rectify.organisations.models import CaseCategory

from ..models import PriceBaseline, PriceFlag, PriceObservation, PriceRule

HUNDRED = Decimal("100")


def _pct(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def baseline_for(observation: PriceObservation) -> PriceBaseline | None:
    """The most specific baseline valid on the observation's day: product over category,
    city over province, newest first. A baseline in another unit of sale is not comparable."""
    candidates = PriceBaseline.objects.filter(
        Q(product=observation.product) | Q(product=""),
        Q(area_id=observation.region_id) | Q(area__isnull=True),
        Q(specification=observation.specification) | Q(specification=""),
        category_id=observation.category_id, valid_from__lte=observation.observed_on,
        unit_of_sale=observation.unit_of_sale,
    )
    ranked = sorted(candidates, key=lambda b: (b.product != "", b.area_id is not None, b.specification != "",
                                               b.valid_from), reverse=True)
    return ranked[0] if ranked else None


def _check(rule: PriceRule, obs: PriceObservation) -> tuple[Decimal, str, list[PriceObservation]] | None:
    """(measured value, explanation, observations behind it) when `rule` fires on `obs`."""
    if rule.kind == PriceRule.Kind.ABOVE_BASELINE:
        base = baseline_for(obs)
        if base is None or base.price <= 0:
            return None
        measured = _pct((obs.price / base.price - 1) * HUNDRED)
        text = _("售价%(p)s元，%(basis)s%(b)s元，高出%(m)s%%（阈值%(t)s%%）。") % {
            "p": obs.price, "basis": base.basis, "b": base.price, "m": measured, "t": rule.threshold}
        return (measured, text, [obs]) if measured > rule.threshold else None
    if rule.kind == PriceRule.Kind.MARKUP:
        if not obs.purchase_cost:
            return None
        measured = _pct((obs.price - obs.purchase_cost) / obs.purchase_cost * HUNDRED)
        text = _("进货成本%(c)s元，售价%(p)s元，购销差价率%(m)s%%（阈值%(t)s%%）。") % {
            "c": obs.purchase_cost, "p": obs.price, "m": measured, "t": rule.threshold}
        return (measured, text, [obs]) if measured > rule.threshold else None
    if rule.kind == PriceRule.Kind.RISE:
        since = obs.observed_on - datetime.timedelta(days=rule.window_days)
        earlier = (PriceObservation.objects.filter(
            outlet_name=obs.outlet_name, product=obs.product, specification=obs.specification,
            unit_of_sale=obs.unit_of_sale, observed_on__gte=since, observed_on__lt=obs.observed_on)
            .exclude(pk=obs.pk).order_by("price", "observed_on").first())
        if earlier is None or earlier.price <= 0:
            return None
        measured = _pct((obs.price / earlier.price - 1) * HUNDRED)
        text = _("%(d1)s售价%(p1)s元，%(d2)s售价%(p2)s元，%(n)s日内上涨%(m)s%%（阈值%(t)s%%）。") % {
            "d1": earlier.observed_on, "p1": earlier.price, "d2": obs.observed_on, "p2": obs.price,
            "n": rule.window_days, "m": measured, "t": rule.threshold}
        return (measured, text, [earlier, obs]) if measured > rule.threshold else None
    if rule.kind == PriceRule.Kind.HOARDING:
        if not obs.stock_quantity or not obs.normal_daily_sales:
            return None
        measured = _pct(Decimal(obs.stock_quantity) / Decimal(obs.normal_daily_sales))
        text = _("库存%(s)s，正常日均销量%(d)s，为日均销量的%(m)s倍（阈值%(t)s倍）。") % {
            "s": obs.stock_quantity, "d": obs.normal_daily_sales, "m": measured, "t": rule.threshold}
        return (measured, text, [obs]) if measured > rule.threshold else None
    return None


def price_flags_evaluate(*, observation: PriceObservation, rules: Iterable[PriceRule] | None = None) -> list[PriceFlag]:
    """Run every active rule on one observation; create (or refresh, while still open) a flag for
    each rule that fires. Idempotent: one flag per rule and observation."""
    rules = list(rules) if rules is not None else list(PriceRule.objects.filter(active=True))
    raised = []
    for rule in rules:
        hit = _check(rule, observation)
        if hit is None:
            continue
        measured, text, behind = hit
        with transaction.atomic():
            flag = PriceFlag.objects.filter(rule=rule, observation=observation).first()
            if flag is None:
                flag = PriceFlag(rule=rule, observation=observation, unit=observation.unit,
                                 enterprise=observation.enterprise, outlet_name=observation.outlet_name,
                                 measured=measured, threshold=rule.threshold, explanation=text)
                flag.save()
                record_event("price.flag", flag, detail={"rule": rule.kind, "measured": str(measured)})
            elif flag.status == PriceFlag.Status.OPEN:
                flag.measured, flag.threshold, flag.explanation = measured, rule.threshold, text
                flag.version += 1
                flag.save()
            flag.observations.set(behind)
        raised.append(flag)
    return raised


def price_flags_reevaluate(queryset=None, *, batch: int = 2000) -> int:
    """Re-run the rules over many observations (after a rule or baseline change). Returns flags."""
    rules = list(PriceRule.objects.filter(active=True))
    qs = (queryset if queryset is not None else PriceObservation.objects.all()).select_related("unit", "enterprise")
    count = 0
    for obs in qs.order_by("pk").iterator(chunk_size=batch):
        count += len(price_flags_evaluate(observation=obs, rules=rules))
    return count


# -- flag → lead / case / dismissed (the steps of the workflow in prices/workflows.py) --------------
def _taken(flag: PriceFlag, made: str, exc: StateConflict) -> Any:
    """What an earlier step made (the flag's lead or case), for a step asked again: `perform` has
    checked scope and who before it found the state moved on."""
    found = getattr(PriceFlag.objects.get(pk=flag.pk), made)
    if found is None:
        raise exc
    return found


def price_flag_to_lead(*, flag: PriceFlag, actor) -> Lead:
    """The flag becomes a lead of its unit; a flag already turned into a lead answers with it."""
    try:
        return perform(flag, "to_lead", actor=actor)
    except StateConflict as exc:
        return _taken(flag, "lead", exc)


def _new_lead(flag: PriceFlag, actor) -> Lead:
    """Enforcement has no lead-creation service of its own: the lead pages use core `object_create`,
    and so does this (same validation and scope check)."""
    obs = flag.observation
    description = _("价格预警：%(outlet)s %(product)s%(spec)s。%(text)s") % {
        "outlet": flag.outlet_name, "product": obs.product,
        "spec": f"（{obs.specification}）" if obs.specification else "", "text": flag.explanation}
    source = Lead.Source.COMPLAINT if obs.source == PriceObservation.Source.COMPLAINT else Lead.Source.INSPECTION
    lead = object_create(model=Lead, data={"unit": flag.unit, "source": source, "description": description,
                                           "enterprise": flag.enterprise, "product_category": obs.category},
                         actor=actor)
    record_event("lead.create", lead, user=actor, detail={"price_flag": flag.pk})
    return lead


def to_lead_body(flag: PriceFlag, actor, values: dict[str, Any]) -> Outcome:
    flag.lead = _new_lead(flag, actor)
    return Outcome(show=flag.lead, detail={"lead": flag.lead.pk})


def next_price_case_number(flag: PriceFlag) -> str:
    return f"价格-{flag.region.code}-{today():%Y%m%d}-{flag.pk:06d}"


def price_flag_to_case(*, flag: PriceFlag, actor, number: str = "", title: str = "") -> Case:
    """One step: a lead (if the flag has none yet) and a filed price case (案件类别 price) through
    enforcement's `case_from_lead`; a flag already filed answers with its case."""
    values = {k: v for k, v in (("number", number), ("title", title)) if v}
    try:
        return perform(flag, "to_case", actor=actor, values=values)
    except StateConflict as exc:
        return _taken(flag, "case", exc)


def to_case_body(flag: PriceFlag, actor, values: dict[str, Any]) -> Outcome:
    category = CaseCategory.objects.current().filter(code="price").first()
    if category is None:
        raise ValidationError(_("未配置“价格违法类”案件类别。"))
    lead = flag.lead or _new_lead(flag, actor)
    obs = flag.observation
    case = case_from_lead(lead=lead, number=values.get("number") or next_price_case_number(flag),
                          title=values.get("title") or _("涉嫌哄抬%(p)s价格（%(o)s）") % {
                              "p": obs.product, "o": flag.outlet_name},
                          case_category=category, product_category=obs.category, actor=actor)
    flag.lead, flag.case = lead, case
    return Outcome(show=case, detail={"lead": lead.pk, "case": case.pk})


def price_flag_dismiss(*, flag: PriceFlag, reason: str, actor) -> PriceFlag:
    perform(flag, "dismiss", actor=actor, values={"reason": reason})
    return PriceFlag.objects.get(pk=flag.pk)


def dismiss_body(flag: PriceFlag, actor, values: dict[str, Any]) -> None:
    flag.explanation = f"{flag.explanation}\n{_('排除理由：')}{values['reason'].strip()}"
