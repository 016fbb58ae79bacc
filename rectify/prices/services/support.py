"""Service to market entities (服务市场主体): an enterprise's requests and their answers, and the
allocation of capacity offered to capacity needed."""
from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from rectify.core.access.scope import model_allows, units_for
from rectify.core.audit.events import record_event
from rectify.core.clock import today
from rectify.core.generic.services import ensure_in_scope, object_create, object_update

from ..models import CapacityAllocation, ServiceRequest

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


def new_tracking_code(prefix: str = "") -> str:
    return prefix + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))


def service_request_create(*, model, data: dict, actor) -> ServiceRequest:
    data = dict(data)
    with transaction.atomic():
        obj = ServiceRequest(tracking_code=new_tracking_code("QY"))
        for name, value in data.items():
            setattr(obj, name, value)
        if (not model_allows(actor, ServiceRequest, "add")
                or not units_for(actor, "add").filter(pk=obj.unit_id).exists()):
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


def service_request_update(*, obj: ServiceRequest, data: dict, actor,
                           expected_version: int | None = None) -> ServiceRequest:
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
        offered, needed = capacity_remaining(offer=offer), capacity_remaining(request=request)
        if quantity > offered:
            raise ValidationError({"quantity": _("超过供给剩余可调配数量（%(n)s）。") % {"n": offered}})
        if quantity > needed:
            raise ValidationError({"quantity": _("超过需求尚未满足的数量（%(n)s）。") % {"n": needed}})
        obj = object_create(model=CapacityAllocation, data=data, actor=actor)
        record_event("capacity.allocate", obj, user=actor, detail={"offer": offer.pk, "request": request.pk,
                                                                     "quantity": quantity})
    return obj
