"""The model registry: one declaration per model gives it list/detail/edit/delete/history pages,
export, an API endpoint and a place in the navigation and in the generic tests.

    registry.register(ModelConfig(model=Enterprise, menu="registry", list_columns=[...],
                                  filter_fields=[...], search_fields=[...], form_fields=[...]))

Anything not given is derived (filterset, table, form, serializer); give a class to take over.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse

# A pk no real record has, to find where a record's pk goes in its reversed URL.
_PROBE_PK = 987654321987
_url_parts: dict[tuple, tuple[str, str] | None] = {}


def pk_url_parts(name: str) -> tuple[str, str] | None:
    """What comes before and after the pk in reverse(name, kwargs={"pk": ...}) under the current
    script prefix and URLconf, reversed once per name, prefix and URLconf; None if the pk does
    not stand alone in it."""
    key = (name, get_script_prefix(), get_urlconf())
    try:
        return _url_parts[key]
    except KeyError:
        head, found, tail = reverse(name, kwargs={"pk": _PROBE_PK}).partition(str(_PROBE_PK))
        parts = _url_parts[key] = (head, tail) if found and str(_PROBE_PK) not in tail else None
        return parts


def fill_pk(parts: tuple[str, str] | None, name: str, pk: Any) -> str:
    """reverse(name, kwargs={"pk": pk}), from pk_url_parts(name) for an integer pk."""
    if parts is None or type(pk) is not int or pk < 0:
        return reverse(name, kwargs={"pk": pk})
    return f"{parts[0]}{pk}{parts[1]}"


def _pk_url(name: str, pk: Any) -> str:
    """reverse(name, kwargs={"pk": pk}) for an integer pk, by filling the pk into the URL reversed
    once per name, prefix and URLconf (a list page links every row; reverse() matches the
    pattern anew each time)."""
    return fill_pk(pk_url_parts(name), name, pk)


@dataclass(eq=False)
class ModelConfig:
    model: type[models.Model]
    menu: str = ""                      # navigation area key (see navigation.py); "" = not in the menu
    list_columns: list[str] = field(default_factory=list)
    filter_fields: list[str] = field(default_factory=list)
    search_fields: list[str] = field(default_factory=list)
    form_fields: list[str] | None = None  # None = all editable fields
    detail_fields: list[str] | None = None
    api_fields: list[str] | str = "__all__"
    ordering: list[str] | None = None
    select_related: list[str] = field(default_factory=list)
    prefetch_related: list[str] = field(default_factory=list)
    filterset: type | None = None
    table: type | None = None
    form: type | None = None
    serializer: type | None = None
    viewset: type | None = None
    create: Callable[..., Any] | None = None   # service(*, model, data, actor) -> obj
    update: Callable[..., Any] | None = None   # service(*, obj, data, actor, expected_version) -> obj
    delete: Callable[..., Any] | None = None   # service(*, obj, actor, reason)
    allow_add: bool = True
    allow_edit: bool = True
    allow_delete: bool = True
    detail_template: str | None = None
    detail_panels: list[str] = field(default_factory=list)  # templates included on the detail page
    detail_context: Callable[[Any, Any], dict] | None = None  # (request, obj) -> extra context for the detail page
    # The records that point at this one, each shown on its page as a table of the user's rows
    # (NetBox's related tables): (model, its foreign key to this one). An app above this model's
    # adds its own with Registry.relate.
    related: list[tuple[type[models.Model], str]] = field(default_factory=list)
    list_actions: list[tuple[str, str]] = field(default_factory=list)  # (label, url name)
    detail_actions: list[tuple[str, str]] = field(default_factory=list)  # (label, url name taking pk)
    # Quantity columns (batches, amounts) summed over the filtered rows in the list's footer.
    total_columns: list[str] = field(default_factory=list)
    sensitive: bool = False  # pages carry personal data: Cache-Control: no-store
    # (user, obj, field name) -> may the user, who sees obj, open its uploaded file (core/generic/files.py).
    # None: whoever sees the record, except on a sensitive model, whose files then stay closed.
    file_access: Callable[[Any, Any, str], bool] | None = None

    @property
    def app_label(self) -> str:
        return self.model._meta.app_label

    @property
    def model_name(self) -> str:
        return self.model._meta.model_name

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def verbose_name_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def url_name(self, action: str) -> str:
        return f"{self.app_label}:{self.model_name}_{action}"


class Extension:
    """A mechanism that adds to every registered model's pages and API without the generic code
    knowing it (the workflows: core/workflow/hooks.py). Each method may return nothing."""

    def urls(self, config: ModelConfig) -> list:
        return []

    def detail_panels(self, config: ModelConfig) -> list[str]:
        return []

    def detail_context(self, request: Any, obj: Any, config: ModelConfig) -> dict:
        return {}

    def api_attrs(self, config: ModelConfig) -> dict[str, Any]:
        return {}

    def has_row_deadlines(self, config: ModelConfig) -> bool:
        """Rows of this model may have a deadline (its list shows the column)."""
        return False

    def row_deadlines(self, config: ModelConfig, pks: list[Any]) -> dict[Any, Any]:
        """For a list page's rows (their pks), the open deadline of each row that has one, by pk
        (a core.workflow.deadlines.RowDeadline)."""
        return {}


class Registry:
    def __init__(self) -> None:
        self._configs: dict[type[models.Model], ModelConfig] = {}
        self.extensions: list[Extension] = []

    def extend(self, extension: Extension) -> None:
        if not any(type(e) is type(extension) for e in self.extensions):
            self.extensions.append(extension)

    def register(self, config: ModelConfig) -> ModelConfig:
        self._configs[config.model] = config
        return config

    def relate(self, model: type[models.Model], related: type[models.Model], pointer: str) -> None:
        """Show `related`'s rows whose `pointer` is a `model` record on that record's page."""
        self._configs[model].related.append((related, pointer))

    def __iter__(self):
        return iter(self._configs.values())

    def __contains__(self, model) -> bool:
        return model in self._configs

    def get(self, model) -> ModelConfig:
        return self._configs[model if isinstance(model, type) else type(model)]

    def for_app(self, app_label: str) -> list[ModelConfig]:
        return [c for c in self._configs.values() if c.app_label == app_label]

    def url_for(self, obj_or_model, action: str = "detail") -> str:
        config = self.get(obj_or_model)
        if isinstance(obj_or_model, type) or action in {"list", "add", "export", "import"}:
            return reverse(config.url_name(action))
        return _pk_url(config.url_name(action), obj_or_model.pk)


registry = Registry()


class RegistryURLMixin:
    """A registered model's `get_absolute_url`: its detail page."""

    def get_absolute_url(self) -> str:
        return registry.url_for(self, "detail")
