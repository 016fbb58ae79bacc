"""Who may see and change what — the one place that decides it.

Every view, API endpoint, form choice, export, import and report narrows its queryset with
`Model.objects.restrict(user, action)`, which lands here. Two questions are answered:

1. May this user do `action` on this kind of model at all? (roles × the model's `perm_area`)
2. Which rows? A model declares how its rows are placed with a `ScopeSpec`:
   - the provincial office sees everything;
   - a region constraint: a city unit sees rows of the cities it covers, a county unit its county;
   - a line constraint: a department unit sees only its line of work (offices see all lines);
   - `shared`: an extra path by which a row reaches a unit (e.g. a lead transferred to it).
   Models without a spec (reference data) are visible to every authenticated user who may view.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from rectify.accounts.roles import allowed


@dataclass(frozen=True)
class ScopeSpec:
    region: str | None = "region"
    county: str | None = "county"
    line: str | None = "line"
    shared: str | None = None  # path to a Unit that may also see the row
    owner: str | None = "unit"  # path to the owning unit (changes are limited to the owner side)


RECORD_SCOPE = ScopeSpec()
REGION_ONLY = ScopeSpec(line=None, owner=None)


def area_allows(user, area: str, action: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return allowed(user.role_codes, area, action)


def model_allows(user, model, action: str) -> bool:
    return area_allows(user, getattr(model, "perm_area", "records"), action)


def scope_q(user, spec: ScopeSpec, model=None) -> Q:
    """The row filter for `user`'s unit under `spec`."""
    unit = getattr(user, "unit", None)
    if unit is None:
        return Q(pk__in=[])
    if unit.is_provincial_office:
        return Q()
    q = Q()
    if not unit.is_provincial:
        if unit.county is not None and spec.county:
            q &= Q(**{spec.county: unit.region_id})
        elif spec.region:
            q &= Q(**{f"{spec.region}__in": unit.covered_city_ids()})
    if not unit.is_office and spec.line:
        q &= Q(**{spec.line: unit.department.line})
    if spec.shared:
        if "__" in spec.shared and model is not None:
            # A to-many path as a subquery, not a join: a join needs DISTINCT, and PostgreSQL
            # refuses SELECT ... DISTINCT ... FOR UPDATE (object_update locks restricted rows).
            q |= Q(pk__in=model._base_manager.filter(**{spec.shared: unit.pk}).values("pk"))
        else:
            q |= Q(**{spec.shared: unit.pk})
    return q


def row_filter(user, model, action: str = "view") -> Q | None:
    """The rows of `model` that `user` may `action`: None for none at all, an empty Q for all."""
    if not model_allows(user, model, action):
        return None
    spec: ScopeSpec | None = getattr(model, "scope", None)
    return Q() if spec is None else scope_q(user, spec, model)


def restrict(qs: QuerySet, user, action: str = "view") -> QuerySet:
    q = row_filter(user, qs.model, action)
    if q is None:
        return qs.none()
    return qs.filter(q) if q else qs


def can(user, action: str, obj_or_model) -> bool:
    """May `user` do `action` on this object (or on this kind of model, given a class)?"""
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    if isinstance(obj_or_model, type):
        return model_allows(user, model, action)
    q = row_filter(user, model, action)
    if q is None:
        return False
    if not q and obj_or_model.pk is not None and not obj_or_model._state.adding:
        # Nothing narrows this user's rows of the model (the provincial office): a record read
        # from the database is theirs. A detail page asks this five times.
        return True
    return model._default_manager.filter(pk=obj_or_model.pk).filter(q).exists()


def units_for(user, action: str = "add"):
    """Units on whose behalf `user` may enter records: their own unit and the units under it."""
    from rectify.organisations.models import Unit

    unit = getattr(user, "unit", None)
    if unit is None or not area_allows(user, "records", action):
        return Unit.objects.none()
    if unit.is_provincial_office:
        return Unit.objects.filter(is_active=True)
    qs = Unit.objects.filter(is_active=True)
    if unit.is_office:
        return qs.filter(Q(region_id__in=unit.covered_city_ids()) | Q(region__parent_id__in=unit.covered_city_ids()))
    if unit.is_provincial:
        return qs.filter(department__line=unit.department.line)
    if unit.county is not None:
        return qs.filter(pk=unit.pk)
    return qs.filter(department__line=unit.department.line).filter(
        Q(region_id__in=unit.covered_city_ids()) | Q(region__parent_id__in=unit.covered_city_ids())
    )
