"""The API's reading shortcuts give what DRF and Django give: for every registered model's serializer
(iterating the registry, so models added later are covered), the planned field reading equals DRF's
own Serializer.to_representation, the copied fields equal freshly built ones, and record URLs filled
into a once-reversed pattern equal reverse(). The rows are made by the models' factories
(tests/factories.py); a model without rows fails, it is not passed over."""
from __future__ import annotations

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from rectify.core.generic.api.viewsets import viewset_for
from rectify.core.generic.builders import ScopedModelSerializer
from rectify.core.registry import registry
from rectify.core.speed.drfspeed import pk_list_fields, read_plan
from rectify.enterprises.models import Enterprise, ListEntry
from rectify.testing import make_world_user
from tests.enterprises.factories import enterprise
from tests.factories import make_rows
from tests.factories import unit as unit_of

ROWS = 5


def _scoped_serializers():
    """(config, serializer class) for every registered model whose API serializer is the project's."""
    for config in registry:
        serializer_class = viewset_for(config).serializer_class
        if issubclass(serializer_class, ScopedModelSerializer):
            yield config, serializer_class


class APIReadingTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        make_rows(ROWS * 4)
        cls.user = make_world_user("province_office")

    def _context(self) -> dict:
        request = APIRequestFactory().get("/api/")
        request.user = self.user
        return {"request": request}

    def test_planned_reading_equals_drf_for_every_model(self):
        compared = 0
        for config, serializer_class in _scoped_serializers():
            objects = list(config.model._base_manager.order_by("-pk")[:ROWS])
            self.assertTrue(objects, f"{config.model._meta.label}: no rows; its factory should make them")
            serializer = serializer_class(context=self._context())
            plan = read_plan(serializer)
            self.assertEqual([name for name, *_ in plan], [f.field_name for f in serializer._readable_fields])
            for obj in objects:
                with self.subTest(model=config.model._meta.label, pk=obj.pk):
                    self.assertEqual(serializer.to_representation(obj),
                                     serializers.Serializer.to_representation(serializer, obj))
                    compared += 1
        self.assertGreater(compared, 50)

    def test_a_list_reads_many_to_many_ids_as_the_related_manager_gives_them(self):
        with_m2m = 0
        for config, serializer_class in _scoped_serializers():
            objects = list(config.model._base_manager.order_by("-pk")[:ROWS * 4])
            listed = serializer_class(objects, many=True, context=self._context()).data
            child = serializer_class(context=self._context())
            stock = [serializers.Serializer.to_representation(child, obj) for obj in config.model._base_manager
                     .filter(pk__in=[o.pk for o in objects]).order_by("-pk")]
            with self.subTest(model=config.model._meta.label):
                self.assertEqual([dict(row) for row in listed], stock)
            if pk_list_fields(child) and any(any(row[name] for name in pk_list_fields(child)) for row in stock):
                with_m2m += 1
        self.assertGreaterEqual(with_m2m, 2)  # models whose rows do have many-to-many ids (enterprises, cases)

    def test_the_api_list_reads_id_lists_with_one_query_per_field(self):
        config = registry.get(Enterprise)
        self.assertIsNone(config.serializer)
        through = Enterprise.categories.through
        self.assertTrue(through.objects.exists())
        self.client.force_login(self.user)
        with CaptureQueriesContext(connection) as queries:
            answer = self.client.get("/api/enterprises/enterprise/?page_size=40").json()
        rows = answer["results"]
        self.assertTrue(any(row["categories"] for row in rows))
        for row in rows:
            expected = list(Enterprise.objects.get(pk=row["id"]).categories.values_list("pk", flat=True))
            self.assertEqual(row["categories"], expected)
        table = through._meta.db_table
        self.assertEqual(sum(f'FROM "{table}"' in q["sql"] for q in queries.captured_queries), 1)

    def test_copied_fields_equal_freshly_built_ones(self):
        for config, serializer_class in _scoped_serializers():
            serializer_class(context=self._context()).fields  # builds the prototype  # noqa: B018
            copied = serializer_class(context=self._context()).fields
            parent = serializer_class(context=self._context())
            fresh = serializers.ModelSerializer.get_fields(parent)
            for name, field in fresh.items():
                field.bind(name, parent)  # as the serializer's `fields` does (labels are set here)
            with self.subTest(model=config.model._meta.label):
                self.assertEqual(list(copied), list(fresh))
                for name, field in fresh.items():
                    other = copied[name]
                    self.assertIs(type(other), type(field), name)
                    self.assertEqual((other.read_only, other.write_only, other.required, str(other.label)),
                                     (field.read_only, field.write_only, field.required, str(field.label)), name)
                    self.assertIsNot(other, field)

    def test_a_copy_is_narrowed_to_its_own_user(self):
        serializer_class = viewset_for(registry.get(ListEntry)).serializer_class
        enterprise(unit_of("210200-samr"))  # one in Dalian, which the Shenyang user's choices leave out
        city = make_world_user("shenyang_samr")
        request = APIRequestFactory().get("/api/")
        request.user = city
        city = serializer_class(context={"request": request}).fields["enterprise"].queryset
        province = serializer_class(context=self._context()).fields["enterprise"].queryset
        self.assertGreater(city.count(), 0)
        self.assertLess(city.count(), province.count())
        self.assertFalse(city.exclude(region__code="210100").exists())

    def test_copies_leave_the_prototype_alone(self):
        request = APIRequestFactory().get("/api/")
        request.user = make_world_user("shenyang_samr")
        narrowed = 0
        for config, serializer_class in _scoped_serializers():
            serializer_class(context=self._context()).fields  # builds the prototype  # noqa: B018
            prototype = serializer_class.__dict__["_prototype_fields"]

            def state(fields: dict) -> dict:
                return {name: (field.field_name, field.parent,
                               getattr(getattr(field, "child_relation", field), "queryset", None))
                        for name, field in fields.items()}

            before = state(prototype)
            copied = serializer_class(context={"request": request}).fields
            after, mine = state(prototype), state(copied)
            for name in prototype:
                with self.subTest(model=config.model._meta.label, field=name):
                    self.assertEqual(after[name][:2], (None, None))  # never bound
                    self.assertIs(after[name][2], before[name][2])  # its queryset never narrowed
                    self.assertIsNot(copied[name], prototype[name])
                    narrowed += mine[name][2] is not None and mine[name][2] is not before[name][2]
        self.assertGreater(narrowed, 20)  # the city user's copies were narrowed; the prototypes were not

    def test_record_urls_equal_reverse(self):
        for config in registry:  # every registered model has a detail page
            obj = config.model._base_manager.order_by("-pk").first()
            with self.subTest(model=config.model._meta.label):
                self.assertIsNotNone(obj, "no rows; its factory should make them")
                expected = reverse(config.url_name("detail"), kwargs={"pk": obj.pk})
                self.assertEqual(registry.url_for(obj), expected)
                self.assertEqual(obj.get_absolute_url(), expected)
