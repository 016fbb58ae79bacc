"""Checks before a report is submitted. Errors block; warnings need a written explanation.
Each finding names the cell (table, category, column) and the rule."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from statistics import median

from django.utils.translation import gettext as _

from .models import Indicator, TableLayout

JUMP_FACTOR = 3        # this week's increase above 3× last week's increase ...
JUMP_MINIMUM = 10      # ... and by at least 10 is flagged
PEER_FACTOR = 3        # a figure above 3× the peers' median ...
PEER_MINIMUM = 20      # ... and at least 20 is flagged


@dataclass
class Finding:
    level: str  # "error" | "warning"
    table: str
    category: str
    column: str
    rule: str
    message: str

    @property
    def key(self) -> str:
        return f"{self.table}:{self.category}:{self.column}:{self.rule}"

    def as_dict(self) -> dict:
        return {**asdict(self), "key": self.key}


def _num(value) -> Decimal | None:
    if value in ("", None):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _cells(snapshot: dict) -> dict[tuple[str, str], Decimal | None]:
    out = {}
    for row in snapshot["rows"]:
        for code, value in zip(snapshot["columns"], row["values"], strict=False):
            out[(row["category"], code)] = _num(value)
    return out


def check_tables(tables: dict[str, dict], *, previous: dict[str, dict] | None, before_previous: dict[str, dict] | None,
                 peers: list[dict[str, dict]], layouts: dict[str, TableLayout], indicators: dict[str, Indicator],
                 category_names: dict[str, str], records_changed: bool = False) -> list[Finding]:
    """A cumulative figure below last week's is a warning to explain, never an error: it is what a
    correction looks like (a counted record deleted or corrected, a figure typed wrong last week),
    and refusing it would leave the unit no way to report at all. `records_changed`: counted
    records were deleted or corrected since the last report (reports/corrections.py), which the
    message then names."""
    findings: list[Finding] = []
    for code, snapshot in tables.items():
        layout = layouts[code]
        cells = _cells(snapshot)
        prev = _cells(previous[code]) if previous and code in previous else {}
        prev2 = _cells(before_previous[code]) if before_previous and code in before_previous else {}
        peer_cells = [_cells(p[code]) for p in peers if code in p]
        label = layout.label

        def name(ind_code: str) -> str:
            return indicators[ind_code].name if ind_code in indicators else ind_code

        for (cat, ind_code), value in cells.items():
            ind = indicators.get(ind_code)
            if ind is None or ind.aggregate == Indicator.Aggregate.RATIO:
                continue
            where = dict(table=label, category=category_names.get(cat, cat), column=name(ind_code))
            if value is None:
                findings.append(Finding("error", rule="required", message=_("必须填写（无数据填 0）"), **where))
                continue
            if value < 0:
                findings.append(Finding("error", rule="non_negative",
                                        message=_("不能为负数（%(value)s）") % {"value": value}, **where))
            if ind.decimals == 0 and value != value.to_integral_value():
                findings.append(Finding("error", rule="whole_number",
                                        message=_("应为整数（%(value)s）") % {"value": value}, **where))
            old = prev.get((cat, ind_code))
            if old is not None and value < old:
                message = (_("累计数低于上周（上周 %(old)s，本周 %(value)s），已报送的记录有删除或更正，请说明")
                           if records_changed else
                           _("累计数低于上周（上周 %(old)s，本周 %(value)s），请说明更正的原因"))
                findings.append(Finding("warning", rule="cumulative", message=message % {"old": old, "value": value},
                                        **where))
            older = prev2.get((cat, ind_code))
            if old is not None and older is not None:
                increase, last_increase = value - old, old - older
                if increase >= JUMP_MINIMUM and increase > JUMP_FACTOR * max(last_increase, 0):
                    findings.append(Finding("warning", rule="jump",
                                            message=_("本周新增 %(increase)s，远高于上周新增 %(last)s，请说明")
                                            % {"increase": increase, "last": last_increase},
                                            **where))
            peer_values = [p.get((cat, ind_code)) for p in peer_cells]
            peer_values = [v for v in peer_values if v is not None]
            if len(peer_values) >= 3:
                mid = Decimal(median(peer_values))
                if value >= PEER_MINIMUM and value > PEER_FACTOR * mid:
                    findings.append(Finding("warning", rule="peers",
                                            message=_("明显高于其他地区（中位数 %(median)s），请说明")
                                            % {"median": mid},
                                            **where))
        for rule in layout.rules if isinstance(layout.rules, list) else []:
            # a malformed rule (reports/configuration.py refuses it on save) is skipped, not a crash
            if not isinstance(rule, dict) or rule.get("kind") != "lte" or not isinstance(rule.get("left"), str) \
                    or not isinstance(rule.get("right"), str):
                continue
            for cat in {c for c, _indicator in cells}:
                left, right = cells.get((cat, rule["left"])), cells.get((cat, rule["right"]))
                if left is not None and right is not None and left > right:
                    findings.append(Finding(
                        "error", table=label, category=category_names.get(cat, cat), column=name(rule["left"]),
                        rule="lte", message=_("%(left)s（%(left_value)s）不能大于%(right)s（%(right_value)s）") % {
                            "left": name(rule["left"]), "left_value": left,
                            "right": name(rule["right"]), "right_value": right}))
    return findings
