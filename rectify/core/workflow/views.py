"""The record page's part of a workflow: the panel (state, step bar, the steps this user may take
now, the others with the reason they are closed, the story of the steps taken) and the step page,
whose POST goes through `engine.perform` like the API's."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from rectify.core import clock
from rectify.core.audit.events import events_for
from rectify.core.generic.services import ConflictError
from rectify.core.generic.views import add_validation_errors
from rectify.core.registry import ModelConfig

from .declare import Step, Workflow, workflow_of
from .engine import RecordNotFound, StateConflict, StepRefused, offers, perform


def step_url(obj: models.Model, name: str) -> str:
    meta = obj._meta
    return reverse(f"{meta.app_label}:{meta.model_name}_step", kwargs={"pk": obj.pk, "step": name})


@dataclass
class Button:
    label: str
    url: str
    style: str
    inline: bool        # nothing to type: a one-click POST
    allowed: bool
    reason: str = ""
    target: str = ""    # the related record the step works on, when not the page's own
    version: int | None = None


@dataclass
class StoryLine:
    label: str
    who: str
    when: str
    reason: str


def buttons(user: Any, obj: models.Model, target: str = "") -> list[Button]:
    return [Button(str(o.step.label), o.step.page(obj) if o.step.page else step_url(obj, o.step.name), o.step.style,
                   o.step.inline and not o.step.page, o.allowed, o.reason, target, getattr(obj, "version", None))
            for o in offers(user, obj)]


def _bar(workflow: Workflow, state: str) -> list[tuple[str, str]]:
    """(label, "done" | "current" | "todo") along the main path; a state off it is shown alone."""
    path = list(workflow.bar)
    if state not in path:
        return [(workflow.label_of(s), "done") for s in path[:1]] + [(workflow.label_of(state), "current")]
    at = path.index(state)
    return [(workflow.label_of(s), "done" if i < at else "current" if i == at else "todo")
            for i, s in enumerate(path)]


def story(workflow: Workflow, obj: models.Model) -> list[StoryLine]:
    """The steps taken on the record, oldest first: who, when (Beijing time), why."""
    labels = {step.event or f"{workflow.name}.{step.name}": str(step.label) for step in workflow.steps}
    lines = []
    for event in reversed(list(events_for(obj).filter(event__in=list(labels)).select_related("user")[:200])):
        who = str(event.user) if event.user_id and event.user else event.username
        reason = event.detail.get("reason") or event.detail.get("return_reason") or "" if event.detail else ""
        lines.append(StoryLine(labels[event.event], who, clock.format_moment(event.time), reason))
    return lines


def panel_context(request: HttpRequest, obj: models.Model) -> dict[str, Any]:
    workflow = workflow_of(obj)
    if workflow is None:
        return {}
    user = request.user
    own = buttons(user, obj)
    for related in (workflow.companions(user, obj) if workflow.companions else []):
        own += [b for b in buttons(user, related, target=str(related)) if b.allowed]
    state = workflow.state(obj)
    return {"workflow": {"state": workflow.label_of(state), "bar": _bar(workflow, state),
                         "allowed": [b for b in own if b.allowed], "closed": [b for b in own if not b.allowed],
                         "story": story(workflow, obj)}}


class StepView(LoginRequiredMixin, View):
    """GET: the step's form (or why it is closed); POST: the step, through `perform`."""

    config: ModelConfig | None = None
    template_name = "core/workflow_step.html"

    def _load(self) -> tuple[models.Model, Step]:
        obj = self.config.model.objects.restrict(self.request.user, "view").filter(pk=self.kwargs["pk"]).first()
        if obj is None:
            raise Http404(_("记录不存在或不在您的数据范围内。"))
        step = workflow_of(obj).step(self.kwargs["step"])
        if step is None:
            raise Http404(_("没有此操作。"))
        return obj, step

    def _page(self, obj: models.Model, step: Step, form: Any, status: int = 200, closed: str = "") -> HttpResponse:
        return render(self.request, self.template_name, {
            "object": obj, "step": step, "form": form, "closed": closed, "action_url": step_url(obj, step.name),
            "version": getattr(obj, "version", None)}, status=status)

    def get(self, request: HttpRequest, pk: int, step: str) -> HttpResponse:
        obj, current = self._load()
        offer = next(o for o in offers(request.user, obj) if o.step is current)
        form = current.form(obj=obj, user=request.user)
        return self._page(obj, current, form, status=200 if offer.allowed else 403, closed=offer.reason)

    def post(self, request: HttpRequest, pk: int, step: str) -> HttpResponse:
        obj, current = self._load()
        form = current.form(request.POST, request.FILES, obj=obj, user=request.user)
        if not form.is_valid():
            messages.error(request, _("请按提示填写。"))
            return self._page(obj, current, form, status=400)
        version = request.POST.get("version")
        try:
            shown = perform(obj, current.name, actor=request.user, values=form.values(),
                            expected_version=int(version) if version and version.isdigit() else None)
        except RecordNotFound:
            raise Http404(_("记录不存在或不在您的数据范围内。")) from None
        except (StepRefused, StateConflict, ConflictError) as exc:
            messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
            return HttpResponseRedirect(obj.get_absolute_url())
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            if current.inline:
                return HttpResponseRedirect(obj.get_absolute_url())
            add_validation_errors(form, exc)  # keep what the user typed, with the errors at their fields
            return self._page(obj, current, form, status=400)
        messages.success(request, str(current.done or _("已%(step)s。") % {"step": current.label}))
        return HttpResponseRedirect(shown.get_absolute_url())
