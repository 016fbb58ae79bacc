"""Reading and checking an enterprise list: columns, row validation and classification (new / update /
unchanged / error). Reads only; `services.enterprise_import_apply` writes the plan.

The generic file handling (safe reading, header mapping, failed-rows file) is core/generic/importing.py.
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from rectify.core.generic.importing import Column, RowError, Table, parse_bool, parse_date, split_multi
from rectify.core.security.validators import normalise_uscc, uscc_error
from rectify.organisations.models import Campaign, ProductCategory, Region
from rectify.organisations.reference import PRODUCT_CATEGORY_ALIASES

from .identity import division_warning
from .models import Enterprise, EntityType, ImportJob, ListEntry, Qualification

COLUMNS: list[Column] = [
    Column("name", "企业名称", ("name", "enterprise name", "company name", "企业全称", "单位名称"), True,
           "沈阳华康医用防护用品有限公司"),
    Column("credit_code", "统一社会信用代码",
           ("credit code", "uscc", "unified social credit code", "信用代码", "社会信用代码"), True,
           "91210100MA0Y4L2Q4T"),
    Column("entity_type", "主体类型", ("entity type", "type", "企业类型"), False, "企业法人"),
    Column("city", "所在市", ("city", "市", "所属市"), True, "沈阳市"),
    Column("county", "所在区县", ("county", "district", "区县", "所属区县"), False, "和平区"),
    Column("address", "地址", ("address", "住所", "生产地址"), False, "沈阳市和平区南京北街1号"),
    Column("legal_representative", "法定代表人", ("legal representative", "法人", "负责人", "经营者"), False, "王伟"),
    Column("phone", "联系电话", ("phone", "telephone", "tel", "电话"), False, "024-23456789"),
    Column("categories", "生产产品类别", ("categories", "product categories", "products", "产品类别"), False,
           "口罩、熔喷布"),
    Column("is_exporter", "是否出口", ("exporter", "export", "is exporter", "出口"), False, "否"),
    Column("licence_number", "许可证/注册证编号",
           ("licence number", "license number", "registration number", "许可证编号", "注册证编号", "许可证号"), False,
           "辽械注准20202140001"),
    Column("valid_to", "有效期至", ("valid to", "expiry date", "expires", "有效期"), False, "2025-05-14"),
]
LABELS = {c.key: c.label for c in COLUMNS}
TEXT_LIMITS = {"name": 200, "address": 300, "legal_representative": 50, "phone": 30, "licence_number": 100}
PHONE = re.compile(r"^[0-9+\-—()（）\s转,，/]{5,30}$")
SIMPLE_FIELDS = ("name", "entity_type", "region_id", "county_id", "address", "legal_representative", "phone")
NEW, UPDATE, UNCHANGED, ERROR = "new", "update", "unchanged", "error"
STATUS_LABELS = {NEW: "新增", UPDATE: "更新", UNCHANGED: "无变化", ERROR: "错误"}


def _strip_suffix(name: str) -> str:
    name = name.strip()
    for suffix in ("自治县", "市", "区", "县"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def category_key(text: str) -> str:
    """A category word as compared: half-width (“（”→“(”), without spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def qualification_kind(number: str) -> str:
    """Guess the certificate's kind from its number (械注准/械注进: registration; 备: filing)."""
    if "械注" in number:
        return Qualification.Kind.DEVICE_REGISTRATION
    if "备" in number:
        return Qualification.Kind.FILING
    return Qualification.Kind.PRODUCTION_LICENCE


class Lookups:
    """Name → id tables for cities, counties, categories and entity types, built once per file."""

    def __init__(self) -> None:
        self.cities: dict[str, Region] = {}
        self.counties: dict[tuple[int, str], Region] = {}
        self.county_codes: dict[str, Region] = {}
        self.region_names: dict[str, str] = dict(Region.objects.values_list("code", "name"))
        for r in Region.objects.filter(level__in=["city", "county"]).select_related("parent"):
            if r.level == "city":
                for key in (r.name, _strip_suffix(r.name), r.code):
                    self.cities[key] = r
            else:
                for key in (r.name, _strip_suffix(r.name)):
                    self.counties[(r.parent_id, key)] = r
                self.county_codes[r.code] = r
        campaign = Campaign.current()
        cats = ProductCategory.objects.filter(campaign=campaign) if campaign else ProductCategory.objects.all()
        self.categories: dict[str, int] = {}
        for c in cats:
            words = (c.name, c.code, c.name_en, c.name.split("（")[0], *re.findall(r"（(.+?)）", c.name),
                     *PRODUCT_CATEGORY_ALIASES.get(c.code, ()))
            for key in words:
                if key:
                    self.categories.setdefault(category_key(key), c.pk)
        self.entity_types = {str(label): value for value, label in EntityType.choices}
        self.entity_types.update({value: value for value in EntityType.values})
        self.entity_types.update({"企业": EntityType.COMPANY, "公司": EntityType.COMPANY,
                                  "个体户": EntityType.INDIVIDUAL, "合作社": EntityType.COOPERATIVE,
                                  "分公司": EntityType.BRANCH})


@dataclass
class Candidate:
    row: int
    fields: dict[str, Any]
    categories: set[int] | None
    is_exporter: bool | None
    licence_number: str
    valid_to: datetime.date | None
    status: str = NEW
    existing_id: int | None = None
    changes: list[str] = field(default_factory=list)
    qualification: str = ""          # "create" / "update" / ""
    qualification_id: int | None = None
    list_kinds: list[str] = field(default_factory=list)  # list entries to add
    warnings: list[RowError] = field(default_factory=list)  # shown in the preview, do not stop the import

    @property
    def credit_code(self) -> str | None:
        """None for an individual business without a code (matched by name and city instead)."""
        return self.fields["credit_code"]

    @property
    def identity(self) -> str | tuple[int, str]:
        """What identifies the row's enterprise: its code, else its city and name."""
        return self.credit_code or (self.fields["region_id"], self.fields["name"])


def allowed_regions(unit) -> tuple[set[int] | None, int | None]:
    """(city ids the unit may import for, or None for all; the county it is limited to)."""
    if unit is None or unit.is_provincial:
        return None, None
    if unit.county is not None:
        return {unit.city.pk}, unit.county.pk
    return set(unit.covered_city_ids()), None


def validate_row(values: dict[str, str], number: int, lk: Lookups, unit) -> tuple[Candidate | None, list[RowError]]:
    errors: list[RowError] = []

    def err(key: str, reason: str) -> None:
        errors.append(RowError(number, LABELS[key], reason))

    fields: dict[str, Any] = {}
    for key, limit in TEXT_LIMITS.items():
        value = values.get(key, "")
        if len(value) > limit:
            err(key, _("内容过长（%(n)d字），最多%(max)d字") % {"n": len(value), "max": limit})
        fields[key] = value
    if not fields["name"]:
        err("name", _("企业名称不能为空"))
    code = normalise_uscc(values.get("credit_code", ""))
    raw_type = values.get("entity_type", "")
    if raw_type:
        etype = lk.entity_types.get(raw_type)
        if etype is None:
            err("entity_type", _("主体类型“%(v)s”无法识别，应为：%(ok)s")
                % {"v": raw_type, "ok": "、".join(map(str, EntityType.labels))})
        fields["entity_type"] = etype
    else:
        fields["entity_type"] = EntityType.INDIVIDUAL if code.startswith("92") else EntityType.COMPANY
    # As on the form, an individual business may have no code; it is then found by name and city.
    if not code and fields["entity_type"] != EntityType.INDIVIDUAL:
        err("credit_code", _("统一社会信用代码不能为空（导入以此代码识别企业；"
                             "没有代码的个体工商户请在“主体类型”填写“个体工商户”）"))
    elif code and (reason := uscc_error(code)) is not None:
        err("credit_code", reason)
    fields["credit_code"] = code or None
    raw_city = values.get("city", "")
    city = lk.cities.get(raw_city) or lk.cities.get(_strip_suffix(raw_city))
    county = None
    if not raw_city:
        err("city", _("所在市不能为空"))
    elif city is None:
        err("city", _("所在市“%(v)s”不是本省的市，请填写市名称（如“沈阳市”）或行政区划代码") % {"v": raw_city})
    raw_county = values.get("county", "")
    if raw_county and city is not None:
        county = lk.counties.get((city.pk, raw_county)) or lk.counties.get((city.pk, _strip_suffix(raw_county)))
        if county is None and raw_county in lk.county_codes and lk.county_codes[raw_county].parent_id == city.pk:
            county = lk.county_codes[raw_county]
        if county is None:
            err("county", _("所在区县“%(v)s”不属于%(city)s") % {"v": raw_county, "city": city.name})
    cities, only_county = allowed_regions(unit)
    if city is not None and cities is not None and city.pk not in cities:
        err("city", _("您的单位（%(unit)s）只能导入本辖区的企业，不能导入%(city)s的企业")
            % {"unit": unit.name, "city": city.name})
    elif only_county is not None and county is not None and county.pk != only_county:
        err("county", _("您的单位只能导入%(county)s的企业") % {"county": unit.county.name})
    fields["region_id"] = city.pk if city else None
    fields["county_id"] = county.pk if county else None
    warnings = []
    if code and city is not None and (note := division_warning(code, city, county, lk.region_names)):
        warnings.append(RowError(number, LABELS["credit_code"], note))
    if fields["phone"] and not PHONE.match(fields["phone"]):
        err("phone", _("联系电话“%(v)s”格式不正确") % {"v": fields["phone"]})
    categories: set[int] | None = None
    if values.get("categories"):
        categories = set()
        for part in split_multi(values["categories"]):
            pk = lk.categories.get(category_key(part))
            if pk is None:
                err("categories", _("产品类别“%(v)s”不在本次专项行动的类别中") % {"v": part})
            else:
                categories.add(pk)
    is_exporter = None
    if values.get("is_exporter", "") != "":
        is_exporter = parse_bool(values["is_exporter"])
        if is_exporter is None:
            err("is_exporter", _("应填“是”或“否”，实际为“%(v)s”") % {"v": values["is_exporter"]})
    valid_to = None
    try:
        valid_to = parse_date(values.get("valid_to", ""))
    except ValueError:
        err("valid_to", _("日期“%(v)s”无法识别，请写成 2020-05-15 的形式") % {"v": values.get("valid_to", "")})
    if valid_to and not fields["licence_number"]:
        err("valid_to", _("填写了有效期，但没有填写许可证/注册证编号"))
    if errors:
        return None, errors
    licence = fields.pop("licence_number")
    return Candidate(number, fields, categories, is_exporter, licence, valid_to, warnings=warnings), []


def classify(candidates: list[Candidate], unit, errors: list[RowError], batch: int = 2000) -> list[Candidate]:
    """Compare each candidate with the enterprise holding its credit code — or, for an individual
    business without one, with the enterprise of the same name in the same city; drop (and report)
    rows that clash with the database. Returns the candidates that may be applied."""
    cities, only_county = allowed_regions(unit)
    out: list[Candidate] = []
    for start in range(0, len(candidates), batch):
        chunk = candidates[start:start + batch]
        existing = {e.credit_code: e for e in Enterprise.objects.filter(
            credit_code__in=[c.credit_code for c in chunk if c.credit_code])}
        named: dict[tuple[int, str], list[Enterprise]] = {}
        codeless = [c for c in chunk if not c.credit_code]
        if codeless:
            same_place = Enterprise.objects.filter(merged_into__isnull=True,
                                                   region_id__in={c.fields["region_id"] for c in codeless},
                                                   name__in={c.fields["name"] for c in codeless})
            for e in same_place.order_by("pk"):
                named.setdefault((e.region_id, e.name), []).append(e)
        ids = [e.pk for e in existing.values()] + [e.pk for found in named.values() for e in found]
        cats: dict[int, set[int]] = {}
        for eid, cid in Enterprise.categories.through.objects.filter(enterprise_id__in=ids).values_list(
                "enterprise_id", "productcategory_id"):
            cats.setdefault(eid, set()).add(cid)
        quals: dict[tuple[int, str], tuple[int, Any]] = {
            (q["enterprise_id"], q["number"]): (q["pk"], q["valid_to"])
            for q in Qualification.objects.filter(enterprise_id__in=ids).values("pk", "enterprise_id", "number",
                                                                               "valid_to")}
        lists = set(ListEntry.objects.filter(enterprise_id__in=ids).values_list("enterprise_id", "kind"))
        for c in chunk:
            if c.credit_code:
                e = existing.get(c.credit_code)
            else:
                found = named.get(c.identity, [])
                if len(found) > 1:
                    errors.append(RowError(c.row, LABELS["name"], _(
                        "%(city)s有 %(n)d 家名为“%(name)s”的企业，无法确定是哪一家，请填写统一社会信用代码")
                        % {"city": found[0].region, "n": len(found), "name": c.fields["name"]}))
                    continue
                e = found[0] if found else None
            producer = bool(c.categories)
            exporter = bool(c.is_exporter)
            if e is None:
                c.status = NEW
                c.qualification = "create" if c.licence_number else ""
                c.list_kinds = (([ListEntry.Kind.PRODUCER] if producer else [])
                                + ([ListEntry.Kind.EXPORTER] if exporter else []))
                out.append(c)
                continue
            if cities is not None and (e.region_id not in cities or (only_county and e.county_id != only_county)):
                errors.append(RowError(c.row, LABELS["credit_code"],
                                       _("该代码已登记为其他辖区的企业“%(name)s”，您不能修改") % {"name": e.name}))
                continue
            if e.merged_into_id:
                errors.append(RowError(c.row, LABELS["credit_code"],
                                       _("该代码的企业已合并至其他企业，请使用合并后的企业")))
                continue
            c.existing_id = e.pk
            for name in SIMPLE_FIELDS:
                new = c.fields.get(name)
                if new in ("", None) or new == getattr(e, name):
                    continue
                c.changes.append(name)
            if producer and not e.is_producer:
                c.changes.append("is_producer")
            if c.is_exporter is not None and c.is_exporter != e.is_exporter:
                c.changes.append("is_exporter")
            if c.categories and c.categories != cats.get(e.pk, set()):
                c.changes.append("categories")
            if c.licence_number:
                found = quals.get((e.pk, c.licence_number))
                if found is None:
                    c.qualification = "create"
                elif c.valid_to and found[1] != c.valid_to:
                    c.qualification, c.qualification_id = "update", found[0]
            wanted_kinds = ((ListEntry.Kind.PRODUCER, producer), (ListEntry.Kind.EXPORTER, exporter))
            c.list_kinds = [k for k, wanted in wanted_kinds if wanted and (e.pk, k) not in lists]
            c.status = UPDATE if (c.changes or c.qualification or c.list_kinds) else UNCHANGED
            out.append(c)
    return out


def check_rows(table: Table, unit,
               progress: Callable[[int], None] | None = None) -> tuple[list[Candidate], list[RowError]]:
    """Validate every row of a mapped table, then classify against the database."""
    lk = Lookups()
    errors: list[RowError] = list(table.errors)  # rows the file itself could not give
    candidates: list[Candidate] = []
    seen: dict[str | tuple[int, str], int] = {}
    for i, row in enumerate(table.rows, start=1):
        cand, row_errors = validate_row(row.values, row.number, lk, unit)
        if cand is not None and cand.identity in seen:
            if cand.credit_code:
                row_errors.append(RowError(row.number, LABELS["credit_code"],
                                           _("与第%(n)d行的统一社会信用代码重复") % {"n": seen[cand.identity]}))
            else:
                row_errors.append(RowError(row.number, LABELS["name"], _(
                    "与第%(n)d行是同一所在市的同名企业（没有统一社会信用代码的个体工商户以名称和所在市识别）")
                    % {"n": seen[cand.identity]}))
            cand = None
        if cand is not None:
            seen[cand.identity] = row.number
            candidates.append(cand)
        errors.extend(row_errors)
        if progress and i % 1000 == 0:
            progress(i)
    return classify(candidates, unit, errors), sorted(errors, key=lambda e: e.row)


def preview_rows(candidates: Iterable[Candidate], errors: list[RowError], limit: int = 1000) -> list[dict[str, Any]]:
    """The first rows for the preview table, errors and warnings included, in file order."""
    rows = [{"row": c.row, "status": c.status, "name": c.fields["name"], "credit_code": c.credit_code or "",
             "changes": "、".join(_change_label(n) for n in c.changes),
             "warnings": "；".join(w.reason for w in c.warnings)}
            for c in candidates]
    rows += [{"row": e.row, "status": ERROR, "name": "", "credit_code": "", "changes": str(e), "warnings": ""}
             for e in errors]
    rows.sort(key=lambda r: r["row"])
    return rows[:limit]


def _change_label(name: str) -> str:
    if name == "categories":
        return "生产产品类别"
    return str(Enterprise._meta.get_field(name.removesuffix("_id")).verbose_name)


def failed_rows(job: ImportJob) -> list[tuple[int, list[str], list[str]]]:
    """The rows of a checked file that failed, in file order, each with its cells as uploaded and the
    reasons (【column】reason): the failed-rows workbook to correct and upload again."""
    reasons: dict[int, list[str]] = {}
    for e in job.errors:
        reasons.setdefault(e["row"], []).append(f"【{e['column']}】{e['reason']}" if e["column"] else e["reason"])
    return [(int(n), raw, reasons.get(int(n), []))
            for n, raw in sorted(job.failed_rows.items(), key=lambda kv: int(kv[0]))]
