"""The layers of pyproject.toml hold for models looked up by name too. import-linter sees imports
only: `apps.get_model("fieldwork", "Sample")` in enterprises would read a model of an app above it
without an import to flag. Migrations are left out (their historical models are the app's own).
A label that is not written in the call cannot be checked, so below reports and the portal (which
read every app) such a lookup has to be one of the few listed here with its reason.
"""
import ast
import tomllib
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "rectify"


def layer_of() -> dict[str, int]:
    """App → its height in the layers contract (0 is the top)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if "containers" not in c
                    and c["type"] == "layers")
    return {name.strip().removeprefix("rectify."): height
            for height, layer in enumerate(contract["layers"]) for name in layer.split("|")}


# Lookups whose label comes from elsewhere, below the layers that read every app.
UNNAMED_ALLOWED = {
    "core/access/scope.py": "the unit model, named in settings as Django names the user model",
    "enforcement/placement.py": "a data migration's helper: the migration passes its own historical models",
}
READS_EVERY_APP = "reports"  # this layer and the ones above it


def named_models(tree: ast.AST) -> list[tuple[int, str | None]]:
    """(line, app label) of every get_model call; the label is None where it is not written out."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get_model" and node.args):
            continue
        first = node.args[0]
        written = isinstance(first, ast.Constant) and isinstance(first.value, str)
        found.append((node.lineno, first.value.split(".")[0] if written else None))
    return found


def upward_lookups() -> list[str]:
    layers = layer_of()
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if "migrations" in relative.parts or len(relative.parts) < 2 or relative.parts[0] not in layers:
            continue
        app = relative.parts[0]
        for line, label in named_models(ast.parse(path.read_text(encoding="utf-8"))):
            if label is None and layers[app] > layers[READS_EVERY_APP] \
                    and relative.as_posix() not in UNNAMED_ALLOWED:
                problems.append(f"rectify/{relative}:{line}: {app} looks up a model it does not name")
            elif label in layers and layers[label] < layers[app]:
                problems.append(f"rectify/{relative}:{line}: {app} looks up a model of {label}, a layer above it")
    return problems


class LayerTests(SimpleTestCase):
    def test_no_app_looks_up_a_model_of_an_app_above_it(self):
        self.assertEqual(upward_lookups(), [])

    def test_the_check_sees_every_way_of_writing_a_lookup(self):
        tree = ast.parse('apps.get_model("fieldwork", "Sample")\ndjango_apps.get_model("targeting.RiskScore")\n'
                         "apps.get_model(settings.RECTIFY_UNIT_MODEL)\n")
        self.assertEqual(named_models(tree), [(1, "fieldwork"), (2, "targeting"), (3, None)])
        layers = layer_of()
        self.assertLess(layers["fieldwork"], layers["enterprises"])
        self.assertLess(layers["reports"], layers["fieldwork"])
        self.assertEqual(layers["bench"], layers["testing"])
