"""Read-only queries of the enterprise registry: duplicates. (Coverage by field work is
fieldwork's: `fieldwork.selectors.coverage_table`.)"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from rectify.core.security.validators import normalise_uscc
from rectify.organisations.models import Region

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
