"""The workflows' place in every registered model's pages and API (a `core.registry.Extension`,
installed by core's AppConfig): the step URLs, the panel on the record's page, the API actions,
the open deadlines of a list's rows."""
from __future__ import annotations

from typing import Any

from django.urls import path

from rectify.core.generic.builders import serializer_for
from rectify.core.registry import Extension, ModelConfig

from . import api, deadlines, views
from .declare import workflow_of

PANEL = "core/_workflow_panel.html"


class WorkflowExtension(Extension):
    def urls(self, config: ModelConfig) -> list:
        if workflow_of(config.model) is None:
            return []
        base = config.model_name
        return [path(f"{base}/<int:pk>/step/<slug:step>/", views.StepView.as_view(config=config),
                     name=f"{base}_step")]

    def detail_panels(self, config: ModelConfig) -> list[str]:
        return [PANEL] if workflow_of(config.model) is not None else []

    def detail_context(self, request: Any, obj: Any, config: ModelConfig) -> dict:
        return views.panel_context(request, obj)

    def api_attrs(self, config: ModelConfig) -> dict[str, Any]:
        workflow = workflow_of(config.model)
        if workflow is None:
            return {}
        response = serializer_for(config)
        attrs = {f"step_{step.name}": api.step_action(workflow, step, response) for step in workflow.steps}
        attrs["steps"] = api.steps_action(workflow)
        return attrs

    def has_row_deadlines(self, config: ModelConfig) -> bool:
        return bool(deadlines.deadline_steps(config.model))

    def row_deadlines(self, config: ModelConfig, pks: list[Any]) -> dict[Any, Any]:
        return deadlines.row_deadlines(config.model, pks)
