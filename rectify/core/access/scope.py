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
3. For a write (add, change, delete), is the row on the user's owner side? Seeing a row is not
   owning it: a row changes only through the units that may enter records for its owner unit
   (`owned_units`: the unit itself, the office of its city, the provincial department of its
   line, the provincial office), and province-owned data (`province_owned`: the export lists,
   the directory, 督办, covert-visit findings) only through provincial units. A unit that merely
   sees a row (a receiver of a transfer, another line, the visited city) takes its own workflow
   steps through services, never the generic edit.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from rectify.core.access.roles import allowed


@dataclass(frozen=True)
class ScopeSpec:
    region: str | None = "region"
    county: str | None = "county"
    line: str | None = "line"
    shared: str | tuple[str, ...] | None = None  # path(s) to a Unit that may also see the row (read only)
    owner: str | None = "unit"  # path to the owning unit (writes are limited to the owner side)
    province_owned: bool = False  # only provincial units write these rows (the provincial office
    # alone where `owner` is None)


RECORD_SCOPE = ScopeSpec()
# Data every unit reads and the provincial office alone writes (a campaign and its configuration).
PROVINCIAL_OFFICE_DATA = ScopeSpec(region=None, county=None, line=None, owner=None, province_owned=True)


def area_allows(user, area: str, action: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return allowed(user.role_codes, area, action)


def model_allows(user, model, action: str) -> bool:
    """May `user` `action` some row of `model`? Their roles in its area; for a write on province-owned
    data, also a unit on its owner side (a city office admin may not add a campaign at all, so it is
    offered no add page or button, not one that fails when saved)."""
    if not area_allows(user, getattr(model, "perm_area", "records"), action):
        return False
    spec: ScopeSpec | None = getattr(model, "scope", None)
    if action in WRITE_ACTIONS and spec is not None and spec.province_owned:
        return owner_q(user, spec, action) is not None
    return True


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
    shared = (spec.shared,) if isinstance(spec.shared, str) else spec.shared or ()
    if not q:  # nothing narrows this user's rows: an extra path must not narrow them either
        return q
    for path in shared:
        if model is not None and ("__" in path or _to_many(model, path)):
            # A to-many path as a subquery, not a join: a join needs DISTINCT, and PostgreSQL
            # refuses SELECT ... DISTINCT ... FOR UPDATE (object_update locks restricted rows).
            q |= Q(pk__in=model._base_manager.filter(**{path: unit.pk}).values("pk"))
        else:
            q |= Q(**{path: unit.pk})
    return q


def _to_many(model, name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a reverse accessor's query name: the query itself says what is wrong
        return False
    return bool(field.many_to_many or field.one_to_many)


WRITE_ACTIONS = frozenset({"add", "change", "delete"})


def unit_model():
    """The organisation's unit model, named in settings (`RECTIFY_UNIT_MODEL`) as Django names the
    user model: the organisation is a domain app built on core, so core does not import it."""
    return apps.get_model(settings.RECTIFY_UNIT_MODEL)


def owned_units(unit):
    """The units whose records `unit` may enter and change: itself and those under it."""
    qs = unit_model().objects.filter(is_active=True)
    if unit.is_provincial_office:
        return qs
    cities = unit.covered_city_ids()
    in_region = Q(region_id__in=cities) | Q(region__parent_id__in=cities)
    if unit.is_office:
        return qs.filter(in_region)
    if unit.is_provincial:
        return qs.filter(department__line=unit.department.line)
    if unit.county is not None:
        return qs.filter(pk=unit.pk)
    return qs.filter(department__line=unit.department.line).filter(in_region)


def owner_q(user, spec: ScopeSpec, action: str = "change") -> Q | None:
    """The rows under `spec` on `user`'s owner side: None for none, an empty Q for all. A deletion
    is narrower: the owner unit's own line only (a city office does not delete the customs'
    or the police's records of its city; the provincial office may)."""
    unit = getattr(user, "unit", None)
    if unit is None:
        return None
    if spec.province_owned and not unit.is_provincial:
        return None
    if unit.is_provincial_office:
        return Q()
    if spec.owner is None:
        return None if spec.province_owned else Q()
    units = owned_units(unit)
    if action == "delete":
        units = units.filter(department__line=unit.department.line)
    return Q(**{f"{spec.owner}__in": units.values("pk")})


def row_filter(user, model, action: str = "view") -> Q | None:
    """The rows of `model` that `user` may `action`: None for none at all, an empty Q for all."""
    if not model_allows(user, model, action):
        return None
    spec: ScopeSpec | None = getattr(model, "scope", None)
    if spec is None:
        return Q()
    q = scope_q(user, spec, model)
    if action in WRITE_ACTIONS:
        owner = owner_q(user, spec, action)
        if owner is None:
            return None
        q &= owner
    return q


def write_refusal(user, action: str, obj) -> str:
    """Why `user` may not `action` the row `obj` they can see (or, given a model, any row of it), in
    the user's language."""
    model = obj if isinstance(obj, type) else type(obj)
    if not area_allows(user, getattr(model, "perm_area", "records"), action):
        return _("您的角色没有此操作的权限。")
    spec: ScopeSpec | None = getattr(model, "scope", None)
    if spec is not None and spec.province_owned:
        if spec.owner is None:
            return _("该类数据由省专项工作组办公室维护，其他单位只能查看。")
        return _("该类数据由省级单位维护，您只能查看。")
    if isinstance(obj, type):
        return _("您没有此操作的权限。")
    owner = _owner_unit(obj, spec)
    if owner is not None:
        return _("该记录属于“%(unit)s”，您只能查看，不能修改或删除。") % {"unit": owner}
    return _("您没有此操作的权限。")


def _owner_unit(obj, spec: ScopeSpec | None):
    if spec is None or spec.owner is None:
        return None
    value = obj
    for part in spec.owner.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


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
    unit = getattr(user, "unit", None)
    if unit is None or not area_allows(user, "records", action):
        return unit_model().objects.none()
    return owned_units(unit)
