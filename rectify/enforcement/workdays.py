"""Legal clocks in working days (SAMR order 20 of 2019 counts 工作日).

China's calendar moves working days around holidays: 2020's Dragon Boat Festival was a holiday
from Thursday 06-25 to Saturday 06-27 with Sunday 06-28 a make-up working day. `chinese_calendar`
knows these per year; outside the years it knows we fall back to Monday–Friday rather than fail,
because a due date a day off is better than no due date."""
from __future__ import annotations

import datetime

import chinese_calendar

# 市场监督管理投诉举报处理暂行办法: mediation ends within 45 working days of the complaint's acceptance.
MEDIATION_DAYS = 45


def is_workday(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date of the `days`-th working day after `start` (the day of receipt does not count)."""
    current = start
    counted = 0
    while counted < days:
        current += datetime.timedelta(days=1)
        if is_workday(current):
            counted += 1
    return current
