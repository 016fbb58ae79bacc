"""Widgets of the generic forms that know their user: a searchable picker for a record chosen among
many (an enterprise, a unit, a person), a select whose options follow another field (city → county)
and checkboxes for a short multiple choice.

A model opts in by declaring what a picker searches (`picker_search = ("name", "credit_code")`);
its form field then renders as a select holding only the chosen rows, which the browser turns into
a Tom Select box asking `core:pick` (core/generic/autocomplete.py) for the rows matching what is
typed. Without JavaScript the chosen value still shows and posts. The form field keeps its whole
scoped queryset, so what is posted is validated against the user's scope as before."""
from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rectify.core.dataversion.counting import cached_choices
from rectify.core.security.inputs import parse_int

# A multiple choice with at most this many options is a row of checkboxes, not a ctrl-click list.
CHECKBOX_MAX_OPTIONS = 12
# Rows a picker is answered with at a time.
PICKER_PAGE = 20


def picker_search(model) -> tuple[str, ...]:
    """The fields a picker over `model` searches; empty when the model has no picker."""
    return tuple(getattr(model, "picker_search", ()) or ())


def picker_text(obj: Any) -> str:
    """How a row reads in a picker: the model's `picker_text()` (a name with its credit code), else its name."""
    text = getattr(obj, "picker_text", None)
    return str(text() if callable(text) else obj)


def _ids(values) -> list[int]:
    return [number for number in (parse_int(v, None, minimum=1) for v in values if v not in ("", None))
            if number is not None]


class PickerMixin:
    """Renders only the chosen rows of a model choice field (read from the field's scoped queryset,
    so a posted id out of scope shows nothing); the browser searches the rest on the server."""

    def optgroups(self, name, value, attrs=None):
        iterator = self.choices
        field = getattr(iterator, "field", None)
        queryset = getattr(iterator, "queryset", None)
        chosen: list[tuple[Any, str]] = []
        if field is not None and not self.allow_multiple_selected and field.empty_label is not None:
            chosen.append(("", field.empty_label))
        ids = _ids(value)
        if queryset is not None and ids:
            chosen += [(obj.pk, picker_text(obj)) for obj in queryset.filter(pk__in=ids)]
        saved, self.choices = self.choices, chosen
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = saved


class PickerSelect(PickerMixin, forms.Select):
    pass


class PickerSelectMultiple(PickerMixin, forms.SelectMultiple):
    pass


class CascadeSelect(forms.Select):
    """A select whose options each name their parent (`data-parent`): the browser keeps only the
    options of the value chosen in the field named by `data-cascade-from` (rectify.js)."""

    def __init__(self, parents: dict[str, str], attrs=None, choices=()):
        super().__init__(attrs, choices)
        self.parents = parents

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        parent = self.parents.get(str(getattr(value, "value", value)))
        if parent is not None:
            option["attrs"]["data-parent"] = parent
        return option


class InlineCheckboxes(forms.CheckboxSelectMultiple):
    template_name = "core/widgets/inline_checkboxes.html"


def make_picker(form: forms.BaseForm, name: str, field: forms.ModelChoiceField) -> None:
    """Turn `form`'s field `name` into a picker answered by core:pick for the form's model."""
    meta = form._meta.model._meta
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    widget = (PickerSelectMultiple if multiple else PickerSelect)(attrs={
        **field.widget.attrs,
        "data-picker": reverse("core:pick", kwargs={"app_label": meta.app_label, "model_name": meta.model_name,
                                                    "field_name": name}),
        "data-placeholder": _("输入名称或代码搜索"),
        "data-no-results": _("没有找到，请换个关键词"),
        "data-loading": _("正在搜索……"),
    })
    widget.is_required = field.required
    field.widget = widget
    field.label_from_instance = picker_text
    widget.choices = field.choices


def make_cascade(form: forms.BaseForm, name: str, parent_field: str, parent_attr: str) -> None:
    """Tie the options of field `name` to the value of `parent_field` by each row's `parent_attr`."""
    field = form.fields[name]
    rows = field.queryset.values_list("pk", f"{parent_attr}_id")
    parents = {str(pk): str(parent) for pk, parent in rows if parent is not None}
    widget = CascadeSelect(parents, attrs={**field.widget.attrs, "data-cascade-from": f"id_{parent_field}",
                                           "data-cascade-empty": _("请先选择上一级")})
    widget.is_required = field.required
    field.widget = widget
    widget.choices = field.choices


def offered_count(field: forms.Field) -> int:
    """How many options a choice field offers (a model field's read once and cached)."""
    queryset = getattr(field, "queryset", None)
    if queryset is not None:
        return len(cached_choices(queryset.all()))
    return len(list(getattr(field, "choices", ())))


def make_checkboxes(field: forms.Field) -> None:
    widget = InlineCheckboxes(attrs={k: v for k, v in field.widget.attrs.items() if k != "class"})
    widget.is_required = field.required
    field.widget = widget
    widget.choices = field.choices
