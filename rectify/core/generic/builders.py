"""Derive a model's filterset, table, form and serializer from its ModelConfig when the app does
not give its own. Cached per config so each class is built once."""
from __future__ import annotations

import datetime
import functools

import django_filters
import django_tables2 as tables
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from django_tables2.columns.base import library
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from rectify.core.access.scope import restrict, unit_model, units_for
from rectify.core.clock import beijing_at
from rectify.core.dataversion.counting import cached_choices
from rectify.core.generic import pickers
from rectify.core.generic.files import ProtectedFileField, ProtectedImageField
from rectify.core.generic.listing import ShortTextColumn, narrow_filter_choices
from rectify.core.generic.pickers import picker_search
from rectify.core.models import ScopedRecord
from rectify.core.registry import ModelConfig, registry
from rectify.core.security.inputs import parse_int
from rectify.core.speed.drfspeed import PkListsListSerializer, PlannedReadingMixin, copied_fields


class SearchFilterSet(django_filters.FilterSet):
    """Adds `q`: a case-insensitive search over the config's search_fields."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="search", label=_("搜索"))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        query = Q()
        for f in self.search_fields:
            query |= Q(**{f"{f}__icontains": value})
        return queryset.filter(query)


def current_choices(queryset: QuerySet, held: list | tuple = ()) -> QuerySet:
    """The rows a form, a filter or an API write offers. A model whose rows belong to a period (a
    campaign's categories) declares `narrow_choices(queryset, held)` to offer only the current
    period's rows and those in `held` (the values the edited record already has)."""
    narrow = getattr(queryset.model, "narrow_choices", None)
    return narrow(queryset, held) if narrow is not None else queryset


def restrict_choice_filters(filterset: django_filters.FilterSet, user) -> None:
    """Filter choices (regions, units, enterprises...) are narrowed by the same scope, to the
    current rows (current_choices), and the regions and units to those the user's scope holds
    (listing.narrow_filter_choices)."""
    for f in filterset.filters.values():
        qs = getattr(f, "queryset", None)
        if qs is not None and hasattr(qs, "restrict"):
            f.queryset = narrow_filter_choices(current_choices(qs.restrict(user, "view")), user)


class ListedChoiceIterator(ModelChoiceIterator):
    """A model choice field's options read with one plain query, and kept until the records change
    (core.dataversion.counting.cached_choices). Django's iterator() opens a server-side cursor on PostgreSQL —
    DECLARE, FETCH and CLOSE, three round trips — which pays off for large results, not for a
    select's few dozen regions or categories."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in cached_choices(self.queryset.all()):
            yield self.choice(obj)


def list_choices(field: forms.Field) -> None:
    if isinstance(field, forms.ModelChoiceField):
        field.iterator = ListedChoiceIterator
        field.widget.choices = field.choices


# The first day whose start in Asia/Shanghai is still a date-time Python holds in UTC: a filter on
# a date-time column turns 0001-01-01 into 0000-12-31 16:00 UTC, an OverflowError (a 500).
FIRST_DAY_OF_DATETIMES = datetime.date(1, 1, 2)


class BeijingDayFilter(django_filters.DateFilter):
    """A date bound on a date-time column, by the Beijing day: `gte` from the day's first moment,
    `lte` to its last. Compared with the date's midnight, `≤ 2020-05-04` would leave out the whole
    of that day."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        if self.lookup_expr == "lte":
            if value == datetime.date.max:  # no later day to stop before: nothing is left out
                return qs
            return qs.filter(**{f"{self.field_name}__lt": beijing_at(value + datetime.timedelta(days=1),
                                                                     datetime.time.min)})
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": beijing_at(value, datetime.time.min)})


def day_input() -> forms.DateInput:
    """A filter's date typed as text in the campaign's own order: the native picker shows the
    browser's locale (mm/dd/yyyy in an English-configured browser)."""
    return forms.DateInput(format="%Y-%m-%d", attrs={"placeholder": _("年-月-日"), "inputmode": "numeric",
                                                     "maxlength": 10})


def date_range_filters(name: str, label, on_datetime: bool = False) -> dict[str, django_filters.DateFilter]:
    """From/to filters for a date field (`on_datetime`: a date-time field, bounded by Beijing days);
    the labels stay lazy so they follow the user's language."""
    widget = day_input()
    bounds = {"validators": [MinValueValidator(FIRST_DAY_OF_DATETIMES)]} if on_datetime else {}
    kind = BeijingDayFilter if on_datetime else django_filters.DateFilter
    return {
        f"{name}__gte": kind(field_name=name, lookup_expr="gte", label=format_lazy("{}≥", label), widget=widget,
                             **bounds),
        f"{name}__lte": kind(field_name=name, lookup_expr="lte", label=format_lazy("{}≤", label), widget=widget,
                             **bounds),
    }


@functools.cache
def filterset_for(config: ModelConfig) -> type[django_filters.FilterSet]:
    if config.filterset:
        return config.filterset
    model = config.model
    meta = type("Meta", (), {"model": model, "fields": list(config.filter_fields)})
    attrs = {"Meta": meta, "search_fields": tuple(config.search_fields)}
    for name in config.filter_fields:
        field = model._meta.get_field(name)
        if isinstance(field, models.DateField):
            attrs.update(date_range_filters(name, field.verbose_name, isinstance(field, models.DateTimeField)))
    meta.fields = [n for n in config.filter_fields if not isinstance(model._meta.get_field(n), models.DateField)]
    return type(f"{model.__name__}FilterSet", (SearchFilterSet,), attrs)


def scoped_filterset(config: ModelConfig, data, queryset, user, request=None):
    fs = filterset_for(config)(data, queryset=queryset, request=request)
    restrict_choice_filters(fs, user)
    for field in fs.form.fields.values():
        list_choices(field)
        widget = field.widget
        is_select = isinstance(widget, forms.Select | forms.SelectMultiple)
        css = "form-select form-select-sm" if is_select else "form-control form-control-sm"
        widget.attrs.setdefault("class", css)
    return fs


@functools.cache
def table_for(config: ModelConfig) -> type[tables.Table]:
    if config.table:
        return config.table
    columns = config.list_columns or ["id", "__str__"]
    first = columns[0]
    attrs = {name: ShortTextColumn(verbose_name=_field_label(config.model, name))
             for name in columns if isinstance(_model_field(config.model, name), models.TextField)}
    if first == "__str__":
        attrs[first] = tables.Column(linkify=True, accessor="pk", verbose_name=config.verbose_name)
    else:
        # The first column opens the row's own record, also where it shows a related one (a
        # disposal's sample, a credit record's enterprise), whose own link would lead elsewhere.
        relation = getattr(_model_field(config.model, first), "is_relation", False)
        link = _record_url if relation else True
        kind = ShortTextColumn if first in attrs else tables.Column
        attrs[first] = kind(linkify=link, verbose_name=_field_label(config.model, first))
        if isinstance(_model_field(config.model, first), models.DateTimeField):
            # a moment in Beijing time to the minute, as in any other column (a plain column
            # would write the stored UTC value with its microseconds)
            attrs[first] = library.column_for_field(_model_field(config.model, first), linkify=link)
            attrs[first].verbose_name = _field_label(config.model, first)
    meta = type("Meta", (), {"model": config.model, "fields": columns, "order_by": config.ordering or ()})
    attrs["Meta"] = meta
    return type(f"{config.model.__name__}Table", (tables.Table,), attrs)


def _record_url(record) -> str:
    return record.get_absolute_url()


def _model_field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _field_label(model, name: str) -> str:
    try:
        return model._meta.get_field(name).verbose_name
    except Exception:
        return name


# Dates are typed as 年-月-日: Debian's headless chromium shows a native date input as mm/dd/yyyy.
DATE_FORMAT, DATETIME_FORMAT = "%Y-%m-%d", "%Y-%m-%d %H:%M"
DATE_INVALID = _("请按“年-月-日”填写日期，例如 2020-05-20。")
DATETIME_INVALID = _("请按“年-月-日 时:分”填写时间，例如 2020-05-20 14:30。")
TIME_FORMAT = "%H:%M"
TIME_INVALID = _("请按“时:分”填写时间，例如 14:00。")


class BootstrapFormMixin:
    def _style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
            if isinstance(widget, forms.DateInput):
                _typed(widget, DATE_FORMAT, _("年-月-日，如 2020-05-20"), 10)
                field.error_messages["invalid"] = DATE_INVALID
            if isinstance(widget, forms.DateTimeInput):
                _typed(widget, DATETIME_FORMAT, _("年-月-日 时:分"), 16)
                field.error_messages["invalid"] = DATETIME_INVALID
            if isinstance(widget, forms.TimeInput):
                _typed(widget, TIME_FORMAT, _("时:分，如 14:00"), 5)
                field.error_messages["invalid"] = TIME_INVALID


def _typed(widget: forms.DateTimeBaseInput, fmt: str, placeholder, length: int) -> None:
    """A date typed as text in the campaign's own order (the native picker follows the browser's locale)."""
    widget.input_type = "text"
    widget.format = fmt
    widget.attrs.setdefault("placeholder", placeholder)
    widget.attrs.setdefault("inputmode", "numeric")
    widget.attrs.setdefault("autocomplete", "off")
    widget.attrs.setdefault("maxlength", length)
    widget.attrs["data-date"] = fmt


def offered(queryset: QuerySet, user, held: list | tuple = ()) -> QuerySet:
    """The rows a form offers `user` for a related field: those in scope, of the current period
    (current_choices), narrowed further where the model says what a user works with
    (`narrow_for(queryset, user, held)`: a city user's regions are the city and its counties)."""
    qs = current_choices(restrict(queryset, user, "view"), held)
    narrow = getattr(qs.model, "narrow_for", None)
    return narrow(qs, user, held) if narrow is not None else qs


def record_units(user, model, held: list | tuple = ()) -> QuerySet:
    """The units on whose behalf `user` may enter a `model` record: units_for(user), and when the
    model names the lines that keep it (`unit_lines`: an inspection is market regulation's) only the
    member units of those lines, not the offices; plus the unit the edited record already has."""
    units = units_for(user)
    lines = getattr(model, "unit_lines", None)
    if lines:
        units = units.filter(department__line__in=lines, is_office=False)
        if held:
            units = units | unit_model().objects.filter(pk__in=held)
    return units


def default_unit(user, units: QuerySet):
    """The unit a new record is entered for: the user's own if offered, else the one of the record's
    line in the user's own city or county (a city office enters an inspection for the city's bureau)."""
    unit = getattr(user, "unit", None)
    if unit is None:
        return None
    if units.filter(pk=unit.pk).exists():
        return unit
    return units.filter(region_id=unit.region_id).first()


class ScopedModelForm(BootstrapFormMixin, forms.ModelForm):
    """A ModelForm whose related-object choices obey the user's scope, with an optimistic-lock
    version field. It validates only; the view hands cleaned_data to a service."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk and "version" in self.fields and hasattr(self.instance, "version"):
            self.fields["version"].initial = self.instance.version
        model = self._meta.model
        registered = model in registry
        for name, field in self.fields.items():
            if name == "unit" and isinstance(field, forms.ModelChoiceField) and issubclass(model, ScopedRecord):
                field.queryset = record_units(user, model, self._held(name))
                if not self.instance.pk and name not in self.initial:
                    field.initial = getattr(default_unit(user, field.queryset), "pk", None)
            elif isinstance(field, forms.ModelChoiceField) and hasattr(field.queryset, "restrict"):
                field.queryset = offered(field.queryset, user, self._held(name))
            if isinstance(field, forms.ModelChoiceField) and registered and picker_search(field.queryset.model):
                pickers.make_picker(self, name, field)
                continue
            list_choices(field)
        self._shape_choices()
        self._style()

    def _shape_choices(self) -> None:
        """Cascades the model declares (`form_cascades = {"county": ("region", "parent")}`: the county's
        options follow the chosen region through each county's parent), a single offered row chosen
        on a new record, and multiple choices as checkboxes (up to CHECKBOX_MAX_OPTIONS) or a box
        to type into."""
        for name, (parent, attr) in getattr(self._meta.model, "form_cascades", {}).items():
            if name in self.fields and parent in self.fields:
                pickers.make_cascade(self, name, parent, attr)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, pickers.PickerMixin):
                continue
            if (not self.instance.pk and field.required and isinstance(field, forms.ModelChoiceField)
                    and not isinstance(field, forms.ModelMultipleChoiceField) and name not in self.initial
                    and field.initial is None and pickers.offered_count(field) == 1):
                field.initial = field.queryset.all()[0].pk
            if (isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
                    and isinstance(widget, forms.SelectMultiple)):
                if pickers.offered_count(field) <= pickers.CHECKBOX_MAX_OPTIONS:
                    pickers.make_checkboxes(field)
                else:  # a longer list: a box to type into and tick, not ctrl-click (rectify.js)
                    widget.attrs["data-enhance"] = "multiple"

    def clean(self):
        data = super().clean()
        for name, (parent, attr) in getattr(self._meta.model, "form_cascades", {}).items():
            self._explain_cascade(name, parent, attr, data.get(parent))
        return data

    def _explain_cascade(self, name: str, parent: str, attr: str, chosen) -> None:
        """A cascade's option outside the chosen parent is refused by name ("所在区县“中山区”不属于所在市
        “沈阳市”"), not as an unknown choice: its rows are reference data anyone may read."""
        errors = self.errors.as_data().get(name, [])
        if chosen is None or not any(e.code == "invalid_choice" for e in errors):
            return
        pk = parse_int(self.data.get(self.add_prefix(name)), None, minimum=1)
        field = self.fields[name]
        row = field.queryset.model._base_manager.filter(pk=pk).first() if pk else None
        if row is not None and getattr(row, f"{attr}_id") != chosen.pk:
            message = _("%(child)s“%(value)s”不属于%(parent)s“%(chosen)s”，请重新选择。") % {
                "child": field.label, "value": row, "parent": self.fields[parent].label, "chosen": chosen}
            self.errors[name] = self.error_class([message])

    def _held(self, name: str) -> list:
        """The ids the edited record holds in field `name` (none for a new record)."""
        if not self.instance.pk:
            return []
        value = self.initial.get(name)
        values = value if isinstance(value, list | tuple) else [value]
        return [getattr(v, "pk", v) for v in values if v not in (None, "")]

    def _post_clean(self):
        # Model validation runs in the service (full_clean), after scope fields are derived.
        pass

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version" and k in self._meta.fields}


@functools.cache
def form_for(config: ModelConfig) -> type[ScopedModelForm]:
    if config.form:
        return config.form
    model = config.model
    fields = config.form_fields
    if fields is None:
        fields = [
            f.name for f in model._meta.get_fields()
            if getattr(f, "editable", False) and not f.auto_created and f.concrete
            and f.name not in {"id", "created_at", "updated_at", "version"}
        ]
    meta = type("Meta", (), {"model": model, "fields": fields})
    return type(f"{model.__name__}Form", (ScopedModelForm,), {"Meta": meta})


class JSONValueField(serializers.JSONField):
    """DRF tests for null before it parses a form field's JSON text, so `rules=null` sent as form
    data passed a field that may not be null and failed at the NOT NULL column (a 500)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value is None and not self.allow_null:
            self.fail("null")
        return value


class LocalDateTimeField(serializers.DateTimeField):
    """DRF checks that a date-time given without an offset exists in the local zone by turning it
    into UTC, which overflows for 0001-01-01 00:00 in Asia/Shanghai (a 500): out of range instead."""

    def enforce_timezone(self, value):
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("overflow")


class ScopedModelSerializer(PlannedReadingMixin, serializers.ModelSerializer):
    """Related-object fields accept only objects the requesting user may see. Reading and the
    fields take core/speed/drfspeed.py's shortcuts around DRF."""

    url = serializers.SerializerMethodField()
    # A file reads as the URL of core.files' checked view, never as its path under MEDIA_URL.
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                models.FileField: ProtectedFileField, models.ImageField: ProtectedImageField,
                                models.JSONField: JSONValueField, models.DateTimeField: LocalDateTimeField}

    def build_standard_field(self, field_name, model_field):
        # A model field may name its own API field (the credit code normalises what is sent before
        # the length and uniqueness checks), as it names its own form field.
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        return getattr(model_field, "serializer_field_class", field_class), field_kwargs

    def get_url(self, obj) -> str:
        return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""

    def get_fields(self):
        fields = copied_fields(self, super().get_fields)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for name, field in fields.items():
            if field.read_only:
                continue
            target = getattr(field, "child_relation", field)
            qs = getattr(target, "queryset", None)
            if qs is not None and hasattr(qs, "restrict") and user is not None:
                owned = name == "unit" and issubclass(self.Meta.model, ScopedRecord)
                held = self._held(field.source or name, qs.model, request)
                target.queryset = units_for(user) if owned else current_choices(restrict(qs, user, "view"), held)
        return fields

    def _held(self, source: str, related, request) -> list:
        """The ids the updated record holds in the field read from `source`, which an update may send
        back unchanged (only asked on a write, and of a model that narrows its choices)."""
        if (request is None or request.method in SAFE_METHODS or not hasattr(related, "narrow_choices")
                or not isinstance(self.instance, models.Model) or source == "*" or "." in source):
            return []
        try:
            model_field = self.instance._meta.get_field(source)
        except FieldDoesNotExist:
            return []
        if model_field.many_to_many:
            return list(getattr(self.instance, model_field.name).values_list("pk", flat=True))
        return [getattr(self.instance, model_field.attname)] if model_field.many_to_one else []


@functools.cache
def serializer_for(config: ModelConfig) -> type[serializers.ModelSerializer]:
    if config.serializer:
        return config.serializer
    model = config.model
    read_only = ["created_at", "updated_at", "version"]
    if issubclass(model, ScopedRecord):
        read_only += ["region", "county", "line"]
    fields = config.api_fields
    if fields != "__all__":
        fields = ["id", "url", *fields]
    else:
        fields = ["id", "url", *[f.name for f in model._meta.concrete_fields if f.name != "id"],
                  *[f.name for f in model._meta.many_to_many]]
    exclude = set(getattr(model, "log_exclude", ()))
    fields = [f for f in fields if f not in exclude]
    meta = type("Meta", (), {"model": model, "fields": fields, "read_only_fields": read_only,
                             "list_serializer_class": PkListsListSerializer})
    return type(f"{model.__name__}Serializer", (ScopedModelSerializer,), {"Meta": meta})
