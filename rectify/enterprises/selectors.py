"""Read-only queries of the enterprise registry: duplicates and coverage."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rectify.core.security.validators import normalise_uscc
from rectify.organisations.models import Campaign, ProductCategory, Region

from .models import Enterprise

_NAME_NOISE = re.compile(r"[\s()（）【】\[\]·,，.。、\-—_]+")
_NAME_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "分公司", "公司", "经营部", "厂")


def name_key(name: str) -> str:
    """A name reduced to what tells enterprises apart: without spaces, brackets, punctuation and the
    legal-form suffix, so “沈阳华康有限公司” and “沈阳 华康（有限）公司” meet."""
    key = _NAME_NOISE.sub("", name or "").lower()
    for suffix in _NAME_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            key = key[: -len(suffix)]
            break
    return key


@dataclass
class DuplicateGroup:
    reason: str
    region: str
    enterprises: list[Enterprise] = field(default_factory=list)


def duplicate_groups(user, limit: int = 200) -> list[DuplicateGroup]:
    """Possible duplicates among the enterprises `user` may change:
    - one credit code written in different ways (lower case, full-width, spaces: stored before codes
      were normalised, or written behind the application's back);
    - near-identical names in the same city where at least one has no credit code;
    - the same (normalised) name carrying different credit codes.
    Codes are compared normalised (core.security.validators.normalise_uscc)."""
    qs = Enterprise.objects.restrict(user, "change").filter(merged_into__isnull=True)
    rows = list(qs.values("pk", "name", "credit_code", "region_id"))
    by_region_name: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_code: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        r["credit_code"] = normalise_uscc(r["credit_code"])
        if r["credit_code"]:
            by_code[r["credit_code"]].append(r)
        key = name_key(r["name"])
        by_region_name[(r["region_id"], key)].append(r)
        by_name[key].append(r)
    regions = dict(Region.objects.values_list("pk", "name"))
    picked: list[tuple[str, int | None, list[int]]] = []
    for members in by_code.values():
        if len(members) > 1:
            picked.append((_("统一社会信用代码相同（书写形式不同）"), members[0]["region_id"],
                           [m["pk"] for m in members]))
    for (region_id, _key), members in by_region_name.items():
        if len(members) > 1 and any(not m["credit_code"] for m in members):
            picked.append((_("名称相近且缺少统一社会信用代码"), region_id, [m["pk"] for m in members]))
    for _key, members in by_name.items():
        codes = {m["credit_code"] for m in members if m["credit_code"]}
        if len(codes) > 1:
            picked.append((_("同名但统一社会信用代码不同"), members[0]["region_id"], [m["pk"] for m in members]))
    picked = picked[:limit]
    objects = Enterprise.objects.in_bulk([pk for _r, _g, pks in picked for pk in pks])
    return [DuplicateGroup(reason, regions.get(region_id, ""), [objects[pk] for pk in pks if pk in objects])
            for reason, region_id, pks in picked]


# -- coverage ----------------------------------------------------------------------------------------
def coverage_counts(enterprise_ids: Iterable[int] | QuerySet | None = None, *,
                    user=None) -> dict[str, dict[int, set[int]]]:
    """Which enterprises field work has inspected and sampled, per product category.

    Shape: {"inspected": {category_id: {enterprise_id, ...}}, "sampled": {category_id: {...}}}.
    Inspected = has an InspectionOutcome for the category (any outcome: a failed inspection is
    still an inspection); sampled = has a Sample of the category. `enterprise_ids` (ids or a
    queryset of enterprises, used as a subquery) narrows the enterprises; `user` narrows the
    field-work records to those the user may see, so the page counts what the user can open.
    One DISTINCT (category, enterprise) query per kind; the models are looked up through the app
    registry so this app does not import fieldwork (which depends on it)."""
    sources = {"inspected": ("fieldwork", "InspectionOutcome"), "sampled": ("fieldwork", "Sample")}
    result: dict[str, dict[int, set[int]]] = {}
    for key, (app_label, model_name) in sources.items():
        result[key] = {}
        model = apps.get_model(app_label, model_name)
        qs = model.objects.restrict(user, "view") if user is not None else model.objects.all()
        if enterprise_ids is not None:
            ids = enterprise_ids if isinstance(enterprise_ids, QuerySet) else list(enterprise_ids)
            qs = qs.filter(enterprise_id__in=ids)
        for category_id, enterprise_id in qs.order_by().values_list("category_id", "enterprise_id").distinct():
            result[key].setdefault(category_id, set()).add(enterprise_id)
    return result


NOT_INSPECTED_SHOWN = 100  # per cell: the page lists the first ones and says how many more


@dataclass
class CoverageRow:
    city: Region
    # per category: listed, inspected, sampled (counts), not_inspected [(id, name)] (first ones),
    # not_inspected_count, not_sampled_count
    cells: list[dict[str, Any]]
    total_listed: int = 0


def coverage_table(user) -> tuple[list[ProductCategory], list[CoverageRow]]:
    """Per city and category: listed producers, and of them how many inspected and sampled, and
    which are not inspected yet. An enterprise producing several categories counts once in each
    (the campaign's rule)."""
    campaign = Campaign.current()
    categories = list(ProductCategory.objects.filter(campaign=campaign).order_by("order")) if campaign else []
    producers = Enterprise.objects.restrict(user, "view").filter(is_producer=True, merged_into__isnull=True)
    through = Enterprise.categories.through
    pairs = list(through.objects.filter(enterprise__in=producers).values_list(
        "enterprise__region_id", "productcategory_id", "enterprise_id", "enterprise__name"))
    listed: dict[tuple[int, int], set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    for region_id, cat_id, ent_id, name in pairs:
        listed[(region_id, cat_id)].add(ent_id)
        names[ent_id] = name
    # The producers queryset as a subquery: a city's list can be longer than a database's
    # parameter limit.
    done = coverage_counts(producers.values("pk"), user=user)
    city_ids = {p[0] for p in pairs} | set(producers.values_list("region_id", flat=True).distinct())
    rows = []
    for city in Region.objects.filter(pk__in=city_ids).order_by("code"):
        cells = []
        for cat in categories:
            ids = listed.get((city.pk, cat.pk), set())
            inspected = ids & done["inspected"].get(cat.pk, set())
            sampled = ids & done["sampled"].get(cat.pk, set())
            missing = sorted(ids - inspected, key=lambda pk: (names[pk], pk))
            cells.append({"category": cat, "listed": len(ids), "inspected": len(inspected), "sampled": len(sampled),
                          "not_inspected": [(pk, names[pk]) for pk in missing[:NOT_INSPECTED_SHOWN]],
                          "not_inspected_count": len(missing), "not_sampled_count": len(ids - sampled)})
        rows.append(CoverageRow(city, cells, sum(c["listed"] for c in cells)))
    return categories, rows
