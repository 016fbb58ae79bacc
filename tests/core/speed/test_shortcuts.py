"""`make bench` (c′) serves the same pages with and without each shortcut around a library: the
switch (core.speed.shortcuts, RECTIFY_SHORTCUTS_OFF under rectify.bench.settings) must really put the
library's own code back, shortcut by shortcut, or the side-by-side ratios compare nothing."""
import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

from rectify.bench.shortcuts import SHORTCUTS
from rectify.core.speed.datastack import NEEDED

ROOT = Path(__file__).resolve().parents[3]

# Prints, for each shortcut the bench knows, whether it is in place in this process.
PROBE = """
import datetime
import json

import django

django.setup()
from django_tables2 import data, rows, utils
from django_tables2.columns import library
from django_tables2.columns.base import LinkTransform
from django_tables2.columns.booleancolumn import BooleanColumn

from rectify.core.speed import datastack

from rectify.core.speed import drfspeed

from rectify.core.speed import tablespeed
from rectify.core.generic.builders import serializer_for
from rectify.core.registry import registry
from rectify.enforcement.models import Case


def ours(function):
    return getattr(function, "__module__", "") == "rectify.core.speed.tablespeed"


serializer = serializer_for(registry.get(Case))()
serializer.fields
calls = []
drfspeed.load_pk_lists = lambda child, items: calls.append("id lists")
drfspeed.prefetch_related_objects = lambda items, *names: calls.append("prefetch")
drfspeed.PkListsListSerializer(child=serializer).to_representation([])


def app(environ, start_response):
    return []


moments = next(c for c in library.columns if ours(c) and c.__name__ == "DateTimeColumn")()
moments.render(datetime.datetime(2020, 6, 4, tzinfo=datetime.UTC))


print(json.dumps({
    "signature": ours(utils.signature),
    "cells": ours(rows.BoundRow._get_and_render_with),
    "items": ours(rows.BoundRow.items),
    "boolean": ours(BooleanColumn.render),
    "links": ours(LinkTransform.__call__),
    "count": ours(data.TableQuerysetData.__len__),
    "dates": (type(library.column_for_field(Case._meta.get_field("filed_on"))).__module__
              == "rectify.core.speed.tablespeed"),
    "date_memo": tablespeed._formatted_date.cache_info().currsize == 1,
    "drf_read": any(attname for _name, attname, _pk, _field in drfspeed.read_plan(serializer)),
    "drf_fields": "_prototype_fields" in type(serializer).__dict__,
    "drf_pk_lists": calls == ["id lists"],
    "datastack": datastack.one_chunk(app) is not app,
}))
"""


def probe(off: list[str]) -> dict[str, bool]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "rectify.bench.settings", "RECTIFY_SHORTCUTS_OFF": ",".join(off)}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if out.returncode:
        raise AssertionError(f"the probe failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


class SwitchTests(SimpleTestCase):
    def test_each_shortcut_is_on_unless_named_and_off_when_named(self):
        names = list(SHORTCUTS)
        expected = {name: name != "datastack" or NEEDED for name in names}  # the trampoline is for CPython 3.11/3.12
        everything = probe([])
        self.assertEqual(set(everything), set(names))  # a shortcut the bench lists but this probe misses fails here
        self.assertEqual(everything, expected)
        for part in (names[0::2], names[1::2]):  # two processes: every name turned off once, beside ones left on
            with self.subTest(off=part):
                self.assertEqual(probe(part), {name: expected[name] and name not in part for name in names})

    def test_the_production_settings_turn_nothing_off(self):
        self.assertFalse(getattr(settings, "RECTIFY_SHORTCUTS_OFF", ()))
