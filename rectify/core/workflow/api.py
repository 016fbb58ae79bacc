"""The API's part of a workflow: `POST /api/<app>/<model>/{id}/<step>/` per declared step, and
`GET .../{id}/steps/` — the record's state and every step with whether the caller may take it now
and why not. The step's form validates the body (the same fields and messages as the page), and
`engine.perform` decides (the same rules): 404 out of scope, 403 with the reason, 409 naming the
current state, 412 on a stale If-Match (optional: a step's state check is its own lock), 400
with field errors."""
from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from rectify.core.generic.api.viewsets import PreconditionFailed, etag_of, to_drf_error
from rectify.core.generic.services import ConflictError

from .declare import Step, Workflow
from .engine import RecordNotFound, StepRefused, offers, perform

_FIELD_TYPES: list[tuple[type, Any]] = [
    # Lists first: a model multiple choice is also a model choice.
    (forms.ModelMultipleChoiceField, lambda f: serializers.ListField(child=serializers.IntegerField(),
                                                                     required=f.required)),
    (forms.MultipleChoiceField, lambda f: serializers.MultipleChoiceField(choices=list(f.choices),
                                                                          required=f.required)),
    (forms.BooleanField, lambda f: serializers.BooleanField(required=False)),
    (forms.DateField, lambda f: serializers.DateField(required=f.required)),
    (forms.DecimalField, lambda f: serializers.DecimalField(max_digits=16, decimal_places=2, required=f.required)),
    (forms.IntegerField, lambda f: serializers.IntegerField(required=f.required)),
    (forms.ModelChoiceField, lambda f: serializers.IntegerField(required=f.required, help_text=str(f.label))),
    (forms.ChoiceField, lambda f: serializers.ChoiceField(choices=[c for c in f.choices if c[0] != ""],
                                                          required=f.required)),
    (forms.FileField, lambda f: serializers.FileField(required=f.required)),
]


def _serializer_field(f: forms.Field) -> serializers.Field:
    for kind, make in _FIELD_TYPES:
        if isinstance(f, kind):
            made = make(f)
            break
    else:
        made = serializers.CharField(required=f.required, allow_blank=not f.required)
    made.label = str(f.label)
    return made


def request_serializer(workflow: Workflow, step: Step) -> type[serializers.Serializer]:
    """The step's form as a serializer, for the schema only (the form validates)."""
    name = f"{workflow.model.__name__}{step.name.title().replace('_', '')}Step"
    fields = {key: _serializer_field(f) for key, f in step.form.base_fields.items()}
    return type(name, (serializers.Serializer,), fields)


STEPS_READ = inline_serializer("WorkflowSteps", {
    "state": serializers.CharField(), "state_label": serializers.CharField(),
    "steps": inline_serializer("WorkflowStepOffer", {
        "name": serializers.CharField(), "label": serializers.CharField(), "allowed": serializers.BooleanField(),
        "reason": serializers.CharField(), "fields": serializers.ListField(child=serializers.CharField()),
        "required": serializers.ListField(child=serializers.CharField())}, many=True),
})
ERRORS = {
    400: OpenApiResponse(description="字段错误：缺少必填项（如理由）或格式不对。"),
    403: OpenApiResponse(description="您不能办理此步（附原因）。"),
    404: OpenApiResponse(description="记录不存在或不在您的数据范围内。"),
    409: OpenApiResponse(description="记录当前状态不允许此步（附当前状态）。"),
    412: OpenApiResponse(description="If-Match 与记录当前版本不符。"),
}


def _if_match_version(request: Any, obj: Any) -> int | None:
    match = request.headers.get("If-Match")
    if not match:
        return None
    if match != etag_of(obj):
        return -1  # stale: perform refuses it once the state check passed
    return getattr(obj, "version", None)


def step_action(workflow: Workflow, step: Step, response_serializer: Any) -> Any:
    def run(self: Any, request: Any, pk: Any = None) -> Response:
        obj = self.get_object()
        data = request.data
        form = step.form(data=data if hasattr(data, "getlist") or isinstance(data, dict) else {},
                         files=request.FILES, obj=obj, user=request.user)
        if not form.is_valid():
            raise exceptions.ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        try:
            shown = perform(obj, step.name, actor=request.user, values=form.values(),
                            expected_version=_if_match_version(request, obj))
        except RecordNotFound:
            raise exceptions.NotFound(str(RecordNotFound().args[0])) from None
        except StepRefused as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        except ConflictError:
            raise PreconditionFailed() from None
        except DjangoValidationError as exc:
            raise to_drf_error(exc) from None
        obj = type(obj)._default_manager.get(pk=obj.pk)
        response = Response({"step": step.name, "state": workflow.state(obj),
                             "state_label": workflow.label_of(workflow.state(obj)),
                             "record": self.get_serializer(obj).data,
                             "next": shown.get_absolute_url() if hasattr(shown, "get_absolute_url") else ""})
        response["ETag"] = etag_of(obj)
        return response

    run.__name__ = f"step_{step.name}"
    run.__doc__ = f"{step.label}"
    run.workflow_action = True
    run = action(detail=True, methods=["post"], url_path=step.name, url_name=f"step-{step.name}")(run)
    # After action(): it would otherwise replace the schema with the model's serializer.
    return extend_schema(request=request_serializer(workflow, step), responses={
        200: inline_serializer(f"{workflow.model.__name__}{step.name.title().replace('_', '')}Done", {
            "step": serializers.CharField(), "state": serializers.CharField(),
            "state_label": serializers.CharField(), "record": response_serializer(),
            "next": serializers.CharField()}), **ERRORS},
        summary=str(step.label), description=str(step.label))(run)


def steps_action(workflow: Workflow) -> Any:
    def read(self: Any, request: Any, pk: Any = None) -> Response:
        obj = self.get_object()
        state = workflow.state(obj)
        return Response({"state": state, "state_label": workflow.label_of(state), "steps": [
            {"name": o.step.name, "label": str(o.step.label), "allowed": o.allowed, "reason": o.reason,
             "fields": list(o.step.form.base_fields), "required": o.step.required}
            for o in offers(request.user, obj)]})

    read.__name__ = "steps"
    read.workflow_action = True
    read = action(detail=True, methods=["get"], url_path="steps", url_name="steps")(read)
    return extend_schema(request=None, responses={200: STEPS_READ, 404: ERRORS[404]}, summary="可办理的步骤",
                         description="记录当前状态，以及每一步您现在能否办理、不能办理的原因。")(read)
