"""The bench's URLconf: the project's URLs plus two bare baseline views.

A bare view reads `rows` rows of a model with one plain query and renders them — as a minimal
HTML table through the Django template engine, or as JSON — with none of the project's layers
(scope, filters, tables, navigation, serializers). A page's ratio to its bare view is what those
layers cost. The bare views pass through the same middleware (session, auth, CSP...) as the pages.
"""
from __future__ import annotations

from django.apps import apps
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import Context, Engine
from django.urls import path

from rectify.urls import handler400, handler403, handler404, handler500
from rectify.urls import urlpatterns as project_urlpatterns

_ENGINE = Engine()
_TEMPLATE = _ENGINE.from_string(
    "<!doctype html><html><head><title>bare</title></head><body><table>"
    "{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}"
    "</table></body></html>")
_COLUMNS = 8


def _rows(request: HttpRequest, rows: int) -> list[tuple]:
    model = apps.get_model(request.GET.get("model", "enforcement.Case"))
    names = [f.attname for f in model._meta.concrete_fields][:_COLUMNS]
    return list(model._base_manager.order_by("-pk").values_list(*names)[:rows])


def bare_html(request: HttpRequest, rows: int) -> HttpResponse:
    return HttpResponse(_TEMPLATE.render(Context({"rows": _rows(request, rows)})))


def bare_json(request: HttpRequest, rows: int) -> JsonResponse:
    return JsonResponse({"results": [list(map(str, r)) for r in _rows(request, rows)]})


urlpatterns = [
    path("bench/bare/<int:rows>/", bare_html),
    path("bench/bare-json/<int:rows>/", bare_json),
    *project_urlpatterns,
]

__all__ = ["urlpatterns", "handler400", "handler403", "handler404", "handler500"]
