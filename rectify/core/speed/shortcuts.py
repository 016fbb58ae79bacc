"""The switch behind `make bench`'s side-by-side runs: each shortcut around a library can be turned
off by name, so that the bench serves the same page with and without it in one run and a shortcut
is kept only while it pays (rectify/bench/shortcuts.py lists them; docs/performance.md).

Production settings turn nothing off; the bench's gunicorn takes the names to turn off from the
environment (RECTIFY_SHORTCUTS_OFF, rectify/bench/settings.py).
"""
from __future__ import annotations

from django.conf import settings


def enabled(name: str) -> bool:
    """Whether shortcut `name` is on: always, unless settings.RECTIFY_SHORTCUTS_OFF names it."""
    return name not in getattr(settings, "RECTIFY_SHORTCUTS_OFF", ())
