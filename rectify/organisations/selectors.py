"""Reads of the phases' deliverables shown in more than one place: the work desk's 阶段任务 panel (a
city's own list, or the cities × deliverables grid of a user who sees several cities) and the
record pages' figures."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.core import clock
from rectify.core.registry import registry
from rectify.core.workflow.declare import workflow_of
from rectify.core.workflow.engine import refusal
from rectify.core.workflow.views import step_url

from .evidence import Figure
from .evidence import figures as count_figures
from .models import Campaign, CityDeliverable, Deliverable, Phase, Region

S = CityDeliverable.Status
# A grid's cell has room for a word or two.
SHORT_STATUS = {S.OPEN: gettext_lazy("未开始"), S.IN_PROGRESS: gettext_lazy("进行中"),
                S.REPORTED: gettext_lazy("待确认"), S.DONE: gettext_lazy("已完成")}
STATUS_STYLE = {S.OPEN: "secondary", S.IN_PROGRESS: "primary", S.REPORTED: "info", S.DONE: "success"}


@dataclass
class Cell:
    """One city's row of one deliverable, as the panel shows it."""

    row: CityDeliverable
    figures: list[Figure]
    today: datetime.date
    report_url: str = ""  # the step page, when the user may report it done now

    @property
    def overdue(self) -> bool:
        return self.row.is_overdue(self.today)

    @property
    def status(self) -> str:
        return self.row.get_status_display()

    @property
    def short_status(self) -> str:
        return str(SHORT_STATUS[self.row.status])

    @property
    def style(self) -> str:
        return "danger" if self.overdue else STATUS_STYLE[self.row.status]

    @property
    def countdown(self) -> str:
        """"已逾期3天", "今天到期", "还剩2天" while the city has not reported it."""
        if self.row.is_finished:
            return ""
        days = (self.row.due - self.today).days
        if days < 0:
            return _("已逾期%(n)s天") % {"n": -days}
        return _("今天到期") if days == 0 else _("还剩%(n)s天") % {"n": days}

    @property
    def url(self) -> str:
        return self.row.get_absolute_url()


@dataclass
class Column:
    """A deliverable across the cities the user sees."""

    deliverable: Deliverable
    cells: list[Cell] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for c in self.cells if c.row.status == S.DONE)

    @property
    def figure_label(self) -> str:
        """What the number beside each cell counts (a grid shows each row's first figure)."""
        first = next((c.figures[0] for c in self.cells if c.figures), None)
        return first.label if first else ""

    @property
    def reported(self) -> int:
        return sum(1 for c in self.cells if c.row.status == S.REPORTED)

    @property
    def overdue(self) -> int:
        return sum(1 for c in self.cells if c.overdue)


@dataclass
class DeliverablesPanel:
    campaign: Campaign
    phase: Phase | None  # the phase today lies in, if any
    columns: list[Column]  # the deliverables shown, in phase and due order
    cities: list[Region]
    grid: list[tuple[Region, list[Cell | None]]]  # one line per city, a cell per column
    list_url: str

    @property
    def one_city(self) -> bool:
        return len(self.cities) == 1

    @property
    def items(self) -> list[Cell]:
        """The one city's cells, for its list."""
        return [c for column in self.columns for c in column.cells]

    @property
    def overdue(self) -> int:
        return sum(column.overdue for column in self.columns)

    @property
    def awaiting(self) -> int:
        return sum(column.reported for column in self.columns)


def deliverables_panel(user: Any, campaign: Campaign | None,
                       today: datetime.date | None = None) -> DeliverablesPanel | None:
    """The 阶段任务 panel of `user`'s work desk in `campaign`: the deliverables of the phase today
    lies in, and those of earlier phases some city of the user's has not finished (confirmed), for
    the cities the user sees; None when the user sees no city's deliverables of the campaign."""
    if campaign is None or getattr(user, "unit", None) is None:
        return None
    today = today or clock.today()
    rows = list(CityDeliverable.objects.restrict(user, "view")
                .filter(deliverable__phase__campaign=campaign)
                .select_related("deliverable__phase", "region", "unit")
                .order_by("deliverable__phase__order", "deliverable__due", "deliverable__order", "region__code"))
    if not rows:
        return None
    phase = campaign.phases.filter(start__lte=today, end__gte=today).first()
    columns: dict[int, Column] = {}
    shown = [r for r in rows if _shown(r, phase, today, rows)]
    counted = count_figures(shown)
    workflow = workflow_of(CityDeliverable)
    report = workflow.step("report")
    for row in shown:
        cell = Cell(row, counted.get(row.pk, []), today)
        if refusal(workflow, report, user, row) is None:
            cell.report_url = step_url(row, "report")
        columns.setdefault(row.deliverable_id, Column(row.deliverable)).cells.append(cell)
    cities = sorted({r.region_id: r.region for r in rows}.values(), key=lambda region: region.code)
    grid = []
    for city in cities:
        by_column = {c.deliverable.pk: next((cell for cell in c.cells if cell.row.region_id == city.pk), None)
                     for c in columns.values()}
        grid.append((city, [by_column[pk] for pk in columns]))
    return DeliverablesPanel(campaign, phase, list(columns.values()), cities, grid,
                             registry.url_for(CityDeliverable, "list"))


def _shown(row: CityDeliverable, phase: Phase | None, today: datetime.date, rows: list[CityDeliverable]) -> bool:
    """A deliverable of the phase today lies in, or of a phase already begun that some city of the
    user's has not finished."""
    of_phase = row.deliverable.phase
    if phase is not None and of_phase.pk == phase.pk:
        return True
    if of_phase.start > today:
        return False
    return any(r.deliverable_id == row.deliverable_id and r.status != S.DONE for r in rows)


def row_context(request: Any, row: CityDeliverable) -> dict[str, Any]:
    """The record page of a city's row: its figures and whether it is overdue."""
    return {"deliverable_cell": Cell(row, count_figures([row]).get(row.pk, []), clock.today())}


def deliverable_context(request: Any, deliverable: Deliverable) -> dict[str, Any]:
    """The record page of a deliverable: the cities the user sees, each with its status and figures."""
    rows = list(CityDeliverable.objects.restrict(request.user, "view").filter(deliverable=deliverable)
                .select_related("deliverable", "region").order_by("region__code"))
    counted = count_figures(rows)
    today = clock.today()
    return {"deliverable_column": Column(deliverable, [Cell(r, counted.get(r.pk, []), today) for r in rows])}
