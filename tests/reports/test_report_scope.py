"""Generic scope tests for the reporting models."""
import datetime

from django.utils import timezone

from rectify.organisations.models import Campaign
from rectify.reports.models import Indicator, LayoutColumn, ReportVersion, TableLayout, WeeklyReport
from rectify.testing import ModelScopeTests, ReferenceScopeTests


def campaign():
    return Campaign.objects.get(code="ln-2020-epidemic-supplies")


def make_report(unit, cutoff=datetime.date(2020, 5, 21)):
    return WeeklyReport.objects.create(
        campaign=campaign(), unit=unit, week_start=cutoff - datetime.timedelta(days=6), cutoff=cutoff,
        deadline=timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time(14, 0))))


class WeeklyReportTests(ModelScopeTests):
    model = WeeklyReport
    owner_unit = "210100-office"
    # A city office's report: its city sees it (office and departments of the city see their own
    # line only), the province sees all.
    visible_to = ("province_office", "shenyang_office")
    hidden_from = ("dalian_office", "dalian_samr", "customs_dl")
    writer = None
    deleter = None
    search_other_unit = "210200-office"  # the list searches the unit's name

    @classmethod
    def make_object(cls, unit):
        return make_report(unit)


class ReportVersionTests(ModelScopeTests):
    model = ReportVersion
    owner_unit = "210100-office"
    visible_to = ("province_office", "shenyang_office")
    hidden_from = ("dalian_office", "dalian_samr")
    writer = None
    deleter = None
    search_other_unit = "210200-office"  # the list searches the unit's name and the filler's

    @classmethod
    def make_object(cls, unit):
        report = make_report(unit)
        return ReportVersion.objects.create(report=report, number=1, tables={}, narrative={},
                                            submitted_at=timezone.now())


class IndicatorTests(ReferenceScopeTests):
    model = Indicator

    @classmethod
    def make_object(cls, unit):
        return Indicator.objects.create(campaign=campaign(), code="t_cases", name="测试案件数",
                                        source="enforcement.Case", aggregate="count", date_field="filed_on",
                                        category_field="product_category")

    def form_data(self, unit):
        return {"campaign": campaign().pk, "code": "t_new", "name": "新指标", "source": "enforcement.Case",
                "aggregate": "count", "field": "", "date_field": "filed_on", "category_field": "product_category",
                "filters": "{}", "scale": "1", "decimals": 0, "region_field": "region", "line_field": "line",
                "description": ""}

    def update_data(self, obj):
        return {**self.form_data(None), "code": obj.code}

    def api_data(self, unit):
        return {**super().api_data(unit), "filters": {}}


class TableLayoutTests(ReferenceScopeTests):
    model = TableLayout

    @classmethod
    def make_object(cls, unit):
        return TableLayout.objects.create(campaign=campaign(), code="annex9", label="附件9", title="测试表", order=9)

    def form_data(self, unit):
        return {"campaign": campaign().pk, "code": "annex8", "label": "附件8", "title": "新表", "row_header": "",
                "header_fields": "[]", "footer_fields": "[]", "notes": "", "rules": "[]", "order": 8}

    def update_data(self, obj):
        return {**self.form_data(None), "code": obj.code}

    def api_data(self, unit):
        return {**super().api_data(unit), "header_fields": [], "footer_fields": [], "rules": []}


class LayoutColumnTests(ReferenceScopeTests):
    model = LayoutColumn

    @classmethod
    def make_object(cls, unit):
        layout = TableLayout.objects.get(code="annex1")
        return LayoutColumn.objects.create(layout=layout, order=99, group="测试", header="测试列",
                                           indicator=Indicator.objects.get(code="a1_inspected"))

    def form_data(self, unit):
        return {"layout": TableLayout.objects.get(code="annex2").pk, "order": 98, "group": "测试", "header": "新列",
                "indicator": Indicator.objects.get(code="a2_total_filed").pk}

    def update_data(self, obj):
        return {**self.form_data(None), "layout": obj.layout_id, "order": obj.order}
