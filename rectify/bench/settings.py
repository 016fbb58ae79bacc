"""Settings for the gunicorn started by `rectify bench`: the production settings plus the bench's
own URLconf, which adds the bare baseline views, and the shortcuts to turn off for a side-by-side
run (RECTIFY_SHORTCUTS_OFF, comma-separated names; core.speed.shortcuts). Nothing else differs, so the
pages measured are the pages users get."""
import os

from rectify.settings import *  # noqa: F403

ROOT_URLCONF = "rectify.bench.urls"
RECTIFY_SHORTCUTS_OFF = frozenset(filter(None, os.environ.get("RECTIFY_SHORTCUTS_OFF", "").split(",")))
