"""The directory of testing and certification bodies (检验检测认证机构名录), kept by the province."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from rectify.core.generic.services import ensure_in_scope, lock_for_write, require_unit

from ..models import TestingInstitution
from .common import require, require_provincial_office_or_market_bureau, save_checked


@transaction.atomic
def institution_save(*, data: Mapping[str, Any], actor, institution: TestingInstitution | None = None,
                     expected_version: int | None = None) -> TestingInstitution:
    require_provincial_office_or_market_bureau(actor, _("检验检测认证机构名录"))
    if institution is None:
        require(actor, TestingInstitution, "add")
        obj = TestingInstitution()
    else:
        obj = lock_for_write(type(institution), institution.pk, actor, "change", expected_version)
    for name, value in data.items():
        setattr(obj, name, value)
    if "unit" in data:
        require_unit(actor, obj.unit)
    save_checked(obj)
    ensure_in_scope(obj, actor)
    return obj


def institution_create(*, model: type[models.Model], data: Mapping[str, Any], actor) -> TestingInstitution:
    """ModelConfig.create."""
    return institution_save(data=data, actor=actor)


def institution_update(*, obj: TestingInstitution, data: Mapping[str, Any], actor,
                       expected_version: int | None = None) -> TestingInstitution:
    """ModelConfig.update."""
    return institution_save(institution=obj, data=data, actor=actor, expected_version=expected_version)
