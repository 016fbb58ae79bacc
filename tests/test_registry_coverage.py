"""Every registered model must have its generic scope tests (a ModelScopeTests subclass)."""
import importlib
import pkgutil

import tests
from rectify.core.registry import registry
from rectify.core.testing import ModelScopeTests


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
