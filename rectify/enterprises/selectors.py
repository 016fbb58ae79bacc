"""Read-only queries of the enterprise registry: duplicates and coverage."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

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
    - near-identical names in the same city where at least one has no credit code;
    - the same (normalised) name carrying different credit codes.
    (A credit code itself is unique in the database, so it cannot repeat.)"""
    qs = Enterprise.objects.restrict(user, "change").filter(merged_into__isnull=True)
    rows = list(qs.values("pk", "name", "credit_code", "region_id"))
    by_region_name: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        key = name_key(r["name"])
        by_region_name[(r["region_id"], key)].append(r)
        by_name[key].append(r)
    regions = dict(Region.objects.values_list("pk", "name"))
    picked: list[tuple[str, int | None, list[int]]] = []
    for (region_id, _key), members in by_region_name.items():
        if len(members) > 1 and any(not m["credit_code"] for m in members):
            picked.append(("名称相近且缺少统一社会信用代码", region_id, [m["pk"] for m in members]))
    for _key, members in by_name.items():
        codes = {m["credit_code"] for m in members if m["credit_code"]}
        if len(codes) > 1:
            picked.append(("同名但统一社会信用代码不同", members[0]["region_id"], [m["pk"] for m in members]))
    picked = picked[:limit]
    objects = Enterprise.objects.in_bulk([pk for _r, _g, pks in picked for pk in pks])
    return [DuplicateGroup(reason, regions.get(region_id, ""), [objects[pk] for pk in pks if pk in objects])
            for reason, region_id, pks in picked]


# -- coverage ----------------------------------------------------------------------------------------
def coverage_counts(enterprise_ids: list[int] | None = None) -> dict[str, dict[int, set[int]]]:
    """HOOK for field work — returns which listed producers have been inspected and sampled.

    Shape: {"inspected": {category_id: {enterprise_id, ...}}, "sampled": {category_id: {...}}}.

    It returns empty sets until the field-work app (rectify/fieldwork, built separately) has
    inspection and sampling records. When it lands, implement this function by reading them —
    e.g. `Inspection.objects.filter(enterprise_id__in=...).values_list("category_id", "enterprise_id")`
    — imported inside the function via `django.apps.apps.get_model` so this module does not depend
    on fieldwork at import time. `coverage_table` and the coverage page need no change.
    """
    return {"inspected": {}, "sampled": {}}


@dataclass
class CoverageRow:
    city: Region
    cells: list[dict[str, int]]   # per category: listed, inspected, sampled
    total_listed: int = 0


def coverage_table(user) -> tuple[list[ProductCategory], list[CoverageRow]]:
    """Per city and category: listed producers, and of them how many inspected and sampled.
    An enterprise producing several categories counts once in each (the campaign's rule)."""
    campaign = Campaign.current()
    categories = list(ProductCategory.objects.filter(campaign=campaign).order_by("order")) if campaign else []
    producers = Enterprise.objects.restrict(user, "view").filter(is_producer=True, merged_into__isnull=True)
    through = Enterprise.categories.through
    pairs = list(through.objects.filter(enterprise__in=producers).values_list("enterprise__region_id", "productcategory_id",
                                                                              "enterprise_id"))
    listed: dict[tuple[int, int], set[int]] = defaultdict(set)
    for region_id, cat_id, ent_id in pairs:
        listed[(region_id, cat_id)].add(ent_id)
    done = coverage_counts(sorted({p[2] for p in pairs}))
    city_ids = {r for r, _c, _e in pairs} | set(producers.values_list("region_id", flat=True).distinct())
    rows = []
    for city in Region.objects.filter(pk__in=city_ids).order_by("code"):
        cells = []
        for cat in categories:
            ids = listed.get((city.pk, cat.pk), set())
            cells.append({"listed": len(ids), "inspected": len(ids & done["inspected"].get(cat.pk, set())),
                          "sampled": len(ids & done["sampled"].get(cat.pk, set()))})
        rows.append(CoverageRow(city, cells, sum(c["listed"] for c in cells)))
    return categories, rows
