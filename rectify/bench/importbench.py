"""(b) Importing a 100,000-row enterprise file end to end through the project's import pipeline
(parse and file checks → validate and classify → bulk write → change log and audit event), in
rows/s, against django-import-export importing the same file into Enterprise with a ModelResource.

Each run is rolled back at its end (the same for both tools), so every run imports the same new
enterprises into the same database; the commit itself, a single WAL flush, is not timed."""
from __future__ import annotations

import io
import random
import time
from dataclasses import dataclass, field

from django.db import transaction

from rectify.core import bulkcopy
from rectify.core.audit.events import record_event
from rectify.core.current import acting_as
from rectify.core.generic.importing import errors_by_row, read_table
from rectify.core.security.validators import USCC_ALPHABET, uscc_check_char
from rectify.enterprises.importing import COLUMNS, check_rows
from rectify.enterprises.models import Enterprise, EntityType
from rectify.enterprises.services import enterprise_import_apply
from rectify.organisations.demo import DemoContext
from rectify.organisations.models import ProductCategory, Region

from .stats import Sample

ROWS = 100_000
BAD_CODE_EVERY = 97     # a wrong check character: both tools must reject it (validate_uscc)
BAD_CITY_EVERY = 251    # a city that is not in the province: both tools must reject it


class _Rollback(Exception):
    pass


@dataclass
class ImportFile:
    data: bytes
    rows: int
    expected_rejected: set[int] = field(default_factory=set)  # Excel row numbers (header = 1)


def make_file(rows: int = ROWS, seed: int = 8) -> ImportFile:
    """A realistic list: the template's Chinese headers, cities and counties by name, several
    categories, licences; a few wrong rows. Credit codes are new to the database."""
    import xlsxwriter

    rng = random.Random(seed)
    ctx = DemoContext(scale="small", seed=seed)
    cities = list(Region.objects.filter(level="city").order_by("code"))
    counties = {c.pk: list(Region.objects.filter(parent=c, level="county").order_by("code")) for c in cities}
    categories = list(ProductCategory.objects.order_by("pk").values_list("name", flat=True).distinct())
    existing = set(Enterprise.objects.exclude(credit_code=None).values_list("credit_code", flat=True))
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet("企业名录")
    sheet.write_row(0, 0, [c.label for c in COLUMNS])
    expected: set[int] = set()
    used: set[str] = set()
    for i in range(1, rows + 1):
        city = cities[i % len(cities)]
        county = rng.choice(counties[city.pk]) if counties[city.pk] else None
        while True:
            first17 = (("92" if rng.random() < .1 else "91") + city.code
                       + "".join(rng.choice(USCC_ALPHABET) for _ in range(9)))
            code = first17 + uscc_check_char(first17)
            if code not in existing and code not in used:
                used.add(code)
                break
        city_name = city.name
        if i % BAD_CODE_EVERY == 0:
            code = first17 + ("0" if code[-1] != "0" else "1")
            expected.add(i + 1)
        if i % BAD_CITY_EVERY == 0:
            city_name, county = "火星市", None
            expected.add(i + 1)
        cats = rng.sample(categories, k=rng.choice((1, 1, 2)))
        licence = f"辽械注准2020214{rng.randint(1000, 9999)}" if rng.random() < .4 else ""
        sheet.write_row(i, 0, [
            ctx.company(city.name, "mask"), code, "个体工商户" if code.startswith("92") else "企业法人", city_name,
            county.name if county else "", f"{city.name}{county.name if county else ''}{rng.randint(1, 300)}号",
            ctx.person(), ctx.phone(), "、".join(cats), "是" if rng.random() < .15 else "否", licence,
            "2025-05-14" if licence else "",
        ])
    book.close()
    return ImportFile(out.getvalue(), rows, expected)


def slice_file(source: ImportFile, rows: int) -> ImportFile:
    """The first `rows` data rows of a file, as a new xlsx (for the slow tool)."""
    import xlsxwriter
    from python_calamine import CalamineWorkbook

    grid = CalamineWorkbook.from_filelike(io.BytesIO(source.data)).get_sheet_by_index(0).to_python()[: rows + 1]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet("企业名录")
    for r, values in enumerate(grid):
        sheet.write_row(r, 0, [str(v) for v in values])
    book.close()
    return ImportFile(out.getvalue(), rows, {n for n in source.expected_rejected if n <= rows + 1})


# -- the project's pipeline --------------------------------------------------------------------------
def project_import(file: ImportFile, user) -> tuple[float, set[int], dict]:
    """Parse, validate, write, audit — the functions the import job services call — timed;
    returns (seconds, rejected row numbers, counts). The enterprise import is all-or-nothing per
    file in the UI; here the valid rows are written as the corrected re-upload would be."""
    result: dict = {}
    started = time.perf_counter()
    try:
        with acting_as(user, request_id="bench-import"), transaction.atomic():
            table = read_table("bench.xlsx", file.data, COLUMNS)
            candidates, errors = check_rows(table, user.unit)
            counts = enterprise_import_apply(candidates=candidates, unit=user.unit, source="bench.xlsx")
            record_event("enterprise.import.commit", detail={**counts, "bench": True})
            result = {"rejected": set(errors_by_row(errors)), **counts}
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return elapsed, result.pop("rejected"), result


# -- django-import-export ------------------------------------------------------------------------------
def _resource_class():
    """A ModelResource as its documentation writes one: columns by header, foreign keys and the
    many-to-many by name, model validation on. (No county — county names repeat across cities,
    which a ForeignKeyWidget cannot resolve — no qualifications and no list entries: it does less
    than the project's import, which only favours it.)"""
    from import_export import fields, resources, widgets

    class ChoiceLabelWidget(widgets.Widget):
        labels = {str(label): value for value, label in EntityType.choices}

        def clean(self, value, row=None, **kwargs):
            return self.labels.get(value, value)

    class YesNoWidget(widgets.BooleanWidget):
        TRUE_VALUES = ["是", "1", 1, True, "true", "TRUE", "True"]
        FALSE_VALUES = ["否", "0", 0, False, "false", "FALSE", "False"]

    class EnterpriseResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="企业名称")
        credit_code = fields.Field(attribute="credit_code", column_name="统一社会信用代码")
        entity_type = fields.Field(attribute="entity_type", column_name="主体类型", widget=ChoiceLabelWidget())
        region = fields.Field(attribute="region", column_name="所在市", widget=widgets.ForeignKeyWidget(Region, "name"))
        address = fields.Field(attribute="address", column_name="地址")
        legal_representative = fields.Field(attribute="legal_representative", column_name="法定代表人")
        phone = fields.Field(attribute="phone", column_name="联系电话")
        categories = fields.Field(attribute="categories", column_name="生产产品类别",
                                  widget=widgets.ManyToManyWidget(ProductCategory, separator="、", field="name"))
        is_exporter = fields.Field(attribute="is_exporter", column_name="是否出口", widget=YesNoWidget())

        class Meta:
            model = Enterprise
            import_id_fields = ("credit_code",)
            fields = ("name", "credit_code", "entity_type", "region", "address", "legal_representative", "phone",
                      "categories", "is_exporter")
            clean_model_instances = True
            skip_unchanged = False

    return EnterpriseResource


def die_import(file: ImportFile, user) -> tuple[float, set[int], dict]:
    import tablib

    resource = _resource_class()()
    started = time.perf_counter()
    rejected: set[int] = set()
    counts: dict = {}
    try:
        with acting_as(user, request_id="bench-die"), transaction.atomic():
            dataset = tablib.Dataset().load(file.data, format="xlsx")
            result = resource.import_data(dataset, dry_run=False, raise_errors=False, use_transactions=False,
                                          collect_failed_rows=True)
            elapsed = time.perf_counter() - started
            # import-export numbers data rows from 1; the file's row numbers count the header too
            rejected = {n + 1 for n, _errors in result.row_errors()} | {r.number + 1 for r in result.invalid_rows}
            counts = {k: v for k, v in result.totals.items() if v}
            raise _Rollback
    except _Rollback:
        pass
    return elapsed, rejected, counts


def run(user, runs: int, die_rows: int, log, rows: int = ROWS) -> dict:
    """Returns the samples and what each tool rejected; `log` prints progress lines."""
    log(f"  generating a {rows:,}-row enterprise file…")
    full = make_file(rows)
    part = slice_file(full, die_rows)
    out: dict = {"rows": full.rows, "die_rows": part.rows, "bytes": len(full.data),
                 "expected": len(full.expected_rejected)}
    project, project_part, die = Sample(), Sample(), Sample()
    for i in range(runs):
        seconds, rejected, counts = project_import(full, user)
        project.values.append(seconds)
        out["project_rejected"], out["project_counts"] = rejected, counts
        log(f"  project import, {full.rows:,} rows, run {i + 1}: {seconds:.1f} s, {len(rejected)} rejected, {counts}")
    for _run in range(runs):
        seconds, rejected, _counts = project_import(part, user)
        project_part.values.append(seconds)
        out["project_part_rejected"] = rejected
    copy_side_by_side(part, user, runs, log)
    for i in range(max(1, runs - 1)):
        seconds, rejected, counts = die_import(part, user)
        die.values.append(seconds)
        out["die_rejected"], out["die_counts"] = rejected, counts
        log(f"  django-import-export, {part.rows:,} rows, run {i + 1}: {seconds:.1f} s, "
            f"{len(rejected)} rejected, {counts}")
    out.update(project=project, project_part=project_part, die=die, expected_part=part.expected_rejected,
               expected_full=full.expected_rejected)
    return out


def copy_side_by_side(file: ImportFile, user, runs: int, log) -> tuple[Sample, Sample]:
    """The project's import of `file` with bulk inserts through COPY (core/bulkcopy.py, which reaches
    into Django's bulk_create internals) and through Django's own bulk_create, in turn; logged as
    the ratio of the medians with each side's range."""
    with_copy, without = Sample(), Sample()
    threshold = bulkcopy.COPY_MIN_ROWS
    for _run in range(max(3, runs)):
        with_copy.values.append(project_import(file, user)[0])
        bulkcopy.COPY_MIN_ROWS = 10**12  # no batch qualifies: every insert is Django's bulk_create
        try:
            without.values.append(project_import(file, user)[0])
        finally:
            bulkcopy.COPY_MIN_ROWS = threshold
    ratio = without.median / with_copy.median
    log(f"  (b′) bulk inserts through COPY, {file.rows:,} rows side by side: with COPY {with_copy.median:.2f} s "
        f"({with_copy.low:.2f}–{with_copy.high:.2f}), with bulk_create {without.median:.2f} s "
        f"({without.low:.2f}–{without.high:.2f}): {ratio:.2f}× without it")
    return with_copy, without
