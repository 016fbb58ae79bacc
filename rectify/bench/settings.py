"""Settings for the gunicorn started by `rectify bench`: the production settings plus the bench's
own URLconf, which adds the bare baseline views, and the shortcuts to turn off for a side-by-side
run (RECTIFY_SHORTCUTS_OFF, comma-separated names; core.speed.shortcuts). Nothing else differs, so the
pages measured are the pages users get — except for the Thursday case, which serves a scratch copy
of the bench database with the clock set to a deadline day (RECTIFY_BENCH_CLOCK, bench/clock.py) and
keeps the copy's cached figures apart from the bench database's (RECTIFY_BENCH_CACHE_PREFIX)."""
import os

from rectify.bench import clock as _clock
from rectify.settings import *  # noqa: F403

ROOT_URLCONF = "rectify.bench.urls"
RECTIFY_SHORTCUTS_OFF = frozenset(filter(None, os.environ.get("RECTIFY_SHORTCUTS_OFF", "").split(",")))

if os.environ.get("RECTIFY_BENCH_CACHE_PREFIX"):
    CACHES["default"]["KEY_PREFIX"] = os.environ["RECTIFY_BENCH_CACHE_PREFIX"]  # noqa: F405
_clock.install_from_environ()
