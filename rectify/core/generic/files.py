"""Uploaded files, opened only through here: /files/<app>/<model>/<pk>/<field>/.

Nothing under MEDIA_ROOT is served as it is (no URL pattern, and whitenoise serves only the
static files), so a file is as private as the record that holds it. The view finds the record
with `restrict(user, "view")` (404 out of scope), asks the model's ModelConfig for a rule when
the file may carry personal data (`sensitive`; `file_access`, fail closed without one), writes a
`file.download` event and sends the bytes as an attachment under headers that keep a browser
from running them: a Content-Type from a short list of document types, nosniff, a sandbox CSP.

Pages link a file with `file_detail_value`, the API with `ProtectedFileField`: both show the
view's URL and the file's base name, never the storage path."""
from __future__ import annotations

import os
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, SuspiciousFileOperation
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from rectify.core.audit.events import record_event
from rectify.core.audit.models import Event
from rectify.core.registry import ModelConfig, registry

# The types the upload validators accept. Anything else goes out as opaque bytes, so a stored
# .html or .svg can never be rendered as a page of this origin.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FALLBACK_TYPE = "application/octet-stream"
# A PDF viewer or image opened from the download runs with no script, form or origin of ours.
SANDBOX_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"


class FileLink:
    """A stored file as pages show it: its base name, linked to the file view (the template's
    `value.get_absolute_url` branch renders it as a link)."""

    def __init__(self, url: str, name: str) -> None:
        self.url, self.name = url, name

    def get_absolute_url(self) -> str:
        return self.url

    def __str__(self) -> str:
        return self.name


def base_name(field_file: FieldFile) -> str:
    return os.path.basename(field_file.name or "")


def content_type_for(name: str) -> str:
    return CONTENT_TYPES.get(os.path.splitext(name)[1].lower().lstrip("."), FALLBACK_TYPE)


def file_url(obj: models.Model, field_name: str) -> str:
    meta = obj._meta
    return reverse("core:file", kwargs={"app_label": meta.app_label, "model_name": meta.model_name,
                                        "pk": obj.pk, "field_name": field_name})


def may_open(user, config: ModelConfig, obj: models.Model, field_name: str) -> bool:
    """Whether `user`, who sees `obj`, may open its file: the config's rule, else everyone who
    sees the record — except on a sensitive model, whose files stay closed without a rule."""
    if config.file_access is not None:
        return bool(config.file_access(user, obj, field_name))
    return not config.sensitive


def file_detail_value(obj: models.Model, field_name: str, user) -> FileLink | str:
    """What a detail page shows for a file field: nothing, a link, or that a file is held back
    (not its name either: a complainant's file may be named after the complainant)."""
    field_file = getattr(obj, field_name)
    if not field_file:
        return ""
    if obj.__class__ in registry and not may_open(user, registry.get(obj), obj, field_name):
        return _("已上传（您无权查看此文件）")
    return FileLink(file_url(obj, field_name), base_name(field_file))


def field_file_link(value: Any) -> FileLink | None:
    """A FieldFile of a registered model's saved record as a link, for widgets that hold only the
    FieldFile (the edit form's current file); None for anything else."""
    instance = getattr(value, "instance", None)
    field = getattr(value, "field", None)
    if not isinstance(value, FieldFile) or not value or instance is None or instance.pk is None \
            or instance.__class__ not in registry:
        return None
    return FileLink(file_url(instance, field.name), base_name(value))


class ProtectedFileMixin:
    """A file field of the API: reads as the file view's URL (relative, like `url`), not the
    media path; writes as an upload, unchanged."""

    def to_representation(self, value):
        if not value:
            return None
        instance = getattr(value, "instance", None)
        if instance is None or instance.pk is None:
            return None
        return file_url(instance, value.field.name)


class ProtectedFileField(ProtectedFileMixin, serializers.FileField):
    pass


class ProtectedImageField(ProtectedFileMixin, serializers.ImageField):
    pass


class ProtectedFileFieldSchema(OpenApiSerializerFieldExtension):
    """The OpenAPI schema of those fields: an upload as before; read, a path of the file view.
    Without a pattern of its own the response would take the upload validator's "(?:pdf|…)$",
    which the path does not match."""

    target_class = "rectify.core.generic.files.ProtectedFileMixin"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "response":
            schema = {**schema, "format": "uri-reference", "pattern": "^/files/"}
        return schema


def _config(app_label: str, model_name: str) -> ModelConfig:
    for config in registry.for_app(app_label):
        if config.model_name == model_name:
            return config
    raise Http404(_("文件不存在或不在您的数据范围内。"))


def _refuse(request: HttpRequest, text: str) -> HttpResponse:
    response = render(request, "core/error.html", {"status": 403, "title": _("无权访问"), "text": text,
                                                   "request_id": getattr(request, "id", "")}, status=403)
    response["Cache-Control"] = "no-store"
    return response


def _open(field_file: FieldFile):
    """The stored file, opened read-only. The storage refuses a name leading out of MEDIA_ROOT
    (SuspiciousFileOperation); a symbolic link inside it pointing out is refused here."""
    storage = field_file.storage
    try:
        path = storage.path(field_file.name)
    except NotImplementedError:  # a remote storage: its own names, no local links to follow
        path = None
    if path is not None:
        root = os.path.realpath(storage.location)
        if os.path.commonpath([root, os.path.realpath(path)]) != root:
            raise SuspiciousFileOperation("file outside the media root")
    return storage.open(field_file.name, "rb")


@require_safe
@login_required
def serve_file(request: HttpRequest, app_label: str, model_name: str, pk: int, field_name: str) -> HttpResponse:
    config = _config(app_label, model_name)
    model = config.model
    try:
        field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        field = None
    if not isinstance(field, models.FileField):
        raise Http404(_("文件不存在或不在您的数据范围内。"))
    obj = model.objects.restrict(request.user, "view").filter(pk=pk).first()
    field_file = getattr(obj, field_name, None) if obj is not None else None
    if not field_file:
        raise Http404(_("文件不存在或不在您的数据范围内。"))
    name = base_name(field_file)
    detail = {"model": model._meta.label, "pk": obj.pk, "field": field_name, "file": name}
    if not may_open(request.user, config, obj, field_name):
        record_event("file.download", obj, user=request.user, outcome=Event.FAILURE,
                     detail={**detail, "reason": "no_access"})
        text = (_("此文件含个人信息，仅承办单位可以查看。") if config.sensitive else _("您没有查看此文件的权限。"))
        return _refuse(request, text)
    try:
        handle = _open(field_file)
    except (SuspiciousFileOperation, OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        record_event("file.download", obj, user=request.user, outcome=Event.FAILURE,
                     detail={**detail, "reason": type(exc).__name__})
        raise Http404(_("文件不存在或已被移除。")) from None
    record_event("file.download", obj, user=request.user, detail=detail)
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type_for(name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    # Personal data stays out of every cache; other files may stay in the user's own browser only.
    response["Cache-Control"] = "no-store" if config.sensitive else "private, no-cache"
    return response
