"""Every registered model must have its generic scope tests (a ModelScopeTests subclass) and its
factory (tests/factories.py), which the registry-wide tests make their rows with."""
import importlib
import pkgutil

from django.test import TestCase

import tests
from rectify.core.audit.models import ObjectChange
from rectify.core.registry import registry
from rectify.testing import ModelScopeTests
from tests.factories import factory_for


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_registered_model_has_scope_tests():
    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        importlib.import_module(module.name)
    covered = {sub.model for sub in _all_subclasses(ModelScopeTests) if getattr(sub, "model", None) is not None}
    missing = sorted(c.model._meta.label for c in registry if c.model not in covered)
    assert not missing, f"registered models without generic scope tests: {missing}"


class FactoryTests(TestCase):
    def test_every_registered_model_has_a_factory_making_new_rows(self):
        missing = []
        for config in registry:
            label = config.model._meta.label
            try:
                factory = factory_for(config.model)
            except LookupError as error:
                missing.append(str(error))
                continue
            with self.subTest(model=label):
                before = config.model._base_manager.count()
                first, second = factory(), factory()
                self.assertIsInstance(first, config.model)
                self.assertIsInstance(second, config.model)
                self.assertNotEqual(first.pk, second.pk)
                self.assertGreaterEqual(config.model._base_manager.count(), before + 2)
        self.assertEqual(missing, [], "registered models without a factory")

    def test_a_missing_factory_is_named(self):
        with self.assertRaisesMessage(LookupError, "core.ObjectChange"):
            factory_for(type("Unregistered", (), {"_meta": ObjectChange._meta}))
