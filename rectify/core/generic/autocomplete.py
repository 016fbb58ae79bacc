"""`core:pick`: what a picker of a generic form offers for what is typed (core/generic/pickers.py).

The answer is read from the form's own field, built for the requesting user: the same scope, line
and period narrowing the form validates against, so the picker offers exactly what can be saved.
A few rows at a time: {"results": [{"id", "text"}], "more": bool}."""
from __future__ import annotations

import unicodedata

from django.db.models import Q
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rectify.core.access.scope import model_allows
from rectify.core.generic.builders import form_for
from rectify.core.generic.pickers import PICKER_PAGE, PickerMixin, picker_search, picker_text
from rectify.core.registry import registry
from rectify.core.security.inputs import parse_int

QUERY_MAX_LENGTH = 50
MAX_PAGE = 50


def _refuse(message: str, status: int = 400) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _config(app_label: str, model_name: str):
    for config in registry.for_app(app_label):
        if config.model_name == model_name:
            return config
    raise Http404(_("没有这类记录。"))


@require_GET
def pick(request, app_label: str, model_name: str, field_name: str) -> JsonResponse:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return _refuse(_("请先登录。"), 403)
    config = _config(app_label, model_name)
    if not (model_allows(user, config.model, "add") or model_allows(user, config.model, "change")):
        return _refuse(_("您没有填报此类记录的权限。"), 403)
    query = request.GET.get("q", "").strip()
    if len(query) > QUERY_MAX_LENGTH:
        return _refuse(_("搜索词过长：最多 %(n)d 个字。") % {"n": QUERY_MAX_LENGTH})
    if any(unicodedata.category(c).startswith("C") for c in query):
        return _refuse(_("搜索词含有控制字符。"))
    page = parse_int(request.GET.get("page", "1"), None, minimum=1, maximum=MAX_PAGE)
    if page is None:
        return _refuse(_("页码应为 1 到 %(n)d 之间的整数。") % {"n": MAX_PAGE})
    form = form_for(config)(user=user)
    field = form.fields.get(field_name)
    if field is None or not isinstance(field.widget, PickerMixin):
        return _refuse(_("“%(field)s”不是可搜索选择的字段。") % {"field": field_name})
    queryset = field.queryset
    if query:
        match = Q()
        for name in picker_search(queryset.model):
            match |= Q(**{f"{name}__icontains": query})
        queryset = queryset.filter(match)
    start = (page - 1) * PICKER_PAGE
    rows = list(queryset[start:start + PICKER_PAGE + 1])
    response = JsonResponse({"results": [{"id": row.pk, "text": picker_text(row)} for row in rows[:PICKER_PAGE]],
                             "more": len(rows) > PICKER_PAGE})
    response["Cache-Control"] = "no-store"
    return response
