"""What the records show of a city's progress on a deliverable: the figures beside its status.

The records that evidence a deliverable (the enterprises listed as producers, the publicity a city
published) belong to apps above the organisation, which may not be imported here. Those apps — or
the reports, which read them all — `provide` a counter for a deliverable's `kind`; `figures` asks
each counter once for all the cities of a set of rows (one GROUP BY), and the desk panel, the
record page and the step's event read the same figures. A figure is evidence shown to people, never
a state: a deliverable is done when the province confirms the city's report."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .models import CityDeliverable, Deliverable

# (deliverable, city ids) -> count by city id, in one query
Counter = Callable[[Deliverable, list[int]], dict[int, int]]


@dataclass(frozen=True)
class Evidence:
    label: str  # 列入生产企业清单的企业
    measure: str  # 家
    count: Counter
    link: Callable[[Deliverable, int], str] | None = None  # (deliverable, city id) -> the list of the rows counted


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    measure: str
    url: str = ""

    def __str__(self) -> str:
        return f"{self.label}：{self.value} {self.measure}"


_PROVIDERS: dict[str, list[Evidence]] = defaultdict(list)


def provide(kind: str, evidence: Evidence) -> None:
    """Count `evidence` for the deliverables of `kind` (a `Deliverable.Kind`)."""
    if evidence not in _PROVIDERS[kind]:
        _PROVIDERS[kind].append(evidence)


def providers(kind: str) -> list[Evidence]:
    return list(_PROVIDERS.get(kind, ()))


def figures(rows: Iterable[CityDeliverable]) -> dict[int, list[Figure]]:
    """The figures of each row (by its pk), each counter asked once per deliverable for all the
    rows' cities."""
    by_deliverable: dict[int, list[CityDeliverable]] = defaultdict(list)
    deliverables: dict[int, Deliverable] = {}
    for row in rows:
        by_deliverable[row.deliverable_id].append(row)
        deliverables[row.deliverable_id] = row.deliverable
    found: dict[int, list[Figure]] = {}
    for deliverable_id, group in by_deliverable.items():
        deliverable = deliverables[deliverable_id]
        cities = sorted({row.region_id for row in group})
        counted = [(evidence, evidence.count(deliverable, cities)) for evidence in providers(deliverable.kind)]
        for row in group:
            found[row.pk] = [
                Figure(str(evidence.label), counts.get(row.region_id, 0), str(evidence.measure),
                       evidence.link(deliverable, row.region_id) if evidence.link else "")
                for evidence, counts in counted]
    return found


def figures_text(row: CityDeliverable) -> str:
    """The row's figures in one line (kept in the event of a report, as they stood then)."""
    return "；".join(str(f) for f in figures([row]).get(row.pk, []))
