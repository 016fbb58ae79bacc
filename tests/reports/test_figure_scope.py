"""Figures follow the scope (docs/security.md, item 17): every figure a user is shown — 附件1/附件2 on the
tables page and in its official .xlsx, the dashboard's charts, the province workbook, a drill-down,
a city office's submitted report and its files — equals a plain recomputation over the rows that
user may list (`Model.objects.restrict(user)`), for every kind of user. The records lie in two
cities, two customs districts, a county and four lines, so that no two scopes give the same figures."""
from __future__ import annotations

import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
from django.apps import apps
from django.urls import reverse

from rectify.accounts.models import Role, User
from rectify.core.current import acting_as
from rectify.enforcement.models import Case
from rectify.enforcement.services.transfers import case_transfer
from rectify.enterprises.models import Enterprise
from rectify.fieldwork import services as fw
from rectify.organisations.models import Campaign, CaseCategory, Department, ProductCategory, Region, Unit
from rectify.reports import services
from rectify.reports.dashboard import TRENDS
from rectify.reports.models import Indicator, TableLayout, WeeklyReport
from rectify.testing import WorldTestCase

from .fixtures import D, build, cat, enterprise, officers, unit

START, CUTOFF = D("2020-05-15"), D("2020-06-04")
# Every kind of user: the provincial office, two provincial departments (public security; customs,
# a unit made here — the seed has customs districts only), a city office and its leader, a city
# market-regulation bureau, the city police, a customs district covering six cities, a county
# bureau and a business auditor in another city.
USERS = ["province_office", "province_police", "province_customs", "shenyang_office", "shenyang_leader",
         "shenyang_samr", "shenyang_police", "customs_dl", "heping_samr", "auditor"]
# Who may read the Shenyang office's submitted report (it counts every line of the city).
READS_CITY_REPORT = {"province_office", "shenyang_office", "shenyang_leader"}
DRILLED = ["a1_inspected", "a1_export_batches", "a1_recalled", "a2_quality_filed", "a2_ps_criminal", "a2_total_filed",
           "a2_transferred"]


def _quantise(value: Decimal, decimals: int):
    if decimals == 0:
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


class Recount:
    """The indicators recomputed the plain way: the rows `user` may list, the indicator's filters
    and date range, counted and summed in Python — no engine code. A department's figures are
    those of its line: a record another line transferred to it (which it may list) stays counted
    by its own line, as 附件2 counts a case sent to the police as the sender's 移送公安."""

    def __init__(self, user, cutoff: datetime.date = CUTOFF):
        self.user, self.cutoff, self.rows = user, cutoff, {}

    def _rows(self, ind: Indicator) -> list[tuple]:
        if ind.pk not in self.rows:
            qs = apps.get_model(ind.source).objects.restrict(self.user, "view").filter(**ind.filters)
            if not self.user.unit.is_office:
                qs = qs.filter(**{ind.line_field: self.user.unit.department.line})
            if ind.date_field:
                qs = qs.filter(**{f"{ind.date_field}__gte": START, f"{ind.date_field}__lte": self.cutoff})
            measures = [name.strip() for name in ind.field.split("+")] if ind.field else []
            self.rows[ind.pk] = list(qs.values_list(ind.category_field, ind.region_field, *measures))
        return self.rows[ind.pk]

    def records(self, ind: Indicator, category_id: int, region_id: int | None = None) -> list[tuple]:
        return [r for r in self._rows(ind) if r[0] == category_id and region_id in (None, r[1])]

    def raw(self, ind: Indicator, category_id: int, region_id: int | None = None) -> Decimal:
        rows = self.records(ind, category_id, region_id)
        if ind.aggregate == "count":
            return Decimal(len(rows))
        if ind.aggregate == "count_distinct":
            return Decimal(len({r[2] for r in rows}))
        return sum((Decimal(v or 0) for r in rows for v in r[2:]), Decimal(0))

    def value(self, ind: Indicator, category_id: int, region_id: int | None = None):
        if ind.aggregate == "ratio":
            num = self.raw(ind.numerator, category_id, region_id)
            den = self.raw(ind.denominator, category_id, region_id)
            return _quantise(num / den * ind.scale, ind.decimals) if den else ""
        return _quantise(self.raw(ind, category_id, region_id) * ind.scale, ind.decimals)

    def tables(self, region_id: int | None = None) -> dict[tuple[str, str, str], str]:
        out = {}
        for layout in TableLayout.objects.order_by("order"):
            for column in layout.columns.select_related("indicator__numerator", "indicator__denominator"):
                for category in ProductCategory.objects.all():
                    out[(layout.code, category.code, column.indicator.code)] = str(
                        self.value(column.indicator, category.pk, region_id))
        return out


def page_tables(tables) -> dict[tuple[str, str, str], str]:
    return {(t.layout.code, category.code, cell.indicator.code): str(cell.value)
            for t in tables for category, cells in t.rows for cell in cells}


def sheet_tables(ws, layout: TableLayout) -> dict[tuple[str, str, str], str]:
    """The figures of one official sheet (rows from the sixth, in the categories' order); a rate
    is kept as the fraction its cell shows as a percentage, read back in per cent as computed."""
    columns = [c.indicator.code for c in layout.columns.select_related("indicator").order_by("order")]
    out = {}
    for r, category in enumerate(ProductCategory.objects.order_by("order"), start=6):
        for c, code in enumerate(columns, start=2):
            cell = ws.cell(r, c)
            percent = isinstance(cell.value, int | float) and cell.number_format.endswith("%")
            out[(layout.code, category.code, code)] = cell.value * 100 if percent else cell.value
    return out


def as_number(value) -> float | str:
    return "" if value in ("", None) else round(float(value), 4)


class FigureScopeTests(WorldTestCase):
    maxDiff = None
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        users = cls.users
        records = build(users)
        province = Region.objects.get(code="210000")
        customs = Unit.objects.create(code="210000-customs", name="海关（省级，测试）", region=province,
                                      department=Department.objects.get(code="customs_dl"),
                                      parent=Unit.objects.get(code="210000-office"))
        for key, unit_obj, role in (("province_customs", customs, "clerk"),
                                    ("auditor", unit("210200-samr"), "auditor")):
            users[key] = User.objects.create_user(username=f"t_{key}", password="x", unit=unit_obj, full_name=key)
            users[key].roles.set([Role.objects.get(code=role)])
        heping = Region.objects.get(code="210102")
        e5 = enterprise(5, "210100", "沈阳和平戊医疗器械厂", "mask", "thermometer")
        Enterprise.objects.filter(pk=e5.pk).update(county=heping)
        e5.refresh_from_db()
        with acting_as(users["heping_samr"]):  # a county's own inspection and case
            fw.inspection_record(unit=unit("210102-samr"), enterprise=e5, date=D("2020-05-23"),
                                 inspectors=officers("210102-samr"), actor=users["heping_samr"],
                                 outcomes={cat("mask"): "failed_other", cat("thermometer"): "passed"})
            Case.objects.create(unit=unit("210102-samr"), number="HP-Q-1", title="和平区不合格口罩", enterprise=e5,
                                product_category=cat("mask"), case_category=CaseCategory.objects.get(code="quality"),
                                status="filed", filed_on=D("2020-05-27"), units_investigated=1, staff_dispatched=3)
        with acting_as(users["shenyang_office"]):  # the drug line in Shenyang
            fw.inspection_record(unit=unit("210100-nmpa"), enterprise=records["e2"], date=D("2020-05-25"),
                                 inspectors=officers("210100-nmpa"), actor=users["shenyang_office"],
                                 outcomes={cat("mask"): "failed_review"})
        with acting_as(users["customs_sy"]):  # the other customs district, in Shenyang
            fw.export_check_record(unit=unit("210100-customs_sy"), declaration_number="SY2020052801",
                                   checked_on=D("2020-05-28"), exporter=records["e1"], producer=records["e1"],
                                   category=cat("mask"), batches_checked=4, batches_nonconforming=1,
                                   destination_country="法国", actor=users["customs_sy"],
                                   action_taken="returned")
        with acting_as(users["shenyang_samr"]):  # a market-regulation case sent to the police: they see it too
            sent = Case.objects.create(unit=unit("210100-samr"), number="SY-Q-2", title="伪造合格证",
                                       enterprise=records["e1"], product_category=cat("protective_suit"),
                                       case_category=CaseCategory.objects.get(code="quality"), status="transferred",
                                       filed_on=D("2020-05-26"), transferred_to_police=True,
                                       transferred_to_police_on=D("2020-05-29"), units_investigated=1,
                                       staff_dispatched=2)
            case_transfer(case=sent, to_unit=unit("210100-police"), reason="涉嫌犯罪", actor=users["shenyang_samr"])
        with acting_as(users["dalian_office"]):  # the police line in a second city
            Case.objects.create(unit=unit("210200-police"), number="DL-G-1", title="倒卖口罩", enterprise=records["e3"],
                                product_category=cat("mask"),
                                case_category=CaseCategory.objects.get(code="public_security"),
                                police_kind="administrative", status="filed", filed_on=D("2020-05-30"),
                                units_investigated=1, staff_dispatched=5)
        campaign = Campaign.objects.get(code="ln-2020-epidemic-supplies")
        start, cutoff, deadline = services.week_of(campaign, D("2020-06-01"))
        cls.report = WeeklyReport.objects.create(campaign=campaign, unit=unit("210100-office"), week_start=start,
                                                 cutoff=cutoff, deadline=deadline)
        services.report_submit(report=cls.report, actor=users["shenyang_office"], narrative={"measures": "全市排查"},
                               filled_by="王芳", phone="024-12345678")

    def test_the_data_gives_every_user_different_figures(self):
        seen = {}
        for key in USERS:
            figures = tuple(sorted(Recount(self.users[key]).tables().items()))
            seen.setdefault(figures, []).append(key)
        # Only the office and its leader share a scope.
        self.assertEqual(sorted(map(sorted, seen.values()), key=len)[-1], ["shenyang_leader", "shenyang_office"])
        self.assertEqual(len(seen), len(USERS) - 1)

    def test_tables_page_and_its_official_file(self):
        for key in USERS:
            with self.subTest(user=key):
                self.login(key)
                expected = Recount(self.users[key]).tables()
                page = self.client.get("/reports/tables/", {"cutoff": CUTOFF.isoformat()})
                self.assertEqual(page.status_code, 200)
                self.assertEqual(page_tables(page.context["tables"]), expected)
                response = self.client.get("/reports/tables/", {"cutoff": CUTOFF.isoformat(), "format": "xlsx"})
                book = openpyxl.load_workbook(io.BytesIO(response.content))
                for layout in TableLayout.objects.all():
                    got = sheet_tables(book[layout.label], layout)
                    self.assertEqual({k: as_number(v) for k, v in got.items()},
                                     {k: as_number(v) for k, v in expected.items() if k[0] == layout.code})

    def test_a_provincial_user_may_still_pick_a_city_and_sees_it_within_their_line(self):
        shenyang = Region.objects.get(code="210100")
        for key in ("province_office", "province_police", "province_customs"):
            with self.subTest(user=key):
                self.login(key)
                page = self.client.get("/reports/tables/", {"cutoff": CUTOFF.isoformat(), "region": shenyang.pk})
                self.assertEqual(page_tables(page.context["tables"]), Recount(self.users[key]).tables(shenyang.pk))

    def test_dashboard(self):
        indicators = {i.code: i for i in Indicator.objects.all()}
        categories = list(ProductCategory.objects.all())
        for key in USERS:
            with self.subTest(user=key):
                self.login(key)
                page = self.client.get("/reports/dashboard/", {"cutoff": CUTOFF.isoformat()})
                charts = {c["title"]: c for c in page.context["charts"]}
                self.assertEqual(len(charts), len(TRENDS))
                for title, series, _kind in TRENDS:
                    for week, values in charts[title]["rows"]:
                        recount = Recount(self.users[key], week)
                        for (_label, code), value in zip(series, values, strict=True):
                            ind = indicators[code]
                            total = sum((recount.raw(ind, c.pk) for c in categories), Decimal(0))
                            self.assertEqual(value, float(round(total * ind.scale, ind.decimals)), (title, week, code))

    def test_drill_down(self):
        categories = list(ProductCategory.objects.all())
        everything = Recount(self.users["province_office"])
        for key in USERS:
            recount = Recount(self.users[key])
            self.login(key)
            for ind in Indicator.objects.filter(code__in=DRILLED):
                for category in categories:
                    if not everything.records(ind, category.pk):
                        continue
                    with self.subTest(user=key, indicator=ind.code, category=category.code):
                        page = self.client.get(f"/reports/drill/{ind.pk}/",
                                               {"category": category.pk, "cutoff": CUTOFF.isoformat()})
                        self.assertEqual(page.context["count"], len(recount.records(ind, category.pk)))

    def test_province_workbook(self):
        cities = list(Region.objects.filter(level="city"))
        layouts = list(TableLayout.objects.all())
        for key in USERS:
            with self.subTest(user=key):
                self.login(key)
                response = self.client.get("/reports/province.xlsx", {"cutoff": CUTOFF.isoformat()})
                if not self.users[key].unit.is_provincial:
                    self.assertEqual(response.status_code, 403)
                    continue
                book = openpyxl.load_workbook(io.BytesIO(response.content))
                recount = Recount(self.users[key])
                for place, region_id in [("全省", None), *[(c.name, c.pk) for c in cities]]:
                    expected = recount.tables(region_id)
                    for layout in layouts:
                        got = sheet_tables(book[f"{place}-{layout.label}"], layout)
                        self.assertEqual({k: as_number(v) for k, v in got.items()},
                                         {k: as_number(v) for k, v in expected.items() if k[0] == layout.code}, place)

    def test_a_city_offices_report_is_read_only_by_those_who_see_all_it_counts(self):
        """The submitted snapshot counts every line of Shenyang: the city's market-regulation
        bureau (which may list the report itself) and the provincial market-regulation department
        learn its status, not its figures; the others do not see it at all."""
        version = self.report.latest_version
        api = reverse("api-reports-reportversion-detail", args=[version.pk])
        for key in [*USERS, "province_samr"]:
            with self.subTest(user=key):
                self.login(key)
                page = self.client.get(f"/reports/weeklyreport/{self.report.pk}/")
                xlsx = self.client.get(f"/reports/weeklyreport/{self.report.pk}/file.xlsx")
                docx = self.client.get(f"/reports/weeklyreport/{self.report.pk}/file.docx")
                data = self.api(key).get(api)
                if key in READS_CITY_REPORT:
                    self.assertContains(page, "report-table")
                    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
                    expected = Recount(self.users[key]).tables(self.report.region_id)
                    for layout in TableLayout.objects.all():
                        self.assertEqual({k: as_number(v) for k, v in sheet_tables(book[layout.label], layout).items()},
                                         {k: as_number(v) for k, v in expected.items() if k[0] == layout.code})
                    self.assertEqual(docx.status_code, 200)
                    self.assertEqual(data.json()["tables"], version.tables)
                    continue
                self.assertIn(page.status_code, (200, 404))
                if page.status_code == 200:
                    self.assertNotContains(page, "report-table")
                    self.assertContains(page, 'id="figures-hidden"')
                    self.assertRedirects(xlsx, f"/reports/weeklyreport/{self.report.pk}/")
                    self.assertRedirects(docx, f"/reports/weeklyreport/{self.report.pk}/")
                    self.assertIsNone(data.json()["tables"])
                    self.assertIsNone(data.json()["narrative"])
                else:
                    self.assertEqual((xlsx.status_code, docx.status_code, data.status_code), (404, 404, 404))
        # The city's market-regulation bureau does see the report's record (else this proves nothing).
        self.login("shenyang_samr")
        self.assertEqual(self.client.get(f"/reports/weeklyreport/{self.report.pk}/").status_code, 200)

    def test_home_dashboard_counts(self):
        for key in USERS:
            with self.subTest(user=key):
                self.login(key)
                page = self.client.get("/")
                for config, count in page.context["counts"]:
                    self.assertEqual(count, config.model.objects.restrict(self.users[key]).count(), config.model)

    def test_users_without_records_get_no_figures(self):
        self.login("auditadmin")
        ind = Indicator.objects.get(code="a1_inspected")
        for url in ("/reports/tables/", "/reports/dashboard/", "/reports/province.xlsx", f"/reports/drill/{ind.pk}/"):
            self.assertEqual(self.client.get(url, {"category": cat("mask").pk}).status_code, 403, url)
