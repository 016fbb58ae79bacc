"""The province's 附件1/附件2 are the sum of its cities' when provincial units enter the records:
a provincial unit's record about an enterprise is counted in the enterprise's city, and one that
belongs to no city (a case without an enterprise) is counted once, at the province level — in the
province's figures and on the workbook's 省本级 sheets, never in a city's."""
from __future__ import annotations

import io
from decimal import Decimal

import openpyxl

from rectify.accounts.models import Role, User
from rectify.core.current import acting_as
from rectify.enforcement.models import Case
from rectify.fieldwork import services as fw
from rectify.fieldwork.models import Recall
from rectify.organisations.models import Campaign, CaseCategory, Region
from rectify.reports.engine import ReportScope, compute_tables_by_region, compute_tables_for
from rectify.reports.models import TableLayout
from rectify.reports.services import province_workbook
from rectify.testing import WorldTestCase

from .fixtures import D, cat, enterprise, officers, unit
from .test_figure_scope import as_number, sheet_tables

CUTOFF = D("2020-06-04")


def raw_cells(tables) -> dict[tuple[str, str, str], Decimal]:
    """Every cell's unscaled amount (a ratio's is its numerator), by table, category and column."""
    return {(t.layout.code, category.code, cell.indicator.code): cell.raw for t in tables.values()
            for category, cells in t.rows for cell in cells}


def add(*parts: dict) -> dict:
    total: dict = {}
    for part in parts:
        for key, value in part.items():
            total[key] = total.get(key, 0) + value
    return total


class ProvinceIsTheSumOfItsCitiesTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.campaign = Campaign.objects.get(code="ln-2020-epidemic-supplies")
        cls.layouts = list(TableLayout.objects.filter(campaign=cls.campaign).order_by("order"))
        cls.province = Region.objects.get(code="210000")
        cls.cities = list(Region.objects.filter(level="city").order_by("code"))
        shenyang_ent = enterprise(11, "210100", "沈阳省查口罩有限公司", "mask")
        dalian_ent = enterprise(12, "210200", "大连省查防护用品有限公司", "mask", "protective_suit")
        samr, police = cls.users["province_samr"], cls.users["province_police"]
        commerce = User.objects.create_user(username="t_province_commerce", password="x", unit=unit("210000-commerce"),
                                            full_name="商务厅录入员")
        commerce.roles.set([Role.objects.filter(code="clerk").get()])
        quality, price = CaseCategory.objects.get(code="quality"), CaseCategory.objects.get(code="price")
        with acting_as(samr):
            fw.inspection_record(unit=unit("210000-samr"), enterprise=dalian_ent, date=D("2020-05-21"),
                                 inspectors=officers("210000-samr"), actor=samr,
                                 outcomes={cat("mask"): "failed_review", cat("protective_suit"): "passed"})
            Case.objects.create(unit=unit("210000-samr"), number="LN-Q-1", title="销售不合格口罩",
                                enterprise=shenyang_ent, product_category=cat("mask"), case_category=quality,
                                status="filed",
                                filed_on=D("2020-05-22"), units_investigated=1, staff_dispatched=3)
            Case.objects.create(unit=unit("210000-samr"), number="LN-P-1", title="哄抬防护服价格",
                                enterprise=dalian_ent, product_category=cat("protective_suit"), case_category=price,
                                status="decided",
                                filed_on=D("2020-05-23"), decided_on=D("2020-05-30"), fine=Decimal("30000"),
                                confiscation=Decimal("10000"), units_investigated=1, staff_dispatched=5)
        with acting_as(police):
            Case.objects.create(unit=unit("210000-police"), number="LN-G-1", title="制售假冒口罩",
                                enterprise=dalian_ent, product_category=cat("mask"),
                                case_category=CaseCategory.objects.get(code="public_security"), police_kind="criminal",
                                status="filed", filed_on=D("2020-05-26"), units_investigated=1, staff_dispatched=6)
        with acting_as(commerce):
            Recall.objects.create(unit=unit("210000-commerce"), enterprise=shenyang_ent, category=cat("mask"),
                                  product_name="一次性口罩", quantity=800, recalled_on=D("2020-05-27"),
                                  reason="抽检不合格")
        with acting_as(cls.users["dalian_samr"]):  # a city's own record beside the province's
            Case.objects.create(unit=unit("210200-samr"), number="DL-Q-9", title="销售三无口罩", enterprise=dalian_ent,
                                product_category=cat("mask"), case_category=quality, status="filed",
                                filed_on=D("2020-05-24"), units_investigated=2, staff_dispatched=4)

    def whole_province(self) -> dict:
        return raw_cells(compute_tables_for(self.layouts, scope=ReportScope(), cutoff=CUTOFF))

    def place(self, region: Region) -> dict:
        return raw_cells(compute_tables_for(self.layouts, scope=ReportScope(region_id=region.pk), cutoff=CUTOFF))

    def test_the_province_is_the_sum_of_its_cities(self):
        cities = {city.code: self.place(city) for city in self.cities}
        self.assertEqual(self.whole_province(), add(*cities.values()))
        self.assertEqual(cities["210200"][("annex2", "protective_suit", "a2_price_filed")], 1)
        self.assertEqual(cities["210200"][("annex2", "mask", "a2_ps_criminal")], 1)
        self.assertEqual(cities["210200"][("annex2", "mask", "a2_total_filed")], 2)
        self.assertEqual(cities["210100"][("annex2", "mask", "a2_quality_filed")], 1)
        self.assertEqual(cities["210200"][("annex1", "mask", "a1_inspected")], 1)
        self.assertEqual(cities["210100"][("annex1", "mask", "a1_recalled")], 800)
        self.assertFalse(any(self.place(self.province).values()), "nothing is left at the province level")
        by_region = compute_tables_by_region(self.layouts, region_ids=[c.pk for c in self.cities], cutoff=CUTOFF)
        self.assertEqual({c.code: raw_cells(by_region[c.pk]) for c in self.cities}, cities)

    def test_the_workbook_adds_up_and_has_no_province_level_sheets_when_none_is_needed(self):
        book = openpyxl.load_workbook(io.BytesIO(province_workbook(self.campaign, CUTOFF)))
        self.assertFalse([name for name in book.sheetnames if name.startswith("省本级")])
        self.assertEqual(len(book.sheetnames), 2 + 14 * 2)
        self.assert_workbook_adds_up(book, [c.name for c in self.cities])

    def test_a_provincial_case_without_an_enterprise_is_counted_once_at_the_province_level(self):
        with acting_as(self.users["province_samr"]):
            Case.objects.create(unit=unit("210000-samr"), number="LN-Q-2", title="网络销售假冒口罩（经营者不明）",
                                product_category=cat("mask"), case_category=CaseCategory.objects.get(code="quality"),
                                status="filed", filed_on=D("2020-05-28"), units_investigated=1, staff_dispatched=2)
        own = self.place(self.province)
        self.assertEqual(own[("annex2", "mask", "a2_quality_filed")], 1)
        self.assertEqual(own[("annex2", "mask", "a2_total_filed")], 1)
        self.assertEqual(self.whole_province(), add(own, *(self.place(city) for city in self.cities)))
        self.assertEqual(self.whole_province()[("annex2", "mask", "a2_quality_filed")], 3)
        book = openpyxl.load_workbook(io.BytesIO(province_workbook(self.campaign, CUTOFF)))
        self.assertIn("省本级-附件2", book.sheetnames)
        self.assertEqual(sheet_tables(book["省本级-附件2"], self.layouts[1])[("annex2", "mask", "a2_quality_filed")], 1)
        self.assert_workbook_adds_up(book, [c.name for c in self.cities] + ["省本级"])

    def assert_workbook_adds_up(self, book, places: list[str]) -> None:
        for layout in self.layouts:
            columns = layout.columns.select_related("indicator")
            ratios = {c.indicator.code for c in columns if c.indicator.aggregate == "ratio"}
            total = {k: as_number(v) for k, v in sheet_tables(book[f"全省-{layout.label}"], layout).items()}
            parts = [{k: as_number(v) for k, v in sheet_tables(book[f"{place}-{layout.label}"], layout).items()}
                     for place in places]
            for key, value in total.items():
                if key[2] in ratios:
                    continue
                with self.subTest(layout=layout.code, cell=key):
                    self.assertAlmostEqual(float(value or 0), sum(float(p[key] or 0) for p in parts), places=4)
            self.assertTrue(any(total[k] for k in total if k[2] not in ratios), layout.code)
