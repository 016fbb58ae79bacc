"""A served process whose clock runs from a chosen moment: the Thursday case (thursday.py) starts
gunicorn so that its `timezone.now()` reads 13:59 Beijing time on a deadline day of the demo
campaign (2020), while it keeps ticking at the real rate.

The project takes every moment from `django.utils.timezone.now` (core/clock.py turns it into Beijing
dates and times), so shifting that one function shifts what the services stamp: a submission's
`submitted_at`, its lateness, the change log, events, sessions' expiry. It is installed by the
bench's settings module (RECTIFY_BENCH_CLOCK), before any model module binds the function as a
field default; the bench process itself keeps the real clock. The setting is either the value
itself or `file:PATH`, a file holding it that is read again whenever it changes: the bench writes
it once the server is up and warm, so that 13:59:00 falls when the clients start however long the
server took to boot. The second factor and the session
timeouts read `time.time()` and keep the real clock too, which is what the sessions were made with."""
from __future__ import annotations

import datetime
import os
from pathlib import Path

ENV = "RECTIFY_BENCH_CLOCK"


def setting(moment: datetime.datetime, at_epoch: float) -> str:
    """The environment value meaning "`moment` at the real time `at_epoch` (time.time())"."""
    if moment.tzinfo is None:
        raise ValueError("the moment must carry its time zone")
    return f"{moment.isoformat()}@{at_epoch:.6f}"


def offset_of(value: str) -> datetime.timedelta:
    moment, _sep, epoch = value.rpartition("@")
    real = datetime.datetime.fromtimestamp(float(epoch), tz=datetime.UTC)
    return datetime.datetime.fromisoformat(moment) - real


class Shift:
    """The offset to add to the real clock: fixed, or read from a file whenever it changes (none
    while the file does not exist yet)."""

    def __init__(self, value: str):
        self.path = Path(value.removeprefix("file:")) if value.startswith("file:") else None
        self.offset = datetime.timedelta(0) if self.path else offset_of(value)
        self.stamp: tuple[int, int] | None = None

    def current(self) -> datetime.timedelta:
        if self.path is None:
            return self.offset
        try:
            # A new inode each time (written, then renamed over): two writes within the file
            # system's timestamp granularity still differ.
            found = self.path.stat()
        except FileNotFoundError:
            return self.offset
        stamp = (found.st_ino, found.st_mtime_ns)
        if stamp != self.stamp:
            self.offset, self.stamp = offset_of(self.path.read_text().strip()), stamp
        return self.offset


def write(path: Path, moment: datetime.datetime, at_epoch: float) -> None:
    """Set a file-read clock: `moment` at the real time `at_epoch` (written whole, then renamed,
    so that a reader never sees half of it)."""
    part = path.with_name(path.name + ".part")
    part.write_text(setting(moment, at_epoch))
    os.replace(part, path)


def install(shift: Shift) -> None:
    """From now on `django.utils.timezone.now()` is the real time plus the shift's offset."""
    from django.utils import timezone

    real_now = getattr(timezone.now, "real_now", timezone.now)

    def now() -> datetime.datetime:
        return real_now() + shift.current()

    now.real_now = real_now  # type: ignore[attr-defined]
    timezone.now = now


def install_from_environ() -> bool:
    value = os.environ.get(ENV, "")
    if not value:
        return False
    install(Shift(value))
    return True
