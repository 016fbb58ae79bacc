"""Writes with rules for price supervision and service to enterprises.

Flags are raised by `price_flags_evaluate` whenever an observation is recorded or changed; a flag
becomes a lead or a price case through the enforcement services (never a copy of their logic).
"""
from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from rectify.core.access.scope import area_allows, model_allows, units_for
from rectify.core.audit.events import record_event
from rectify.core.clock import today
from rectify.core.generic.services import ensure_in_scope, object_create, object_delete, object_update
from rectify.enforcement.models import Case, Lead
from rectify.enforcement.services import case_from_lead
from rectify.organisations.models import CaseCategory

from .models import (
    CapacityAllocation,
    PriceBaseline,
    PriceFlag,
    PriceObservation,
    PriceRule,
    ServiceRequest,
)

HUNDRED = Decimal("100")
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


def _pct(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _event(actor, name: str, obj, **detail: Any) -> None:
    record_event(name, obj, user=actor if getattr(actor, "pk", None) else None, detail=detail)


# -- observations ---------------------------------------------------------------------------------
def price_observation_create(*, model, data: dict, actor) -> PriceObservation:
    """ModelConfig.create: record, then evaluate the rules in the same transaction."""
    with transaction.atomic():
        obs = object_create(model=PriceObservation, data=data, actor=actor)
        _event(actor, "price.observe", obs)
        price_flags_evaluate(observation=obs)
    return obs


def price_observation_update(*, obj: PriceObservation, data: dict, actor,
                             expected_version: int | None = None) -> PriceObservation:
    with transaction.atomic():
        obs = object_update(obj=obj, data=data, actor=actor, expected_version=expected_version)
        price_flags_evaluate(observation=obs)
    return obs


# -- rules ----------------------------------------------------------------------------------------
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


# -- flag → lead / case ---------------------------------------------------------------------------
def _lock_flag(flag: PriceFlag, actor) -> PriceFlag:
    locked = PriceFlag.objects.restrict(actor, "change").select_for_update().filter(pk=flag.pk).first()
    if locked is None:
        raise PermissionDenied(_("记录不存在或不在您的数据范围内。"))
    if not units_for(actor, "add").filter(pk=locked.unit_id).exists():
        raise PermissionDenied(_("只有%(unit)s可以处理该预警。") % {"unit": locked.unit})
    return locked


@transaction.atomic
def price_flag_to_lead(*, flag: PriceFlag, actor) -> Lead:
    """The flag becomes a lead of its unit. Enforcement has no lead-creation service of its own:
    the lead pages use core `object_create`, and so does this (same validation and scope check)."""
    flag = _lock_flag(flag, actor)
    if flag.lead_id:
        return flag.lead
    if flag.status != PriceFlag.Status.OPEN:
        raise ValidationError(_("该预警已处理（%(s)s）。") % {"s": flag.get_status_display()})
    obs = flag.observation
    description = _("价格预警：%(outlet)s %(product)s%(spec)s。%(text)s") % {
        "outlet": flag.outlet_name, "product": obs.product, "spec": f"（{obs.specification}）" if obs.specification else "",
        "text": flag.explanation}
    source = Lead.Source.COMPLAINT if obs.source == PriceObservation.Source.COMPLAINT else Lead.Source.INSPECTION
    lead = object_create(model=Lead, data={"unit": flag.unit, "source": source, "description": description,
                                           "enterprise": flag.enterprise, "product_category": obs.category}, actor=actor)
    record_event("lead.create", lead, user=actor, detail={"price_flag": flag.pk})
    flag.lead = lead
    flag.status = PriceFlag.Status.LEAD
    flag.version += 1
    flag.save()
    record_event("price_flag.to_lead", flag, user=actor, detail={"lead": lead.pk})
    return lead


def next_price_case_number(flag: PriceFlag) -> str:
    return f"价格-{flag.region.code}-{today():%Y%m%d}-{flag.pk:06d}"


@transaction.atomic
def price_flag_to_case(*, flag: PriceFlag, actor, number: str = "", title: str = "") -> Case:
    """One click: lead (if not yet) and a filed price case (案件类别 price) through
    enforcement's `case_from_lead`."""
    lead = price_flag_to_lead(flag=flag, actor=actor)
    flag = _lock_flag(flag, actor)
    if flag.case_id:
        return flag.case
    category = CaseCategory.objects.current().filter(code="price").first()
    if category is None:
        raise ValidationError(_("未配置“价格违法类”案件类别。"))
    obs = flag.observation
    case = case_from_lead(lead=lead, number=number or next_price_case_number(flag),
                          title=title or _("涉嫌哄抬%(p)s价格（%(o)s）") % {"p": obs.product, "o": flag.outlet_name},
                          case_category=category, product_category=obs.category, actor=actor)
    flag.case = case
    flag.status = PriceFlag.Status.CASE
    flag.version += 1
    flag.save()
    record_event("price_flag.to_case", flag, user=actor, detail={"case": case.pk})
    return case


@transaction.atomic
def price_flag_dismiss(*, flag: PriceFlag, reason: str, actor) -> PriceFlag:
    flag = _lock_flag(flag, actor)
    if flag.status != PriceFlag.Status.OPEN:
        raise ValidationError(_("该预警已处理（%(s)s）。") % {"s": flag.get_status_display()})
    if not reason.strip():
        raise ValidationError(_("排除预警须说明理由。"))
    flag.status = PriceFlag.Status.DISMISSED
    flag.explanation = f"{flag.explanation}\n{_('排除理由：')}{reason.strip()}"
    flag.version += 1
    flag.save()
    record_event("price_flag.dismiss", flag, user=actor, detail={"reason": reason.strip()})
    return flag


# -- shared configuration (baselines, rules) ------------------------------------------------------
def _require_config_writer(actor, target, data: dict) -> None:
    """Everyone reads rules and baselines; the province sets them, a city only its own city's
    baselines (the scope spec alone would let any clerk edit the province's numbers)."""
    unit = getattr(actor, "unit", None)
    if unit is None or not area_allows(actor, "records", "change"):
        raise PermissionDenied(_("您没有修改此记录的权限。"))
    if unit.is_provincial:
        return
    covered = unit.covered_city_ids()
    if target is PriceBaseline or isinstance(target, PriceBaseline):
        existing_ok = not isinstance(target, PriceBaseline) or target.area_id in covered
        area = data.get("area", target.area if isinstance(target, PriceBaseline) else None)
        if existing_ok and area is not None and area.pk in covered:
            return
    raise PermissionDenied(_("价格预警规则和全省价格基准由省级单位设置；市级单位只能设置本市的价格基准。"))


def config_create(*, model, data: dict, actor):
    _require_config_writer(actor, model, data)
    with transaction.atomic():
        obj = object_create(model=model, data=data, actor=actor)
        record_event(f"price.{model._meta.model_name}.create", obj, user=actor)
    return obj


def config_update(*, obj, data: dict, actor, expected_version: int | None = None):
    _require_config_writer(actor, obj, data)
    with transaction.atomic():
        obj = object_update(obj=obj, data=data, actor=actor, expected_version=expected_version)
        record_event(f"price.{type(obj)._meta.model_name}.update", obj, user=actor)
    return obj


def config_delete(*, obj, actor, reason: str) -> None:
    _require_config_writer(actor, obj, {})
    object_delete(obj=obj, actor=actor, reason=reason)


# -- service to enterprises -----------------------------------------------------------------------
def new_tracking_code(prefix: str = "") -> str:
    return prefix + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))


def service_request_create(*, model, data: dict, actor) -> ServiceRequest:
    data = dict(data)
    with transaction.atomic():
        obj = ServiceRequest(tracking_code=new_tracking_code("QY"))
        for name, value in data.items():
            setattr(obj, name, value)
        if not model_allows(actor, ServiceRequest, "add") or not units_for(actor, "add").filter(pk=obj.unit_id).exists():
            raise PermissionDenied(_("您没有新增此类记录的权限。"))
        _apply_answer_status(obj)
        obj.fill_scope()
        obj.full_clean()
        obj.save()
        ensure_in_scope(obj, actor)
        record_event("service_request.receive", obj, user=actor)
    return obj


def _apply_answer_status(obj: ServiceRequest) -> None:
    if (obj.answer or "").strip():
        obj.status = ServiceRequest.Status.ANSWERED
        obj.answered_on = obj.answered_on or today()
    else:
        obj.status = ServiceRequest.Status.OPEN


def service_request_update(*, obj: ServiceRequest, data: dict, actor, expected_version: int | None = None) -> ServiceRequest:
    with transaction.atomic():
        was_answered = obj.status == ServiceRequest.Status.ANSWERED
        obj = object_update(obj=obj, data=data, actor=actor, expected_version=expected_version)
        _apply_answer_status(obj)
        obj.full_clean()
        obj.save(update_fields=["status", "answered_on"])
        if obj.status == ServiceRequest.Status.ANSWERED and not was_answered:
            record_event("service_request.answer", obj, user=actor)
    return obj


def capacity_remaining(offer=None, request=None) -> int:
    """Quantity of an offer not yet allocated, or of a request not yet covered."""
    target = offer if offer is not None else request
    used = target.allocations.aggregate(n=Sum("quantity"))["n"] or 0
    return target.quantity - used


def capacity_allocate(*, model, data: dict, actor) -> CapacityAllocation:
    """ModelConfig.create: an allocation may not exceed what the offer has left nor what the
    request still needs. Rows are locked so two clerks cannot over-allocate the same offer."""
    with transaction.atomic():
        offer = type(data["offer"]).objects.select_for_update().get(pk=data["offer"].pk)
        request = type(data["request"]).objects.select_for_update().get(pk=data["request"].pk)
        quantity = data["quantity"] or 0
        if quantity > capacity_remaining(offer=offer):
            raise ValidationError({"quantity": _("超过供给剩余可调配数量（%(n)s）。") % {"n": capacity_remaining(offer=offer)}})
        if quantity > capacity_remaining(request=request):
            raise ValidationError({"quantity": _("超过需求尚未满足的数量（%(n)s）。") % {"n": capacity_remaining(request=request)}})
        obj = object_create(model=CapacityAllocation, data=data, actor=actor)
        record_event("capacity.allocate", obj, user=actor, detail={"offer": offer.pk, "request": request.pk,
                                                                     "quantity": quantity})
    return obj
