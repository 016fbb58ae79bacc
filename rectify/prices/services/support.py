"""Service to market entities (服务市场主体): an enterprise's requests and their answers, and the
allocation of capacity offered to capacity needed."""
from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from rectify.core.access.scope import model_allows, restrict, units_for
from rectify.core.audit.events import record_event
from rectify.core.clock import today
from rectify.core.generic.services import ensure_in_scope, object_create, object_update
from rectify.core.workflow.engine import Outcome, perform

from ..models import CapacityAllocation, CapacityOffer, CapacityRequest, ServiceRequest

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


def new_tracking_code(prefix: str = "") -> str:
    return prefix + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))


ANSWER_FIELDS = ("answer", "answered_on")


def _answer_given(values: dict[str, Any], obj: ServiceRequest | None = None) -> dict[str, Any]:
    """The answer fields that differ from the request's (all given ones for a new request)."""
    return {k: v for k, v in values.items()
            if (v or None) != ((getattr(obj, k) or None) if obj is not None else None)}


def service_request_create(*, model, data: dict, actor) -> ServiceRequest:
    """A request received. One answered on the spot (an API client may send the answer with it) is
    answered through the workflow's step `answer`, in the same transaction."""
    data = dict(data)
    answer = _answer_given({k: data.pop(k) for k in ANSWER_FIELDS if k in data})
    with transaction.atomic():
        obj = ServiceRequest(tracking_code=new_tracking_code("QY"))
        for name, value in data.items():
            setattr(obj, name, value)
        if (not model_allows(actor, ServiceRequest, "add")
                or not units_for(actor, "add").filter(pk=obj.unit_id).exists()):
            raise PermissionDenied(_("您没有新增此类记录的权限。"))
        obj.fill_scope()
        obj.full_clean()
        obj.save()
        ensure_in_scope(obj, actor)
        record_event("service_request.receive", obj, user=actor)
        if answer:
            perform(obj, "answer", actor=actor, values=answer)
            obj = ServiceRequest.objects.get(pk=obj.pk)
    return obj


def service_request_update(*, obj: ServiceRequest, data: dict, actor,
                           expected_version: int | None = None) -> ServiceRequest:
    """An edit of the request itself. An answer it brings (an API client's) is the workflow's step
    `answer`, taken once: the enterprise reads it by its tracking code, so a second, different
    answer is refused with the request's state."""
    data = dict(data)
    answer = _answer_given({k: data.pop(k) for k in ANSWER_FIELDS if k in data}, obj)
    with transaction.atomic():
        if data or not answer:
            obj = object_update(obj=obj, data=data, actor=actor, expected_version=expected_version)
            expected_version = None
        if answer:
            values = {**{k: getattr(obj, k) for k in ANSWER_FIELDS if getattr(obj, k)}, **answer}
            perform(obj, "answer", actor=actor, values={k: v for k, v in values.items() if v not in (None, "")},
                    expected_version=expected_version)
            obj = ServiceRequest.objects.get(pk=obj.pk)
    return obj


def service_request_answer(*, request: ServiceRequest, answer: str, actor,
                           answered_on: datetime.date | None = None) -> ServiceRequest:
    values = {"answer": answer, **({"answered_on": answered_on} if answered_on else {})}
    perform(request, "answer", actor=actor, values=values)
    return ServiceRequest.objects.get(pk=request.pk)


def answer_body(request: ServiceRequest, actor, values: dict[str, Any]) -> None:
    request.answer = values["answer"].strip()
    request.answered_on = values.get("answered_on") or today()
    request.full_clean()


def capacity_remaining(offer=None, request=None) -> int:
    """Quantity of an offer not yet allocated, or of a request not yet covered."""
    target = offer if offer is not None else request
    used = target.allocations.aggregate(n=Sum("quantity"))["n"] or 0
    return target.quantity - used


def capacity_allocate(*, request: CapacityRequest, offer: CapacityOffer, quantity: int, actor,
                      allocated_on: datetime.date | None = None, notes: str = "") -> CapacityAllocation:
    """调配: part of an offer goes to a request (the workflow's step `allocate` on the request)."""
    values = {"offer": offer, "quantity": quantity, "allocated_on": allocated_on, "notes": notes}
    return perform(request, "allocate", actor=actor, values={k: v for k, v in values.items() if v not in (None, "")})


def allocate_body(request: CapacityRequest, actor, values: dict[str, Any]) -> Outcome:
    """An allocation may not exceed what the offer has left nor what the request still needs. The
    offer is locked as the request is, so two clerks cannot over-allocate either."""
    offer = restrict(CapacityOffer.objects.select_for_update().filter(pk=values["offer"].pk), actor).first()
    if offer is None:
        raise ValidationError({"offer": _("所选产能供给不存在或不在您的数据范围内。")})
    if offer.category_id != request.category_id:
        raise ValidationError({"offer": _("供给与需求的产品类别不一致。")})
    quantity = values["quantity"]
    offered, needed = capacity_remaining(offer=offer), capacity_remaining(request=request)
    if quantity > offered:
        raise ValidationError({"quantity": _("超过供给剩余可调配数量（%(n)s）。") % {"n": offered}})
    if quantity > needed:
        raise ValidationError({"quantity": _("超过需求尚未满足的数量（%(n)s）。") % {"n": needed}})
    allocation = object_create(model=CapacityAllocation, actor=actor, data={
        "unit": request.unit, "offer": offer, "request": request, "quantity": quantity,
        "allocated_on": values.get("allocated_on") or today(), "notes": values.get("notes", "")})
    return Outcome(show=allocation, detail={"allocation": allocation.pk})
