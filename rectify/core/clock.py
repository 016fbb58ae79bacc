"""Beijing time: the one place where a moment becomes a date or a text people read.

The platform stores moments in UTC. A campaign's days are Beijing days: a case sent to the police
at 05:46 Beijing time is 21:46 UTC the evening before, and dated by UTC it would land in the
previous day, possibly the previous reporting week. So every date a service stamps is taken here,
in Asia/Shanghai explicitly, not in whatever time zone happens to be active; and every moment
shown on a page, in an export or in a notification is written here, to the minute.
"""
from __future__ import annotations

import datetime
import zoneinfo

from django.utils import timezone

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
MOMENT_FORMAT = "Y-m-d H:i"  # the same in Django's date-format syntax, for templates and tables
_MOMENT_STRFTIME = "%Y-%m-%d %H:%M"


def beijing(moment: datetime.datetime) -> datetime.datetime:
    """The moment on Beijing's clock. A naive value is taken as already Beijing time (the
    project's TIME_ZONE), never as UTC."""
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=BEIJING)
    return moment.astimezone(BEIJING)


def beijing_date(moment: datetime.datetime | None = None) -> datetime.date:
    """The Beijing date of `moment` (default: now)."""
    return beijing(moment if moment is not None else timezone.now()).date()


def today() -> datetime.date:
    """Today in Beijing: the default of every date a service stamps."""
    return beijing_date()


def beijing_at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """The moment `time` o'clock of the Beijing day `day` (a deadline, say)."""
    return datetime.datetime.combine(day, time, tzinfo=BEIJING)


def format_moment(moment: datetime.datetime | None) -> str:
    """"2020-06-04 05:46": Beijing time to the minute, no seconds, no offset."""
    if moment is None:
        return ""
    return beijing(moment).strftime(_MOMENT_STRFTIME)


def format_logged(value: object) -> object:
    """A date-time field's value as the change log keeps it (ISO text, UTC, microseconds) as people
    read it; a value that is not such a text (None, a masked value) is returned unchanged."""
    if isinstance(value, datetime.datetime):
        return format_moment(value)
    if isinstance(value, str):
        try:
            return format_moment(datetime.datetime.fromisoformat(value))
        except ValueError:
            return value
    return value


def format_due(due: datetime.date | datetime.datetime | None) -> str:
    """A deadline as people read it: a date as "2020-06-04", a moment in Beijing time to the minute."""
    if due is None:
        return ""
    if isinstance(due, datetime.datetime):
        return format_moment(due)
    return due.isoformat()
