"""One enterprise or qualification at a time, as the generic pages and API add and edit them (their
ModelConfig create=/update=): the generic write, then the announcement that the enterprise's risk
inputs changed (signals.py)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models, transaction

from rectify.core.generic.services import object_create, object_update

from ..models import Enterprise, Qualification
from ..signals import risk_inputs_changed


@transaction.atomic
def enterprise_create(*, model: type[models.Model], data: Mapping[str, Any], actor) -> Enterprise:
    enterprise = object_create(model=model, data=dict(data), actor=actor)
    risk_inputs_changed.send(sender=Enterprise, enterprise_ids=[enterprise.pk])
    return enterprise


@transaction.atomic
def enterprise_update(*, obj: Enterprise, data: Mapping[str, Any], actor,
                      expected_version: int | None = None) -> Enterprise:
    enterprise = object_update(obj=obj, data=dict(data), actor=actor, expected_version=expected_version)
    risk_inputs_changed.send(sender=Enterprise, enterprise_ids=[enterprise.pk])
    return enterprise


@transaction.atomic
def qualification_create(*, model: type[models.Model], data: Mapping[str, Any], actor) -> Qualification:
    qualification = object_create(model=model, data=dict(data), actor=actor)
    risk_inputs_changed.send(sender=Qualification, enterprise_ids=[qualification.enterprise_id])
    return qualification


@transaction.atomic
def qualification_update(*, obj: Qualification, data: Mapping[str, Any], actor,
                         expected_version: int | None = None) -> Qualification:
    # `obj` may already carry the edited values (a bound form changes its instance): the enterprise
    # it leaves is read from the database.
    before = Qualification.objects.filter(pk=obj.pk).values_list("enterprise_id", flat=True).first()
    qualification = object_update(obj=obj, data=dict(data), actor=actor, expected_version=expected_version)
    risk_inputs_changed.send(sender=Qualification, enterprise_ids=[before, qualification.enterprise_id])
    return qualification
