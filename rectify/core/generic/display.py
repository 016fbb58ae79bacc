"""A record's values as people read them, on its page and in its history.

A choice shows its label, a yes/no 是/否, a moment Beijing time to the minute, a reference the
record it names (a link on the page), and a structured value (a JSON field: rules, check results,
an event's detail) labelled lines — never a stored code or a Python repr. The labels of a JSON
value's keys are the project's field names (`verbose_name`) and what the apps add with
`label_keys()`; the texts of its coded values are the project's choice labels and what the apps
add with `label_values()`. An event's name reads as its workflow step's label, or what the apps
give with `label_events()` (core.audit.names).

System fields — the optimistic-lock version, the timestamps, seals and integrity codes, digests —
go to the page's folded 技术信息 section (`is_technical`).
"""
from __future__ import annotations

import datetime
import decimal
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.core.access.scope import unit_model
from rectify.core.audit.models import Event
from rectify.core.audit.names import event_label, label_events, label_steps, state_label  # noqa: F401
from rectify.core.clock import format_logged, format_moment
from rectify.core.generic.files import file_detail_value

TECHNICAL_NAMES = frozenset({"version", "created_at", "updated_at", "request_id"})
_TECHNICAL_PATTERN = re.compile(r"seal|integrity|checksum|digest|hash|fingerprint|secret")

_key_labels: dict[str, Any] = {}
_scoped_key_labels: dict[str, dict[str, Any]] = {}
_value_labels: dict[str, Any] = {}
_scoped_value_labels: dict[str, dict[str, Any]] = {}

# The lookups an indicator's filter or a rule may name, as words.
_LOOKUPS = {
    "in": gettext_lazy("属于"), "exact": gettext_lazy("等于"), "gte": "≥", "lte": "≤", "gt": ">", "lt": "<",
    "isnull": gettext_lazy("为空"), "contains": gettext_lazy("包含"), "icontains": gettext_lazy("包含"),
    "startswith": gettext_lazy("开头为"), "code": gettext_lazy("代码"),
}


def label_keys(labels: Mapping[str, Any], *scopes: str) -> None:
    """Labels for the keys of the app's structured values (a check result's `ok`: 通过): for those of
    the given scopes only — a JSON field (`"targeting.CertificateCheck.findings"`) or an event's name
    (`"draw.run"`) — or, without a scope, wherever the key has no label of its own."""
    if not scopes:
        _key_labels.update(labels)
    for scope in scopes:
        _scoped_key_labels.setdefault(scope, {}).update(labels)


def label_values(labels: Mapping[str, Any], *scopes: str) -> None:
    """Texts for coded values the app writes into structured values outside any field's choices
    (for the given scopes only, as label_keys)."""
    if not scopes:
        _value_labels.update(labels)
    for scope in scopes:
        _scoped_value_labels.setdefault(scope, {}).update(labels)


@functools.cache
def _field_labels() -> dict[str, str]:
    """Each field name of the project's models -> its verbose name (the first model's, by app order)."""
    labels: dict[str, str] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("rectify."):
            continue
        for f in model._meta.get_fields():
            if getattr(f, "concrete", False) and hasattr(f, "verbose_name"):
                labels.setdefault(f.name, f.verbose_name)
                labels.setdefault(f.attname, f.verbose_name)
    return labels


@functools.cache
def _choice_labels() -> dict[str, Any]:
    """Each coded value of the project's choices -> its label."""
    labels: dict[str, Any] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("rectify."):
            continue
        for f in model._meta.get_fields():
            for value, label in getattr(f, "flatchoices", None) or ():
                if isinstance(value, str) and value:
                    labels.setdefault(value, label)
    return labels


def key_label(key: str, scope: str = "") -> str:
    """A structured value's key in words: "enterprise_id" -> 企业, "line__in" -> 业务条线 属于."""
    if key in _scoped_key_labels.get(scope, ()):
        return str(_scoped_key_labels[scope][key])
    if key in _key_labels:
        return str(_key_labels[key])
    fields = _field_labels()
    if key in fields:
        return str(fields[key])
    parts = key.split("__")
    if len(parts) > 1 and all(p in fields or p in _LOOKUPS or p in _key_labels for p in parts):
        return " ".join(str(_key_labels.get(p) or fields.get(p) or _LOOKUPS[p]) for p in parts)
    return key


def field_path_label(model: type[models.Model] | None, path: str) -> str:
    """A field path of `model` (`case_category__code`, `line__in`) in words, through its relations:
    案件类别 代码, 业务条线 属于."""
    if not path:
        return ""
    words, current = [], model
    for part in path.split("__"):
        field = None
        if current is not None:
            try:
                field = current._meta.get_field(part)
            except Exception:  # noqa: BLE001 — not a field: a lookup, or a name this model lacks
                field = None
        if field is not None and hasattr(field, "verbose_name"):
            words.append(str(field.verbose_name))
            current = field.related_model if field.is_relation else None
        else:
            words.append(str(_LOOKUPS.get(part) or _key_labels.get(part) or _field_labels().get(part, part)))
            current = None
    return " ".join(words)


def value_text(value: Any, scope: str = "") -> str:
    """A scalar of a structured value in words."""
    if value is None or value == "":
        return "—"
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if isinstance(value, datetime.datetime):
        return format_moment(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        if value in _scoped_value_labels.get(scope, ()):
            return str(_scoped_value_labels[scope][value])
        if value in _value_labels:
            return str(_value_labels[value])
        choices = _choice_labels()
        if value in choices:
            return str(choices[value])
        if value in _field_labels() or "__" in value:
            return key_label(value)
        if value in _STORED_WORDS:  # a step's values as the workflow engine once kept them: str(True)
            return value_text(_STORED_WORDS[value])
        if _MOMENT_TEXT.fullmatch(value):
            return str(format_logged(value))
        return value
    return str(value)


_STORED_WORDS = {"True": True, "False": False, "None": None}
_MOMENT_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?")


# The keys every step event's detail holds (core.workflow.engine).
_STEP_KEYS = {"step": gettext_lazy("步骤"), "state_from": gettext_lazy("原状态"), "state_to": gettext_lazy("新状态")}


def event_lines(event: Any) -> list[Line]:
    """An event's detail as labelled lines: a step's name and states by their workflow's labels, a
    referenced record by its name (its id, kept beside the name, left out)."""
    detail = event.detail
    if not isinstance(detail, Mapping):
        return structured(detail, event.event) if detail else []
    lines = []
    for key, value in detail.items():
        key = str(key)
        if key.endswith("_id") and key[:-3] in detail:
            continue
        if key == "step":
            lines.append(Line(str(_STEP_KEYS[key]), event_label(event.event)))
        elif key in {"state_from", "state_to"}:
            lines.append(Line(str(_STEP_KEYS[key]), state_label(event.event, str(value))))
        else:
            lines.append(Line(key_label(key, event.event), inline_text(value, event.event)))
    return lines


@dataclass
class Line:
    label: str
    text: str
    is_line = True  # for the templates: a list of lines, not of records


def structured(value: Any, scope: str = "") -> list[Line]:
    """A JSON value as labelled lines: a mapping a line per key, a list of mappings a line per item
    (its pairs joined), a list of scalars one line. `scope` names the field or event it comes from
    (label_keys)."""
    if isinstance(value, Mapping):
        return [Line(key_label(str(k), scope), inline_text(v, scope)) for k, v in value.items()]
    if isinstance(value, list | tuple):
        if all(isinstance(v, Mapping) for v in value):
            return [Line(str(i), inline_text(v, scope)) for i, v in enumerate(value, 1)]
        return [Line("", inline_text(value, scope))]
    return [Line("", value_text(value, scope))]


def inline_text(value: Any, scope: str = "") -> str:
    """A structured value on one line: a mapping's pairs joined by ；, a list's items by 、."""
    if isinstance(value, Mapping):
        return "；".join(f"{key_label(str(k), scope)}：{inline_text(v, scope)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "、".join(inline_text(v, scope) for v in value) if value else "—"
    return value_text(value, scope)


def is_technical(model: type[models.Model], name: str) -> bool:
    """A system field: shown folded under 技术信息, not among the record's own fields."""
    if name in TECHNICAL_NAMES or name in getattr(model, "technical_fields", ()):
        return True
    field = model._meta.get_field(name)
    return isinstance(field, models.UUIDField) or bool(_TECHNICAL_PATTERN.search(name))


@functools.cache
def _line_labels() -> dict[str, str]:
    """The labels of a record's derived 业务条线, which core stores without choices: the
    departments' (the unit model's department's `line` field)."""
    department = unit_model()._meta.get_field("department").related_model
    return {str(k): v for k, v in department._meta.get_field("line").flatchoices}


def line_label(value: str) -> str:
    """A 业务条线 code (a record's derived `line`) as its label."""
    return str(_line_labels().get(value, value))


def _choices_of(field: models.Field) -> dict[str, Any]:
    if field.choices:
        return {str(k): v for k, v in field.flatchoices}
    if field.name == "line" and isinstance(field, models.CharField):
        return _line_labels()
    return {}


def shown_value(obj: models.Model, field: models.Field, user: Any = None) -> Any:
    """A field of `obj` as its page shows it: None (a dash), a record (a link), a list of records,
    a list of `Line`s, or a text. A model says how its page shows a field of its own kind (a field
    holding another model's field name, a rule over codes) with a method `shown_<field name>()`."""
    own = getattr(obj, f"shown_{field.name}", None)
    if callable(own):
        return own()
    if isinstance(obj, Event) and field.name == "detail":
        return event_lines(obj) or None
    if field.many_to_many:
        return list(getattr(obj, field.name).all()) or None
    generic = _generic_pointer(type(obj), field.name)
    if generic is not None:  # the id of a generic reference: the record it names, by its name
        if not getattr(obj, field.attname):
            return None
        return getattr(obj, generic.name, None) or getattr(obj, field.attname)
    if field.is_relation and field.related_model is ContentType:  # a kind of record: its name
        kind = getattr(obj, field.name)
        model = kind.model_class() if kind is not None else None
        return str(model._meta.verbose_name) if model is not None else (str(kind) if kind else None)
    if field.is_relation:
        return getattr(obj, field.name)
    value = getattr(obj, field.attname)
    if isinstance(field, models.FileField):
        return file_detail_value(obj, field.name, user) or None
    return _scalar(field, value)


def _generic_pointer(model: type[models.Model], name: str) -> GenericForeignKey | None:
    """The generic reference whose object id is the field `name`, if any."""
    return next((f for f in model._meta.private_fields
                 if isinstance(f, GenericForeignKey) and f.fk_field == name), None)


def _scalar(field: models.Field, value: Any) -> Any:
    if value is None or value == "" or value == [] or value == {}:
        return None
    choices = _choices_of(field)
    if choices:
        return str(choices.get(str(value), value))
    if isinstance(field, models.JSONField):
        return structured(value, f"{field.model._meta.label}.{field.name}")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime.datetime):
        return format_moment(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def logged_rows(model: type[models.Model] | None, rows: Iterable[tuple[str, Any, Any]],
                record: models.Model | None = None) -> list[tuple[str, Any, Any]]:
    """A change's (column, before, after) as the history shows them: the field's label, and each
    value as its page would show it (a referenced record by its name, looked up once per change).
    A record whose fields hold codes of other things (a configuration's model and field paths, a
    rule over codes) words a logged value itself with `logged_value(name, value)`."""
    rows = list(rows)
    worded = getattr(record, "logged_value", None)
    if model is None:
        return [(name, _logged_plain(old), _logged_plain(new)) for name, old, new in rows]
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    by_attname.update({f.name: f for f in model._meta.many_to_many})  # logged as lists of ids
    # in the order of the record's page; the row's own id says nothing to a reader
    order = {attname: i for i, attname in enumerate(by_attname)}
    rows = sorted((r for r in rows if r[0] != model._meta.pk.attname), key=lambda r: order.get(r[0], len(order)))
    related: dict[tuple[type, Any], Any] = {}
    for name, old, new in rows:
        field = by_attname.get(name)
        if field is not None and field.is_relation:
            for value in (old, new):
                for pk in (value if isinstance(value, list) else [value]):
                    if pk not in (None, ""):
                        related[(field.related_model, pk)] = None
    by_model: dict[type, list] = {}
    for target, pk in related:
        by_model.setdefault(target, []).append(pk)
    for target, pks in by_model.items():
        for obj in target._base_manager.filter(pk__in=pks):
            related[(target, obj.pk)] = obj
            related[(target, str(obj.pk))] = obj
    out = []
    for name, old, new in rows:
        field = by_attname.get(name)
        if field is not None and worded is not None and not field.is_relation:
            # a side with no value (the creation's "before") is shown empty, whoever words the other
            shown = [None if v in (None, "") else worded(field.name, v) for v in (old, new)]
            if all(v is not NotImplemented for v in shown):
                out.append((str(field.verbose_name), *shown))
                continue
        if field is None:
            out.append((key_label(name), _logged_plain(old), _logged_plain(new)))
        elif field.is_relation and field.related_model is ContentType:
            out.append((str(field.verbose_name), *(_logged_kind(v) for v in (old, new))))
        elif field.is_relation:
            out.append((str(field.verbose_name), *(_logged_ref(field, related, v) for v in (old, new))))
        else:
            out.append((str(field.verbose_name), _logged_scalar(field, old), _logged_scalar(field, new)))
    return out


def _logged_ref(field: models.Field, related: dict, value: Any) -> Any:
    if value in (None, "", []):
        return None
    if isinstance(value, list):  # a many-to-many field: the records, by name
        return [_logged_ref(field, related, pk) for pk in value]
    return related.get((field.related_model, value)) or f"{field.related_model._meta.verbose_name} #{value}"


def _logged_kind(value: Any) -> Any:
    """A logged content type id as the name of the kind of record."""
    if value in (None, ""):
        return None
    model = ContentType.objects.get_for_id(int(value)).model_class()
    return str(model._meta.verbose_name) if model is not None else value


def _logged_scalar(field: models.Field, value: Any) -> Any:
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        return format_logged(value)
    return _scalar(field, value)


def _logged_plain(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, Mapping | list):
        return structured(value)
    return value_text(value)


# The fields that place a record (who keeps it, where it counts): a panel of their own.
PLACING_NAMES = ("unit", "region", "county", "line")


def field_groups(obj: models.Model, rows: list[tuple[str, Any, str]]) -> list[dict[str, Any]]:
    """The page's panels of fields: 基本信息, then each structured value under its own label, then
    承办与归属 (the unit and the derived city, county and line); system fields are left to 技术信息."""
    model = type(obj)
    own = [(label, value, name) for label, value, name in rows if not is_technical(model, name)]
    structured_rows = [r for r in own if isinstance(r[1], list) and r[1] and isinstance(r[1][0], Line)]
    placing = [r for r in own if r[2] in PLACING_NAMES and r not in structured_rows]
    basic = [r for r in own if r not in structured_rows and r not in placing]
    groups = [{"label": _("基本信息"), "rows": [(label, value) for label, value, _name in basic]}] if basic else []
    groups += [{"label": label, "rows": [("", value)]} for label, value, _name in structured_rows]
    if placing:
        groups.append({"label": _("承办与归属"), "rows": [(label, value) for label, value, _name in placing],
                       "side": True})
    return groups
