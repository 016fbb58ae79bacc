"""Collective interviews (集中约谈): who attended must have been invited, and no more commitment
letters than enterprises that attended.

Both rules read the many-to-many fields, which `object_create`/`object_update` set after the
record's `full_clean`, so `clean()` cannot hold them: the generic pages and the API reach these
services through the ModelConfig's `create=`/`update=`, and any other writer calls them too."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from rectify.core.access.scope import restrict
from rectify.core.generic.services import lock_for_write, object_create, object_update
from rectify.enterprises.models import Enterprise

from ..models import CollectiveInterview
from .common import require


def _enterprises(values: Iterable | None) -> list[Enterprise]:
    """Enterprises given as instances (the form, the API) or ids (other callers), without doubles."""
    given = list(values or [])
    ids = [getattr(v, "pk", v) for v in given]
    known = {v.pk: v for v in given if isinstance(v, Enterprise)}
    missing = [pk for pk in ids if pk not in known]
    if missing:
        known.update(Enterprise.objects.in_bulk(missing))
    return [known[pk] for pk in dict.fromkeys(ids) if pk in known]


def check_attendance(*, invited: Iterable, attended: Iterable, commitments_signed: int | None) -> None:
    """The interview's rules over its enterprises, each reported on its field."""
    invited_ids = {e.pk for e in _enterprises(invited)}
    present = _enterprises(attended)
    errors: dict[str, str] = {}
    if not invited_ids:
        errors["invited"] = _("请至少选择一家约谈企业。")
    outside = [str(e) for e in present if e.pk not in invited_ids]
    if outside:
        errors["attended"] = _("到会企业须在约谈企业之中，以下企业未被约谈：%(names)s") % {"names": "、".join(outside)}
    if (commitments_signed or 0) > len(present):
        errors["commitments_signed"] = (_("签订承诺书份数（%(signed)s）不能多于到会企业数（%(present)s）。")
                                        % {"signed": commitments_signed, "present": len(present)})
    if errors:
        raise ValidationError(errors)


def _require_visible_enterprises(actor, enterprises: Iterable) -> None:
    """The actor invites only enterprises in their scope (the form and the API offer no others)."""
    ids = {e.pk for e in _enterprises(enterprises)}
    if ids and restrict(Enterprise.objects.filter(pk__in=ids), actor, "view").count() != len(ids):
        raise ValidationError({"invited": _("%(label)s不在您的数据范围内。") % {"label": _("约谈企业")}})


@transaction.atomic
def interview_create(*, model: type[models.Model], data: Mapping[str, Any], actor) -> CollectiveInterview:
    """ModelConfig.create: record an interview with its invited and attending enterprises."""
    require(actor, CollectiveInterview, "add")
    data = dict(data)
    _require_visible_enterprises(actor, data.get("invited"))
    check_attendance(invited=data.get("invited"), attended=data.get("attended"),
                     commitments_signed=data.get("commitments_signed"))
    return object_create(model=model, data=data, actor=actor)


@transaction.atomic
def interview_update(*, obj: CollectiveInterview, data: Mapping[str, Any], actor,
                     expected_version: int | None = None) -> CollectiveInterview:
    """ModelConfig.update: an edit that leaves out a field (an API PATCH) is checked against the
    value the record keeps, read under the row lock. An edit of an older version goes straight to
    object_update, which refuses it as a conflict: its data was chosen against values since changed."""
    locked = lock_for_write(CollectiveInterview, obj.pk, actor, "change")
    data = dict(data)
    if expected_version is None or locked.version == expected_version:
        if "invited" in data:
            _require_visible_enterprises(actor, data["invited"])
        check_attendance(invited=data["invited"] if "invited" in data else locked.invited.all(),
                         attended=data["attended"] if "attended" in data else locked.attended.all(),
                         commitments_signed=data.get("commitments_signed", locked.commitments_signed))
    return object_update(obj=locked, data=data, actor=actor, expected_version=expected_version)
