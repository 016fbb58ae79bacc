"""Industry associations and self-discipline: a member's commitment to its association's convention.

Membership is the association's many-to-many field, which the generic writes set after
`full_clean`, so the rule that a committing enterprise is a member, and that a member who signed
stays one, are here (ModelConfig `create=`/`update=`)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from rectify.core.generic.services import lock_for_write, object_create, object_update

from ..models import IndustryAssociation, MemberCommitment, SelfDisciplineConvention


def _check_member(convention: SelfDisciplineConvention | None, enterprise) -> None:
    if convention is None or enterprise is None:
        return
    association = convention.association
    if not association.members.filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": _("“%(ent)s”不是“%(assoc)s”的会员企业，请先将其登记为会员。")
                               % {"ent": enterprise, "assoc": association}})


@transaction.atomic
def commitment_create(*, model: type[models.Model], data: Mapping[str, Any], actor) -> MemberCommitment:
    """ModelConfig.create: a member's signed commitment."""
    _check_member(data.get("convention"), data.get("enterprise"))
    return object_create(model=model, data=dict(data), actor=actor)


@transaction.atomic
def commitment_update(*, obj: MemberCommitment, data: Mapping[str, Any], actor,
                      expected_version: int | None = None) -> MemberCommitment:
    """ModelConfig.update: the rule read against the commitment as kept for what a PATCH leaves out."""
    locked = lock_for_write(MemberCommitment, obj.pk, actor, "change")
    if expected_version is None or locked.version == expected_version:
        _check_member(data.get("convention", locked.convention), data.get("enterprise", locked.enterprise))
    return object_update(obj=locked, data=dict(data), actor=actor, expected_version=expected_version)


@transaction.atomic
def association_update(*, obj: IndustryAssociation, data: Mapping[str, Any], actor,
                       expected_version: int | None = None) -> IndustryAssociation:
    """ModelConfig.update: an enterprise that signed a commitment to one of the association's
    conventions stays among its members (its commitment would name a non-member)."""
    locked = lock_for_write(IndustryAssociation, obj.pk, actor, "change")
    if "members" in data and (expected_version is None or locked.version == expected_version):
        keep = {getattr(m, "pk", m) for m in data["members"] or []}
        signed = (MemberCommitment.objects.filter(convention__association=locked).exclude(enterprise_id__in=keep)
                  .select_related("enterprise"))
        names = list(dict.fromkeys(str(c.enterprise) for c in signed))
        if names:
            raise ValidationError({"members": _("以下企业已签署本协会公约的承诺，不能移出会员：%(names)s")
                                   % {"names": "、".join(names)}})
    return object_update(obj=locked, data=data, actor=actor, expected_version=expected_version)
