"""Shortcuts around djangorestframework's internals for the generic API (core.builders'
ScopedModelSerializer and its list serializer). Each is kept because `make bench` (figure c′,
docs/performance.md) shows the API case list slower without it; each can be turned off by name
for that comparison (core.speed.shortcuts).

Relies on djangorestframework 3.18.3 (pinned in pyproject.toml): `Serializer._readable_fields`,
`Field.source_attrs`, `RelatedField.use_pk_only_optimization()`, `PKOnlyObject`, `SkipField`, the
fields ModelSerializer.get_fields() builds and how Serializer.fields binds them. On upgrade, compare
Serializer.to_representation, ModelSerializer.get_fields, Field.bind and ManyRelatedField with the
code below, run tests/registry/test_api_reading.py (each shortcut against DRF's own output, for every
registered serializer) and `make bench` (c′: drf_read, drf_fields, drf_pk_lists).

- drf_read: reading is planned once per serializer. A field that shows a model column as it is
  (text, numbers, dates, choices) or a foreign key as its id is read straight from the column's
  attribute and passed to the field's own to_representation; every other field (methods,
  many-to-many, nested, dotted sources) goes DRF's general way.
- drf_fields: ModelSerializer introspects the model anew for every serializer, on every request,
  though the fields it builds depend on the class alone: they are built once and copied, as DRF
  itself copies declared fields. A plain field is only ever bound (attributes set on the copy), so
  a shallow copy serves; relations and nested serializers, whose querysets are narrowed to the
  user afterwards, are copied deeply.
- drf_pk_lists: a list's many-to-many id lists are read with one query per field on the through
  table, instead of a prefetch that builds a model object per related row.
"""
from __future__ import annotations

import copy
from collections.abc import Callable

from django.db import models
from django.db.models import prefetch_related_objects
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

from rectify.core.speed.shortcuts import enabled

# Fields holding other fields or a queryset: copied deeply, so narrowing one never reaches another.
_DEEP_COPIED = (serializers.RelatedField, serializers.ManyRelatedField, serializers.BaseSerializer,
                serializers.ListField, serializers.DictField, serializers.HiddenField)


class PlannedReadingMixin:
    """A ModelSerializer whose to_representation follows read_plan (shortcut drf_read) and uses the
    id lists PkListsListSerializer loaded (drf_pk_lists). The output is DRF's, field for field."""

    def to_representation(self, instance) -> dict:
        plan = self.__dict__.get("_read_plan")
        if plan is None:
            plan = self._read_plan = read_plan(self)
        ret = {}
        pk_lists = instance.__dict__.get("_rectify_pk_lists", {})
        for name, attname, pk_only, field in plan:
            if name in pk_lists:
                ret[name] = field.to_representation([PKOnlyObject(pk=pk) for pk in pk_lists[name]])
                continue
            if attname is None:
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
                empty = (attribute.pk if isinstance(attribute, PKOnlyObject) else attribute) is None
                ret[name] = None if empty else field.to_representation(attribute)
                continue
            value = getattr(instance, attname)
            if value is None:
                ret[name] = None
            else:
                ret[name] = field.to_representation(PKOnlyObject(pk=value) if pk_only else value)
        return ret


def read_plan(serializer: serializers.ModelSerializer) -> list[tuple[str, str | None, bool, serializers.Field]]:
    """(name, column attribute or None, foreign key as id, field) for each readable field."""
    model = serializer.Meta.model
    columns = {f.name: f for f in model._meta.concrete_fields}
    plan = []
    direct = enabled("drf_read")
    for field in serializer._readable_fields:
        column = columns.get(field.source) if direct and len(field.source_attrs) == 1 else None
        attname, pk_only = None, False
        if column is not None and not column.is_relation and not isinstance(
                field, serializers.RelatedField | serializers.ManyRelatedField | serializers.BaseSerializer
                | serializers.SerializerMethodField):
            attname = column.attname
        elif (column is not None and column.many_to_one and isinstance(field, serializers.PrimaryKeyRelatedField)
              and field.use_pk_only_optimization()):
            attname, pk_only = column.attname, True
        plan.append((field.field_name, attname, pk_only, field))
    return plan


def copied_fields(serializer: serializers.ModelSerializer,
                  build: Callable[[], dict[str, serializers.Field]]) -> dict[str, serializers.Field]:
    """The fields `build` (ModelSerializer.get_fields) returns, built once per serializer class and
    copied for each serializer (shortcut drf_fields)."""
    if not enabled("drf_fields"):
        return build()
    cls = type(serializer)
    prototype = cls.__dict__.get("_prototype_fields")
    if prototype is None:
        prototype = build()
        cls._prototype_fields = prototype
    return {name: copy.deepcopy(field) if isinstance(field, _DEEP_COPIED) else copy.copy(field)
            for name, field in prototype.items()}


def pk_list_fields(serializer: serializers.ModelSerializer) -> dict[str, models.ManyToManyField]:
    """The readable fields that show a forward many-to-many field as a list of ids."""
    model = serializer.Meta.model
    m2m = {f.name: f for f in model._meta.many_to_many}
    return {field.field_name: m2m[field.source] for field in serializer._readable_fields
            if isinstance(field, serializers.ManyRelatedField) and field.source in m2m
            and isinstance(field.child_relation, serializers.PrimaryKeyRelatedField)
            and field.child_relation.use_pk_only_optimization() and field.child_relation.pk_field is None}


def load_pk_lists(serializer: serializers.ModelSerializer, instances: list) -> None:
    """Read the id lists of `serializer`'s many-to-many fields for all `instances` with one query
    on each through table, in the order the related manager gives (the target's Meta.ordering,
    then id)."""
    fields = pk_list_fields(serializer)
    if not fields or not instances:
        return
    pks = [obj.pk for obj in instances]
    for name, m2m in fields.items():
        through = m2m.remote_field.through
        source = m2m.m2m_field_name()
        target = m2m.m2m_reverse_field_name()
        ordering = [f"-{target}__{o[1:]}" if o.startswith("-") else f"{target}__{o}"
                    for o in m2m.related_model._meta.ordering if isinstance(o, str)]
        lists: dict = {pk: [] for pk in pks}
        rows = through._base_manager.filter(**{f"{source}__in": pks}).order_by(*ordering, target)
        for owner, related in rows.values_list(f"{source}_id", f"{target}_id"):
            lists[owner].append(related)
        for obj in instances:
            obj.__dict__.setdefault("_rectify_pk_lists", {})[name] = lists[obj.pk]


class PkListsListSerializer(serializers.ListSerializer):
    """A list of records whose many-to-many id lists are read in one query per field (shortcut
    drf_pk_lists; turned off, they are prefetched, as the API views do for other serializers)."""

    def to_representation(self, data) -> list:
        items = list(data.all() if hasattr(data, "all") else data)
        if enabled("drf_pk_lists"):
            load_pk_lists(self.child, items)
        else:
            prefetch_related_objects(items, *[m2m.name for m2m in pk_list_fields(self.child).values()])
        return [self.child.to_representation(item) for item in items]
