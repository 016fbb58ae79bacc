"""Who may take a step: small predicates over (user, record) that say *why not*, in Chinese.

A `Rule` answers `refusal(user, obj, step)` with None (allowed) or the one-line reason shown beside
the disabled button, returned by the API with its 403 and raised by the service. Rules combine with
`&` (all must hold; the first refusal is the answer). The rules here are built on the one scope in
`core.access.scope`; an app writes its own with `Rule(test, reason)`. Neither django-fsm's
conditions nor `rules`' predicates carry a reason, which every refusal here must give, so the few
lines this takes are kept in core rather than wrapped around a library."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.core.access.scope import area_allows, can, model_allows, units_for, write_refusal

Reason = str | Callable[[Any, Any, Any], str]  # text, or (user, obj, step) -> text


class Rule:
    def __init__(self, test: Callable[[Any, Any], bool], reason: Reason) -> None:
        self.test = test
        self.reason = reason

    def refusal(self, user: Any, obj: Any, step: Any = None) -> str | None:
        if self.test(user, obj):
            return None
        reason = self.reason(user, obj, step) if callable(self.reason) else self.reason
        return str(reason)

    def __and__(self, other: Rule) -> Rule:
        return AllOf(self, other)


class AllOf(Rule):
    def __init__(self, *rules: Rule) -> None:
        self.rules: list[Rule] = []
        for rule in rules:
            self.rules += rule.rules if isinstance(rule, AllOf) else [rule]

    def refusal(self, user: Any, obj: Any, step: Any = None) -> str | None:
        for rule in self.rules:
            found = rule.refusal(user, obj, step)
            if found:
                return found
        return None


def resolve(obj: Any, path: str) -> Any:
    """The value at a `__`-separated path (`"case__unit"`), None where a link is empty."""
    for part in path.split("__"):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _label(step: Any) -> str:
    return str(getattr(step, "label", "")) or _("办理此步")


def role(action: str, area: str = "records") -> Rule:
    """The user's roles allow `action` on the area at all (a viewer takes no step)."""
    return Rule(lambda u, o: area_allows(u, area, action),
                lambda u, o, s: _("您的角色不能%(step)s。") % {"step": _label(s)})


def _can(user: Any, action: str, obj: Any) -> bool:
    """core.access.scope.can, asked once per user and action of a record loaded for a page: its
    panel asks it for every step."""
    memo = obj.__dict__.setdefault("_workflow_can", {})
    key = (getattr(user, "pk", None), action)
    if key not in memo:
        memo[key] = _own_unit_row(user, action, obj) or can(user, action, obj)
    return memo[key]


def _own_unit_row(user: Any, action: str, obj: Any) -> bool:
    """A row owned by the user's own (active) unit is on their owner side whenever their role allows
    the action: its place derives from that unit (core.access.scope), so no query needs to say so."""
    spec = getattr(type(obj), "scope", None)
    unit = getattr(user, "unit", None)
    return (spec is not None and spec.owner == "unit" and not spec.province_owned and unit is not None
            and unit.is_active and getattr(obj, "unit_id", None) == unit.pk
            and model_allows(user, type(obj), action))


def may(action: str = "change") -> Rule:
    """The row is on the user's owner side for `action` (core.access.scope), with scope's own reason."""
    return Rule(lambda u, o: _can(u, action, o), lambda u, o, s: write_refusal(u, action, o))


HANDLING_UNIT = gettext_lazy("承办单位")


def unit_at(path: str, what: Reason = HANDLING_UNIT, action: str = "change") -> Rule:
    """Only users of the unit at `path` (the receiver of a transfer, the handling unit...), with
    a role that may `action` records."""
    def test(u: Any, o: Any) -> bool:
        unit_id = getattr(o, f"{path}_id", None) if "__" not in path else getattr(resolve(o, path), "pk", None)
        return unit_id is not None and getattr(u, "unit_id", None) == unit_id and area_allows(u, "records", action)

    def reason(u: Any, o: Any, s: Any) -> str:
        unit = resolve(o, path)
        if unit is not None and getattr(u, "unit_id", None) == unit.pk:
            return _("您的角色不能%(step)s。") % {"step": _label(s)}
        return _("仅%(unit)s（%(what)s）可以%(step)s。") % {"unit": unit or _("指定单位"), "what": what,
                                                        "step": _label(s)}
    return Rule(test, reason)


def owner_side(action: str, path: str = "unit") -> Rule:
    """Users whose role may `action` records, of the record's unit (at `path`) or a unit above it
    (its city office, the provincial department of its line, the provincial office)."""
    def test(u: Any, o: Any) -> bool:
        unit_id = getattr(o, f"{path}_id", None)
        return unit_id is not None and units_for(u, action).filter(pk=unit_id).exists()

    def reason(u: Any, o: Any, s: Any) -> str:
        return _("仅%(unit)s及其上级单位可以%(step)s。") % {"unit": resolve(o, path), "step": _label(s)}
    return role(action) & Rule(test, reason)


def provincial_office(action: str = "manage") -> Rule:
    def test(u: Any, o: Any) -> bool:
        unit = getattr(u, "unit", None)
        return unit is not None and unit.is_provincial_office and area_allows(u, "records", action)
    return Rule(test, lambda u, o, s: _("仅省专项工作组办公室可以%(step)s。") % {"step": _label(s)})


def office(action: str = "review") -> Rule:
    def test(u: Any, o: Any) -> bool:
        unit = getattr(u, "unit", None)
        return unit is not None and unit.is_office and area_allows(u, "records", action)
    return Rule(test, lambda u, o, s: _("仅专项工作组办公室的审核员或管理员可以%(step)s。") % {"step": _label(s)})


def not_user_at(path: str, what: Reason) -> Rule:
    """Four eyes: the user who did an earlier step (`path` to a user) may not take this one."""
    return Rule(lambda u, o: getattr(o, f"{path}_id", None) != getattr(u, "pk", None), what)


def record(test: Callable[[Any], bool], reason: Reason) -> Rule:
    """A condition on the record alone (not on the user): a `Step.when` rule."""
    return Rule(lambda u, o: test(o), reason)
