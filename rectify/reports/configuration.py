"""The configuration the weekly tables are computed from — indicators, table layouts and their
columns — checked when it is saved and again before it is computed.

An indicator names its source model, its fields and its filters as text. A wrong name is refused
when the row is saved (the models' clean(), run by full_clean in object_create/object_update: the
pages, the API and the services alike), with the reason naming the field. A row that got
into the database anyway — raw SQL, an older version, a model field renamed since — is found again
by `indicator_problems` before the engine computes: its cells stay empty and the page says which
indicator is broken and why, while the other columns are computed as usual.

The checks here read the values they are given and the catalogue rows a filter names, never the
other rows of this app's models: whether another indicator or layout stands in the way of a change
is the models' own check (reports/models/indicators.py), which calls these with what they need.
The models import this module, so the instances are typed here as `models.Model`."""
from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Iterable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    EmptyResultSet,
    FieldDoesNotExist,
    ObjectDoesNotExist,
    ValidationError,
)
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rectify.core.security.inputs import INT64_MAX, INT64_MIN

from .aggregation import aggregate_of, condition_of

NUMERIC_FIELDS = (models.IntegerField, models.DecimalField, models.FloatField)
MAX_DECIMALS = 6
# Characters a worksheet name cannot hold (the layout's label names the official workbook's sheets).
SHEET_NAME_FORBIDDEN = "[]:*?/\\"
RULE_KINDS = ("lte",)
LIST_LOOKUPS = ("in", "range")
CATEGORY_MODEL = "organisations.ProductCategory"
REGION_MODEL = "organisations.Region"

Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _model_label(model) -> str:
    return f"{model._meta.verbose_name}（{model._meta.label}）"


def _field_label(field) -> str:
    verbose = getattr(field, "verbose_name", "")
    return f"“{field.name}”（{verbose}）" if verbose and verbose != field.name else f"“{field.name}”"


def _is_label(value: Any) -> bool:
    return isinstance(value, str) and value.count(".") == 1 and all(value.split("."))


def source_of(label: str):
    """The model an indicator's `source` names, or None."""
    if not _is_label(label):
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _walk(model, path: str) -> tuple[Any, list[str], str | None]:
    """Follows `path` (`case_category__code`) through the fields of `model`: the field it ends on,
    the parts after it (lookups such as `in`), or why it cannot be followed."""
    parts = path.split("__")
    field, current = None, model
    for i, part in enumerate(parts):
        if current is None:
            if not _is_lookup(field, parts[i:]):
                return None, [], _("字段%(field)s没有“%(rest)s”这种查询方式。") % {
                    "field": _field_label(field), "rest": "__".join(parts[i:])}
            return field, parts[i:], None
        try:
            field = current._meta.pk if part == "pk" else current._meta.get_field(part)
        except FieldDoesNotExist:
            if field is None or not _is_lookup(field, parts[i:]):
                return None, [], _("%(model)s没有字段“%(name)s”。") % {"model": _model_label(current), "name": part}
            return field, parts[i:], None
        if field.one_to_many or field.many_to_many:
            return None, [], _("“%(path)s”经过一对多或多对多关系（%(field)s），同一记录会被重复计数。") % {
                "path": path, "field": _field_label(field)}
        current = field.related_model if field.is_relation else None
    return field, [], None


def _is_lookup(field, rest: list[str]) -> bool:
    """`rest` is a chain of transforms ending in a lookup (or a transform) the field knows."""
    if not rest or not all(rest) or not hasattr(field, "get_lookup"):
        return False
    if len(rest) == 1:
        return field.get_lookup(rest[0]) is not None or field.get_transform(rest[0]) is not None
    return field.get_transform(rest[0]) is not None  # what follows a transform is left to the query


def _plain_field(model, path: str, what: str, errors: Errors, key: str):
    """A field (not a lookup) reached by `path`, or None with the reason in `errors[key]`."""
    field, rest, problem = _walk(model, path)
    if problem:
        _add(errors, key, problem)
        return None
    if rest:
        _add(errors, key, _("%(what)s“%(path)s”应为字段名，不能带查询方式“__%(rest)s”。") % {
            "what": what, "path": path, "rest": "__".join(rest)})
        return None
    if not getattr(field, "concrete", False):
        _add(errors, key, _("%(what)s“%(path)s”不是数据表中的字段。") % {"what": what, "path": path})
        return None
    return field


def _points_to(field, label: str) -> bool:
    return field.is_relation and field.related_model is not None and field.related_model._meta.label == label


def _check_fields(model, spec: SimpleNamespace, errors: Errors) -> None:
    """The named fields of a counted or summed indicator exist on its source and fit their role."""
    if spec.date_field:
        field = _plain_field(model, spec.date_field, _("日期字段"), errors, "date_field")
        if field is not None and not isinstance(field, models.DateField):
            _add(errors, "date_field", _("日期字段%(field)s不是日期。") % {"field": _field_label(field)})
    if not spec.category_field:
        _add(errors, "category_field", _("请填写产品类别字段：报表按产品类别分行。"))
    else:
        field = _plain_field(model, spec.category_field, _("产品类别字段"), errors, "category_field")
        if field is not None and not _points_to(field, CATEGORY_MODEL):
            _add(errors, "category_field", _("产品类别字段%(field)s不是产品类别。") % {"field": _field_label(field)})
    if not spec.region_field:
        _add(errors, "region_field", _("请填写地区字段：报表按地区汇总。"))
    else:
        field = _plain_field(model, spec.region_field, _("地区字段"), errors, "region_field")
        if field is not None and not _points_to(field, REGION_MODEL):
            _add(errors, "region_field", _("地区字段%(field)s不是地区。") % {"field": _field_label(field)})
    if not spec.line_field:
        _add(errors, "line_field", _("请填写条线字段：部门的报表只计本条线。"))
    else:
        field = _plain_field(model, spec.line_field, _("条线字段"), errors, "line_field")
        if field is not None and not isinstance(field, models.CharField):
            _add(errors, "line_field", _("条线字段%(field)s不是业务条线。") % {"field": _field_label(field)})
    _check_measure(model, spec, errors)


def _check_measure(model, spec: SimpleNamespace, errors: Errors) -> None:
    if spec.aggregate == "sum":
        if not spec.field:
            _add(errors, "field", _("求和须填写汇总字段（数值字段，多个字段用“+”相加，如 fine+confiscation）。"))
            return
        for part in spec.field.split("+"):
            name = part.strip()
            if not name:
                _add(errors, "field", _("汇总字段“%(spec)s”中有空的字段名。") % {"spec": spec.field})
                continue
            field = _plain_field(model, name, _("汇总字段"), errors, "field")
            if field is not None and (field.is_relation or not isinstance(field, NUMERIC_FIELDS)):
                _add(errors, "field", _("汇总字段%(field)s不是数值字段，不能求和。") % {"field": _field_label(field)})
    elif spec.aggregate == "count_distinct":
        if spec.field:
            if "+" in spec.field:
                _add(errors, "field", _("去重计数只能按一个字段去重（“%(spec)s”）。") % {"spec": spec.field})
            else:
                _plain_field(model, spec.field, _("去重字段"), errors, "field")
    elif spec.field:
        _add(errors, "field", _("计数不使用汇总字段，请留空（“%(spec)s”）。") % {"spec": spec.field})


def _choice_values(field) -> set[str] | None:
    choices = getattr(field, "flatchoices", None)
    return {str(value) for value, _label in choices} if choices else None


def _check_filters(model, filters: Any, errors: Errors) -> None:
    if not isinstance(filters, dict):
        _add(errors, "filters", _('筛选条件应为 JSON 对象，如 {"outcome": "failed_review"}。'))
        return
    for key, value in filters.items():
        where = _("筛选条件“%(key)s”：") % {"key": key}
        field, rest, problem = _walk(model, key)
        if problem:
            _add(errors, "filters", where + problem)
            continue
        if not getattr(field, "concrete", False):
            _add(errors, "filters", where + _("%(field)s不是数据表中的字段。") % {"field": _field_label(field)})
            continue
        lookup = rest[-1] if rest else "exact"
        if lookup in LIST_LOOKUPS and not isinstance(value, list):
            _add(errors, "filters",
                 where + _('“__%(lookup)s”的值应为列表，如 ["market", "drug"]。') % {"lookup": lookup})
            continue
        if lookup == "isnull" and not isinstance(value, bool):
            _add(errors, "filters", where + _("“__isnull”的值应为 true 或 false。"))
            continue
        flat = value if isinstance(value, list) else [value]
        if (isinstance(value, dict) or (isinstance(value, list) and lookup not in LIST_LOOKUPS)
                or any(isinstance(v, dict | list) or (isinstance(v, str) and "\x00" in v) for v in flat)):
            shown = json.dumps(value, ensure_ascii=False)  # a NUL byte shows as \u0000
            _add(errors, "filters", where + _("值“%(value)s”不能用于该条件。") % {"value": shown})
            continue
        if len(rest) > 1 or lookup not in ("exact", "in"):
            continue  # a transform or a comparison: its value is checked by building the query
        values = value if isinstance(value, list) else [value]
        allowed = _choice_values(field)
        wrong = [v for v in values if allowed is not None and str(v) not in allowed]
        if wrong:
            _add(errors, "filters", where + _("“%(value)s”不是%(field)s的可选值（%(allowed)s）。") % {
                "value": _shown(wrong[0]), "field": _field_label(field), "allowed": "、".join(sorted(allowed))})
            continue
        target = field.target_field if field.is_relation else field
        for v in values:
            try:
                number = target.to_python(v)
                if isinstance(number, int) and not INT64_MIN <= number <= INT64_MAX:
                    raise ValueError(number)
            except (ValidationError, TypeError, ValueError):
                _add(errors, "filters", where + _("值“%(value)s”不符合字段%(field)s的类型。") % {
                    "value": _shown(v), "field": _field_label(field)})
                break


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value


def _check_query(model, spec: SimpleNamespace, errors: Errors) -> None:
    """Builds the engine's own grouped query for the indicator and compiles it (nothing is run): a
    value the database column cannot take, or anything the checks above let through, is refused
    here rather than when a table is computed."""
    indicator = SimpleNamespace(**vars(spec))
    indicator.filters = spec.filters or {}
    start, cutoff = datetime.date(2020, 1, 1), datetime.date(2020, 12, 31)
    try:
        qs = model._default_manager.filter(**{spec.region_field: 1, spec.line_field: "market"})
        qs = qs.values(spec.category_field, spec.region_field).annotate(
            value=aggregate_of(indicator, condition_of(indicator, start, cutoff))).order_by()
        qs.query.get_compiler(using=settings.REPORTS_DB_ALIAS).as_sql()
    except EmptyResultSet:
        pass
    except Exception:  # noqa: BLE001 — whatever Django refuses to build is a configuration error
        key = "filters" if spec.filters else NON_FIELD_ERRORS
        _add(errors, key, _("按此配置无法生成统计查询，请检查筛选条件的字段、查询方式和值。"))


def _spec(indicator: models.Model) -> tuple:
    """What the row-independent checks depend on, hashable (they are remembered per spec)."""
    filters = indicator.filters
    try:
        filters_text = json.dumps(filters, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        filters_text = repr(filters)
    values = (indicator.source, indicator.aggregate, indicator.field, indicator.date_field, indicator.category_field,
              indicator.region_field, indicator.line_field)
    # a value a form could not clean stays on the instance as given: kept as text, never unhashable
    texts = tuple(v if v is None or isinstance(v, str) else repr(v) for v in values)
    decimals = indicator.decimals if isinstance(indicator.decimals, int) else repr(indicator.decimals)
    return (*texts, filters_text, str(indicator.scale), decimals)


def _spec_errors(spec: tuple) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return _remembered_spec_errors(spec, get_language())


@functools.lru_cache(maxsize=1024)
def _remembered_spec_errors(spec: tuple, language: str | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The checks that read no row, remembered per spec and language (the messages are translated)."""
    source, aggregate, field, date_field, category_field, region_field, line_field, filters_text, scale, decimals = spec
    errors: Errors = {}
    try:
        filters = json.loads(filters_text)
    except ValueError:
        filters = None
    values = SimpleNamespace(aggregate=aggregate, field=field or "", date_field=date_field or "",
                             category_field=category_field or "", region_field=region_field or "",
                             line_field=line_field or "", filters=filters)
    try:
        if not Decimal(scale).is_finite():
            _add(errors, "scale", _("换算系数应为有限的数。"))
    except ArithmeticError:
        _add(errors, "scale", _("换算系数应为数字。"))
    if not isinstance(decimals, int) or not 0 <= decimals <= MAX_DECIMALS:
        _add(errors, "decimals", _("小数位应在 0 到 %(n)s 之间。") % {"n": MAX_DECIMALS})
    if aggregate == "ratio":
        return tuple((k, tuple(v)) for k, v in errors.items())
    if aggregate not in ("count", "count_distinct", "sum"):
        _add(errors, "aggregate", _("汇总方式“%(value)s”无效。") % {"value": aggregate or ""})
        return tuple((k, tuple(v)) for k, v in errors.items())
    model = source_of(source)
    if not source:
        _add(errors, "source", _("请填写数据来源模型（app_label.Model，如 enforcement.Case）。"))
    elif model is None:
        _add(errors, "source", _("数据来源“%(source)s”不存在（应为 app_label.Model，如 enforcement.Case）。")
             % {"source": source})
    elif not hasattr(model._default_manager.all(), "restrict"):
        _add(errors, "source", _("数据来源%(model)s不是按数据权限统计的业务记录。") % {"model": _model_label(model)})
    if model is not None and "source" not in errors:
        _check_fields(model, values, errors)
        _check_filters(model, filters, errors)
        if not errors:
            _check_query(model, values, errors)
    return tuple((k, tuple(v)) for k, v in errors.items())


def _ratio_errors(indicator: models.Model, errors: Errors) -> None:
    if indicator.aggregate != "ratio":
        for name, label in (("numerator", _("分子")), ("denominator", _("分母"))):
            if getattr(indicator, f"{name}_id") is not None:
                _add(errors, name, _("只有比率指标填写%(part)s。") % {"part": label})
        return
    for name, label in (("numerator", _("分子")), ("denominator", _("分母"))):
        try:
            part = getattr(indicator, name) if getattr(indicator, f"{name}_id") is not None else None
        except ObjectDoesNotExist:
            part = None
        if part is None:
            _add(errors, name, _("比率指标须选择%(part)s。") % {"part": label})
        elif indicator.pk is not None and part.pk == indicator.pk:
            _add(errors, name, _("比率指标的%(part)s不能是它自己。") % {"part": label})
        elif part.aggregate == "ratio":
            _add(errors, name, _("%(part)s“%(name)s”本身是比率；比率只能由计数或求和指标计算。") % {
                "part": label, "name": part.name})
        elif part.campaign_id != indicator.campaign_id:
            _add(errors, name, _("%(part)s“%(name)s”属于另一专项行动。") % {"part": label, "name": part.name})


def indicator_errors(indicator: models.Model) -> Errors:
    """What is wrong with the values of an indicator about to be saved, by field (Indicator.clean, which
    adds what the rows using it say)."""
    errors: Errors = {k: list(v) for k, v in _spec_errors(_spec(indicator))}
    _ratio_errors(indicator, errors)
    if not errors and isinstance(indicator.filters, dict) and indicator.aggregate != "ratio":
        _check_filter_rows(indicator, errors)  # reads rows: only once every value is known to fit
    return errors


def _check_filter_rows(indicator: models.Model, errors: Errors) -> None:
    """A filter on an attribute of a related catalogue row (`case_category__code`) names rows that
    exist in the indicator's campaign: a misspelt code would count nothing, week after week."""
    model = source_of(indicator.source)
    if model is None:
        return
    for key, value in indicator.filters.items():
        parts = key.split("__")
        if parts[-1] in ("in", "exact"):
            parts = parts[:-1]
        if len(parts) != 2:
            continue
        try:
            relation = model._meta.get_field(parts[0])
            related = relation.related_model
            # codes and names: what a person types and may misspell (the value checks ran before)
            if not relation.many_to_one or related is None or not isinstance(
                    related._meta.get_field(parts[1]), models.CharField):
                continue
        except FieldDoesNotExist:
            continue
        rows = related._default_manager.all()
        if any(f.name == "campaign" for f in related._meta.concrete_fields) and indicator.campaign_id:
            rows = rows.filter(campaign=indicator.campaign_id)
        wanted = {str(v) for v in (value if isinstance(value, list) else [value])}
        found = {str(v) for v in rows.filter(**{f"{parts[1]}__in": list(wanted)}).values_list(parts[1], flat=True)}
        missing = sorted(wanted - found)
        if missing:
            _add(errors, "filters", _("筛选条件“%(key)s”：本专项行动的%(model)s中没有“%(value)s”。") % {
                "key": key, "model": related._meta.verbose_name, "value": "、".join(missing)})


def indicator_problem(indicator: models.Model) -> str | None:
    """Why an indicator in the database cannot be computed, in one sentence, or None. Cheap: the
    checks of its text fields are remembered; a ratio's parts are those already loaded with it."""
    errors: Errors = {k: list(v) for k, v in _spec_errors(_spec(indicator))}
    _ratio_errors(indicator, errors)
    if indicator.aggregate == "ratio" and not errors:
        for part in (indicator.numerator, indicator.denominator):
            problem = indicator_problem(part)
            if problem:
                _add(errors, NON_FIELD_ERRORS, _("%(name)s：%(problem)s") % {"name": part.name, "problem": problem})
    return _sentence(indicator, errors) if errors else None


def _sentence(indicator: models.Model, errors: Errors) -> str:
    names = {f.name: str(f.verbose_name) for f in type(indicator)._meta.fields}
    parts = []
    for key, messages in errors.items():
        label = names.get(key)
        parts.extend(f"{label}：{m}" if label else m for m in messages)
    return " ".join(parts)


def indicator_problems(indicators: Iterable[models.Model]) -> dict[int, str]:
    """{indicator id: why it cannot be computed} for the broken ones among `indicators`."""
    found = {}
    for indicator in indicators:
        problem = indicator_problem(indicator)
        if problem:
            found[indicator.pk] = problem
    return found


# --- layouts and their columns ------------------------------------------------------------------
def rules_problems(rules: Any, codes: set[str] | None = None) -> list[str]:
    """What is wrong with a layout's check rules ([{"kind": "lte", "left": code, "right": code}]);
    `codes`: the indicator codes the rules may name (None: not checked)."""
    if not isinstance(rules, list):
        return [_('校验规则应为列表，如 [{"kind": "lte", "left": "指标代码", "right": "指标代码"}]。')]
    found = []
    for n, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict):
            found.append(_("校验规则第%(n)s条应为对象（kind、left、right）。") % {"n": n})
            continue
        if rule.get("kind") not in RULE_KINDS:
            found.append(_("校验规则第%(n)s条：类型“%(kind)s”无效（可用：lte，左边不大于右边）。") % {
                "n": n, "kind": _shown(rule.get("kind", ""))})
        for side in ("left", "right"):
            code = rule.get(side)
            if not isinstance(code, str) or not code:
                found.append(_("校验规则第%(n)s条缺少%(side)s（指标代码）。") % {"n": n, "side": side})
            elif codes is not None and code not in codes:
                found.append(_("校验规则第%(n)s条：本专项行动没有代码为“%(code)s”的指标。") % {"n": n, "code": code})
    return found


def layout_errors(layout: models.Model, codes: set[str] | None) -> Errors:
    """What is wrong with the values of a table layout about to be saved, by field (TableLayout.clean);
    `codes`: those of its campaign's indicators, which its rules may name (None: not checked)."""
    errors: Errors = {}
    forbidden = sorted({c for c in layout.label or "" if c in SHEET_NAME_FORBIDDEN})
    if forbidden:
        _add(errors, "label", _("附件编号是正式报表的工作表名，不能含有“%(chars)s”。") % {"chars": "".join(forbidden)})
    for message in rules_problems(layout.rules, codes):
        _add(errors, "rules", message)
    for name in ("header_fields", "footer_fields"):
        value = getattr(layout, name)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            _add(errors, name, _('应为文字列表，如 ["填报单位"]。'))
    return errors


def column_errors(column: models.Model) -> Errors:
    """A layout column shows an indicator of its layout's campaign (LayoutColumn.clean)."""
    errors: Errors = {}
    try:
        indicator, layout = column.indicator, column.layout
    except ObjectDoesNotExist:  # a missing layout or indicator is clean_fields' to report
        return errors
    if indicator.campaign_id != layout.campaign_id:
        _add(errors, "indicator",
             _("指标“%(indicator)s”属于专项行动“%(other)s”，报表格式“%(layout)s”属于“%(campaign)s”。") % {
                 "indicator": indicator.name, "other": indicator.campaign, "layout": layout,
                 "campaign": layout.campaign})
    return errors


def column_problem(indicator: models.Model, layout: models.Model) -> str | None:
    """Why a stored column showing `indicator` cannot be computed with `layout`, or None."""
    if indicator.campaign_id != layout.campaign_id:
        return _("指标属于另一专项行动，不能用于本表。")
    return None


def layout_problems(layout: models.Model) -> list[str]:
    """What is wrong with a stored layout that the page should say (its rules are skipped)."""
    return [_("校验规则有误，报送前的校验略过它们：%(problem)s") % {"problem": p} for p in rules_problems(layout.rules)]
