"""Information sharing (信息通报) and urgent reports (紧急专报).

A bulletin goes to the units of the chosen departments in the chosen cities (the province: the
departments' provincial units); an urgent report goes to the provincial office as well, whatever
else is chosen. The recipients are resolved once, when it is sent, and told (core.workflow: the
签收 step opens for them, on their work desk); each receiving unit signs for it once, which records
who read it and when. The choices are many-to-many fields, which the generic writes set after
`full_clean`, so the rules are here (ModelConfig `create=`)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core.generic.services import object_create
from rectify.core.workflow.engine import Outcome, perform
from rectify.core.workflow.notices import announce
from rectify.organisations.models import Department, Region, Unit

from ..models import Bulletin, BulletinReceipt


def _ids(values: Iterable | None) -> set[int]:
    return {getattr(v, "pk", v) for v in values or []}


def bulletin_recipients(*, kind: str, departments: Iterable, regions: Iterable, sender: Unit | None = None
                        ) -> list[Unit]:
    """The active units a bulletin reaches: the chosen departments' units in the chosen cities (a
    customs district in every city it covers; the province: the provincial units), not the city
    offices (they see everything of their city already) nor the sender; an urgent report also
    reaches the provincial office."""
    dept_ids, region_ids = _ids(departments), _ids(regions)
    cities = set(Region.objects.filter(pk__in=region_ids, level=Region.Level.CITY).values_list("pk", flat=True))
    province = Region.objects.filter(pk__in=region_ids, level=Region.Level.PROVINCE).exists()
    found: list[Unit] = []
    if dept_ids and (cities or province):
        candidates = (Unit.objects.filter(is_active=True, is_office=False, department_id__in=dept_ids)
                      .select_related("region").prefetch_related("covers"))
        for unit in candidates:
            if unit.is_provincial:
                if province:
                    found.append(unit)
            elif unit.region.level == Region.Level.CITY and set(unit.covered_city_ids()) & cities:
                found.append(unit)
    if kind == Bulletin.Kind.URGENT:
        found += list(Unit.objects.filter(is_active=True, is_office=True, region__level=Region.Level.PROVINCE))
    sender_id = getattr(sender, "pk", None)
    return [u for u in dict.fromkeys(found) if u.pk != sender_id]


def _check(kind: str, departments: Iterable, regions: Iterable) -> None:
    if kind == Bulletin.Kind.URGENT:
        return
    errors = {}
    if not _ids(departments):
        errors["to_departments"] = _("请选择通报的部门（紧急专报直报省专项办，可不选）。")
    if not _ids(regions):
        errors["to_regions"] = _("请选择通报的地区。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def bulletin_create(*, model: type[models.Model], data: Mapping[str, Any], actor) -> Bulletin:
    """ModelConfig.create: send a bulletin; its recipients are resolved and told."""
    data = dict(data)
    kind = data.get("kind") or ""
    departments, regions = data.get("to_departments") or [], data.get("to_regions") or []
    _check(kind, departments, regions)
    recipients = bulletin_recipients(kind=kind, departments=departments, regions=regions, sender=data.get("unit"))
    if not recipients:
        raise ValidationError({"to_regions": _("所选部门在所选地区没有可接收通报的单位，请调整部门或地区。")})
    bulletin = object_create(model=model, data=data, actor=actor)
    bulletin.recipients.set(recipients)
    announce(bulletin, actor)
    return bulletin


def bulletin_send(*, actor, unit: Unit, kind: str, title: str, content: str, issued_on,
                  departments: Iterable[Department] = (), regions: Iterable[Region] = ()) -> Bulletin:
    """Send a bulletin from code (the same rules as the page and the API)."""
    return bulletin_create(model=Bulletin, actor=actor, data={
        "unit": unit, "kind": kind, "title": title, "content": content, "issued_on": issued_on,
        "to_departments": list(departments), "to_regions": list(regions)})


def signed_by_unit(bulletin: Bulletin, unit_id: int | None) -> bool:
    return unit_id is not None and BulletinReceipt.objects.filter(bulletin=bulletin, unit_id=unit_id).exists()


def bulletin_read(*, bulletin: Bulletin, actor) -> Bulletin:
    """The actor signs for the bulletin on behalf of their unit (the workflow's 签收 step)."""
    perform(bulletin, "read", actor=actor)
    return Bulletin.objects.get(pk=bulletin.pk)


def read_body(bulletin: Bulletin, actor, values: dict[str, Any]) -> Outcome:
    receipt = BulletinReceipt(bulletin=bulletin, unit_id=actor.unit_id, user=actor, read_at=timezone.now())
    receipt.full_clean()
    receipt.save()
    return Outcome(detail={"unit": str(actor.unit)})
