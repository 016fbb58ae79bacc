"""Timing helpers: run a callable several times, keep every duration, summarise."""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Sample:
    """Durations in seconds of repeated runs of one thing."""

    values: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    @property
    def low(self) -> float:
        return min(self.values) if self.values else float("nan")

    @property
    def high(self) -> float:
        return max(self.values) if self.values else float("nan")

    def p(self, q: float) -> float:
        """The q-quantile (nearest rank), e.g. p(0.95)."""
        if not self.values:
            return float("nan")
        ordered = sorted(self.values)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def timed(fn: Callable[[], Any], runs: int, warmup: int = 1) -> tuple[Sample, Any]:
    """Run `fn` warmup + runs times; the warm-up runs fill caches (PostgreSQL buffers, Django's
    lazily built classes) so the figure is the steady state a user meets, not a cold start."""
    result = None
    for _ in range(warmup):
        result = fn()
    sample = Sample()
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        sample.values.append(time.perf_counter() - started)
    return sample, result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


@dataclass
class Figure:
    """One printed line: what, the median and range, the baseline and the goal."""

    key: str
    label: str
    value: str            # "123.4 ms" or "8,100 rows/s"
    spread: str           # "120.1–130.2 ms"
    baseline_label: str
    baseline: str
    ratio: float | None
    ratio_text: str       # "1.6× the raw aggregate"
    goal: str
    holds: bool | None    # None: no goal, or not measured
    note: str = ""

    def line(self) -> str:
        verdict = "—" if self.holds is None else ("holds" if self.holds else "FAILS")
        note = f"  [{self.note}]" if self.note else ""
        return (f"{self.label}: {self.value} (range {self.spread}); baseline {self.baseline_label} {self.baseline}; "
                f"{self.ratio_text}; goal {self.goal}: {verdict}{note}")
