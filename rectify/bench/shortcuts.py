"""(c′) Every shortcut around a library, side by side in one run: the pages of (c) served by
gunicorns that differ only in the shortcuts turned off (core.speed.shortcuts, RECTIFY_SHORTCUTS_OFF),
so that each shortcut's worth is a ratio measured in the same minutes on the same machine.

One server has every shortcut on; a second, identical one measures the noise. Each server runs one
sync worker and gets one request at a time, so a figure is the time a request takes, not the time
it waits. The requests go in rounds: in each round every (server, page) pair is asked once, in an
order shuffled afresh, so a busy moment of the machine falls on all servers alike. The rounds are
then cut into consecutive groups — repeated runs — and each group gives a ratio (median time
without the shortcut ÷ median time with every shortcut on). A figure is the median of those
ratios, with their range. The noise is the same figure for the two identical servers: its largest
distance from 1 over the four pages. A shortcut pays when its ratio is above 1 + that noise.
Small savings add up, so the shortcuts within the noise alone are then served off together in a
second pass: they go only if the page is within the noise without all of them as well.

    python -m rectify.bench.shortcuts --rounds 80 --groups 8     # alone (DATABASE_URL as make bench)
"""
from __future__ import annotations

import json
import random
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from .stats import Figure, ms

# name -> (library, what it replaces, pages of (c) it concerns)
SHORTCUTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "signature": ("django-tables2", "utils.signature remembered per function", ("list",)),
    "cells": ("django-tables2", "BoundRow._get_and_render_with: a model field's cell read directly", ("list",)),
    "items": ("django-tables2", "BoundRow.items: the visible columns listed once per table", ("list",)),
    "boolean": ("django-tables2", "BooleanColumn.render: the span kept per truth value", ("list",)),
    "links": ("django-tables2", "LinkTransform.__call__: the record URL filled into parts looked up once", ("list",)),
    "count": ("django-tables2", "TableQuerysetData.__len__: the count kept until the records change", ("list",)),
    "dates": ("django-tables2", "date columns formatted directly instead of a template per cell", ("list",)),
    "date_memo": ("django-tables2", "a formatted date remembered per format and language", ("list",)),
    "drf_read": ("djangorestframework", "Serializer.to_representation: column fields read from the attribute",
                 ("api",)),
    "drf_fields": ("djangorestframework", "ModelSerializer.get_fields: fields built once per class, then copied",
                   ("api",)),
    "drf_pk_lists": ("djangorestframework", "many-to-many ids read in one query per field, not prefetched",
                     ("api",)),
    "datastack": ("CPython 3.11", "the request run in one 256 KiB frame-stack chunk (core/speed/datastack.py)",
                  ("list", "detail", "dashboard", "api")),
}
TABLES2 = tuple(k for k, v in SHORTCUTS.items() if v[0] == "django-tables2")
DRF = tuple(k for k, v in SHORTCUTS.items() if v[0] == "djangorestframework")


@dataclass(frozen=True)
class Variant:
    key: str
    label: str
    off: tuple[str, ...]
    pages: tuple[str, ...]


def combination(off: tuple[str, ...]) -> Variant:
    """A server with the shortcuts `off` turned off, on the pages any of them concerns."""
    pages = tuple(p for p in ("list", "detail", "dashboard", "api") if any(p in SHORTCUTS[name][2] for name in off))
    return Variant("-" + "-".join(off), "without " + ", ".join(f"`{name}`" for name in off), off, pages)


def variants(shortcuts: dict = SHORTCUTS, also: tuple[tuple[str, ...], ...] = (), each: bool = True) -> list[Variant]:
    """The servers: every shortcut on (twice: the noise); with `each`, one without each shortcut and
    the combinations below; one without each combination in `also`."""
    tables2 = tuple(k for k in shortcuts if k in TABLES2)
    drf = tuple(k for k in shortcuts if k in DRF)
    every = ("list", "detail", "dashboard", "api")
    out = [Variant("on", "every shortcut on", (), every),
           Variant("on-again", "every shortcut on (a second, identical server: the noise)", (), every)]
    if not each:
        return out + [combination(off) for off in also]
    out += [Variant(f"-{name}", f"without `{name}`", (name,), pages) for name, (_l, _w, pages) in shortcuts.items()]
    if len(tables2) > 1:
        out.append(Variant("-tables2", "without any django-tables2 shortcut", tables2, ("list",)))
    if "signature" in tables2 and len(tables2) > 2:
        out.append(Variant("tables2-signature-only", "django-tables2 shortcuts off but `signature`",
                           tuple(k for k in tables2 if k != "signature"), ("list",)))
    if len(drf) > 1:
        out.append(Variant("-drf", "without any djangorestframework shortcut", drf, ("api",)))
    out.append(Variant("-all", "without any shortcut", tuple(shortcuts), every))
    return out + [combination(off) for off in also]


def run(log, rounds: int = 80, groups: int = 8, port: int = 8800, log_dir: Path = Path("/tmp"),
        seed: int = 18, also: tuple[tuple[str, ...], ...] = (), each: bool = True) -> list[Figure]:
    """The side-by-side figures. With `each`, a second pass then serves the page without every
    shortcut that was within the noise alone, all of them at once: small savings add up, so they
    go only if the page without all of them is within the noise too."""
    from . import http as web  # here, so that `python -m rectify.bench.shortcuts` sets Django up first

    user = web.bench_user()
    cookie = web.session_cookie(user)
    pages = {page.key: page for page in web.pages(user)}
    labels = {k: p.label for k, p in pages.items()}
    rng = random.Random(seed)
    chosen = variants(also=also, each=each)
    times = _measure(chosen, pages, cookie, rounds, port, log_dir, rng, log)
    raw = log_dir / "bench-shortcuts.json"
    raw.write_text(json.dumps({"labels": labels, "times": [[key, page, t] for (key, page), t in times.items()]}))
    log(f"  every request's time: {raw}")
    out = figures(chosen, labels, times, groups, log)
    alone = [name for name in SHORTCUTS if each and not _pays(out, f"-{name}")]
    if len(alone) > 1:
        weak = combination(tuple(alone))
        weak = Variant("-together", f"without every shortcut within the noise alone ({', '.join(alone)}), together",
                       weak.off, weak.pages)
        second = [v for v in chosen if v.key in ("on", "on-again")] + [weak]
        times = _measure(second, pages, cookie, rounds, port, log_dir, rng, log)
        out += figures(second, labels, times, groups, log, title="(c′, second pass)")
    return out


def _pays(figures_: list[Figure], key: str) -> bool:
    """Whether the server `key` (without one shortcut) was above the noise on some page."""
    return any(f.key.startswith(f"shortcuts{key}_") and f.ratio_text.endswith(": pays") for f in figures_)


def _measure(chosen: list[Variant], pages: dict, cookie: str, rounds: int, port: int, log_dir: Path,
             rng: random.Random, log) -> dict[tuple[str, str], list[float]]:
    """Every request's time per (server, page): one gunicorn per variant, asked in shuffled rounds."""
    from . import http as web

    servers: dict[str, web.Server] = {}
    try:
        for i, variant in enumerate(chosen):  # started together; each is waited for below
            env = {"WEB_CONCURRENCY": "1", "RECTIFY_SHORTCUTS_OFF": ",".join(variant.off)}
            servers[variant.key] = web.spawn_gunicorn(port + i, log_dir / f"gunicorn-shortcuts{variant.key}.log", env)
        for variant in chosen:
            web.wait_ready(servers[variant.key], log_dir / f"gunicorn-shortcuts{variant.key}.log", 180)
        pairs = [(v.key, p) for v in chosen for p in v.pages]
        for key, page in pairs:  # each answers 200, and warms its worker (imports, caches, buffers)
            for _ in range(3):
                status, body = web.get(servers[key].port, pages[page].path, cookie)
                if status != 200:
                    raise RuntimeError(f"{key} GET {pages[page].path} answered {status}: {body[:300]!r}")
        times: dict[tuple[str, str], list[float]] = {pair: [] for pair in pairs}
        log(f"  side by side: {len(chosen)} servers, {len(pairs)} (server, page) pairs, {rounds} rounds")
        for _round in range(rounds):
            order = pairs[:]
            rng.shuffle(order)
            for pair in order:
                path = pages[pair[1]].path
                started = time.perf_counter()
                status, _body = web.get(servers[pair[0]].port, path, cookie)
                times[pair].append(time.perf_counter() - started)
                if status != 200:
                    raise RuntimeError(f"{pair[0]} GET {path} answered {status}")
    finally:
        for server in servers.values():
            server.stop()
    return times


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _group_ratios(times: dict, key: str, page: str, groups: int) -> list[float]:
    """Per group of consecutive rounds: median time of `key` ÷ median time with every shortcut on."""
    mine, base = times[(key, page)], times[("on", page)]
    size = max(1, len(base) // groups)
    return [_median(mine[i:i + size]) / _median(base[i:i + size]) for i in range(0, size * groups, size)
            if base[i:i + size]]


def figures(chosen: list[Variant], labels: dict[str, str], times: dict, groups: int, log,
            title: str = "(c′)") -> list[Figure]:
    """One figure per identical-server page (the noise) and per (server, page). The noise is the
    largest distance from 1 of the identical server's ratio over the four pages: the same statistic,
    measured where nothing differs."""
    out = []
    rounds = len(times[("on", "list")])
    control = {page: _group_ratios(times, "on-again", page, groups) for page in ("list", "detail", "dashboard", "api")}
    noise = max(abs(_median(ratios) - 1) for ratios in control.values())
    for page, ratios in control.items():
        out.append(Figure(
            f"shortcuts{'' if title == '(c′)' else '_second'}_noise_{page}", f"{title} noise, {labels[page]}: "
            "a second server with every shortcut on",
            f"median {ms(_median(times[('on-again', page)]))}", f"{min(ratios):.2f}–{max(ratios):.2f}×",
            "the first", f"median {ms(_median(times[('on', page)]))}", _median(ratios),
            f"{_median(ratios):.2f}× (noise of the run: ±{noise:.2f})", "—", None,
            f"one sync worker per server, one client; {rounds} rounds of one request per server and page in a "
            f"shuffled order; ratio: the median of {groups} groups of consecutive rounds"))
        log(f"  {out[-1].line()}")
    for variant in chosen:
        if variant.key in ("on", "on-again"):
            continue
        for page in variant.pages:
            ratios = _group_ratios(times, variant.key, page, groups)
            ratio = _median(ratios)
            verdict = "pays" if ratio > 1 + noise else "within the noise"
            out.append(Figure(
                f"shortcuts{variant.key}_{page}", f"{title} {variant.label}, {labels[page]}",
                f"median {ms(_median(times[(variant.key, page)]))}", f"{min(ratios):.2f}–{max(ratios):.2f}×",
                "every shortcut on", f"median {ms(_median(times[('on', page)]))}", ratio,
                f"{ratio:.2f}× (noise ±{noise:.2f}): {verdict}", "above 1 + the noise", None,
                ", ".join(variant.off)))
            log(f"  {out[-1].line()}")
    return out


def main() -> None:
    import argparse
    import os

    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=80)
    parser.add_argument("--groups", type=int, default=8)
    parser.add_argument("--port", type=int, default=8800)
    parser.add_argument("--out", default="/tmp", help="where the servers' logs and every request's time go")
    parser.add_argument("--from-json", help="analyse a saved run (bench-shortcuts.json) instead of measuring")
    parser.add_argument("--also", action="append", default=[],
                        help="a further server without these shortcuts (comma-separated); may be repeated")
    parser.add_argument("--also-only", action="store_true", help="only the servers of --also (and the two with all on)")
    args = parser.parse_args()
    also = tuple(tuple(names.split(",")) for names in args.also)
    if args.from_json:
        saved = json.loads(Path(args.from_json).read_text())
        times = {(key, page): t for key, page, t in saved["times"]}
        keys = {key for key, _page in times}
        figures([v for v in variants(also=also, each=not args.also_only) if v.key in keys], saved["labels"], times,
                args.groups, print)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    django.setup()
    run(print, args.rounds, args.groups, args.port, Path(args.out), also=also, each=not args.also_only)


if __name__ == "__main__":
    main()
