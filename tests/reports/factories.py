"""Factories for the registered reporting models; see tests/factories.py."""
from __future__ import annotations

import datetime

from django.utils import timezone

from rectify.reports.models import Indicator, LayoutColumn, ReportVersion, TableLayout, WeeklyReport
from tests.factories import number
from tests.factories import unit as unit_of
from tests.organisations.factories import current_campaign, past_campaign


def weekly_report(unit=None) -> WeeklyReport:
    """A report of `unit` (a city office by default) for a week of its own (the cut-off is numbered)."""
    cutoff = datetime.date(2020, 5, 21) + datetime.timedelta(days=number() % 20_000)
    return WeeklyReport.objects.create(
        campaign=current_campaign(), unit=unit or unit_of("210100-office"),
        week_start=cutoff - datetime.timedelta(days=6), cutoff=cutoff,
        deadline=timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time(14, 0))))


def report_version(unit=None) -> ReportVersion:
    return ReportVersion.objects.create(report=weekly_report(unit), number=1, tables={}, narrative={},
                                        filled_by=f"填报人{number()}号", submitted_at=timezone.now())


# Configuration rows go to a past campaign: the current campaign's reports keep their tables.

def indicator(unit=None) -> Indicator:
    n = number()
    return Indicator.objects.create(campaign=past_campaign(), code=f"t{n}", name=f"测试指标{n}号",
                                    source="enforcement.Case", aggregate="count", date_field="filed_on",
                                    category_field="product_category")


def table_layout(unit=None) -> TableLayout:
    n = number()
    return TableLayout.objects.create(campaign=past_campaign(), code=f"annex{n}", label=f"附件{n}",
                                      title=f"测试表{n}号", order=n % 30_000)


def layout_column(unit=None) -> LayoutColumn:
    n = number()
    return LayoutColumn.objects.create(layout=table_layout(), order=n % 30_000, group=f"分组{n}号",
                                       header=f"列标题{n}号", indicator=indicator())
