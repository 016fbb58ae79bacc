"""The API base: one scoped ModelViewSet per registered model, writes through the same services as
the pages, and optimistic locking with ETag / If-Match (412 on mismatch, 428 when missing). A
DELETE names its reason in the `reason` query parameter (400 naming `reason` when it is missing). A
list refuses a query parameter it does not read (400 naming it: core.generic.api.filtering)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.response import Response

from rectify.core.current import Actor, reset_actor, set_actor
from rectify.core.generic import services
from rectify.core.generic.api.campaign import InUsersCampaign
from rectify.core.generic.api.filtering import refuse_unknown_parameters
from rectify.core.generic.builders import filterset_for, serializer_for
from rectify.core.middleware import client_ip
from rectify.core.registry import ModelConfig, registry


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy("记录已被他人修改（ETag 不匹配），请重新获取后再提交。")


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = gettext_lazy("修改记录须带 If-Match 请求头（取自 GET 返回的 ETag）。")


def etag_of(obj) -> str:
    return f'"{obj.pk}-{getattr(obj, "version", 0)}"'


class StateConflictError(exceptions.APIException):
    """The record's state does not allow the change (a workflow step taken meanwhile): 409."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "state_conflict"


def to_drf_error(exc: DjangoValidationError) -> exceptions.APIException:
    if getattr(exc, "code", None) == "state":
        return StateConflictError({"detail": exc.messages[0], "state": getattr(exc, "state", ""),
                                   "state_label": getattr(exc, "state_label", "")})
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()})
    return exceptions.ValidationError({"non_field_errors": exc.messages})


class ScopedModelViewSet(InUsersCampaign, viewsets.ModelViewSet):
    config: ModelConfig = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Token-authenticated requests get their user only here, after the middleware ran.
        self._actor_token = set_actor(Actor(
            user_id=request.user.pk, username=request.user.get_username(),
            request_id=getattr(request._request, "id", ""), ip=client_ip(request),
        ))

    def finalize_response(self, request, response, *args, **kwargs):
        token = getattr(self, "_actor_token", None)
        if token is not None:
            reset_actor(token)
            self._actor_token = None
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.config is not None and self.config.sensitive:
            response["Cache-Control"] = "no-store"
        return response

    def get_queryset(self):
        # Every action finds the row in the user's view scope (404 outside it); a write service
        # then refuses a row the user sees but does not own, with the reason (403).
        qs = self.config.model.objects.restrict(self.request.user, "view")
        # The generic serializer shows foreign keys as ids, which need no join; the config's
        # select_related is for pages (and for an app's own serializer).
        if self.config.select_related and self.config.serializer is not None:
            qs = qs.select_related(*self.config.select_related)
        # Many-to-many fields in the serializer are lists of ids: one query per row unless read
        # together. The generic list serializer reads them itself, one query per field
        # (core.speed.drfspeed.PkListsListSerializer); otherwise they are prefetched.
        m2m = _serialized_m2m(self.get_serializer_class(), self.config.model)
        if self.config.serializer is None and self.action == "list":
            prefetch = [p for p in self.config.prefetch_related if p not in m2m]
        else:
            prefetch = list(dict.fromkeys([*self.config.prefetch_related, *m2m]))
        if prefetch:
            qs = qs.prefetch_related(*prefetch)
        return qs.order_by(*(self.config.ordering or ["-pk"]))

    def list(self, request, *args, **kwargs):
        refuse_unknown_parameters(self)
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        response = Response(self.get_serializer(obj).data)
        response["ETag"] = etag_of(obj)
        return response

    def _data(self, serializer) -> dict:
        return {k: v for k, v in serializer.validated_data.items()}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            obj = (self.config.create or services.object_create)(
                model=self.config.model, data=self._data(serializer), actor=request.user)
        except DjangoValidationError as exc:
            raise to_drf_error(exc)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc))
        response = Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag_of(obj)
        return response

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        obj = self.get_object()
        match = request.headers.get("If-Match")
        if not match:
            raise PreconditionRequired()
        if match != etag_of(obj):
            return self._stale(obj)
        serializer = self.get_serializer(obj, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        try:
            obj = (self.config.update or services.object_update)(
                obj=obj, data=self._data(serializer), actor=request.user,
                expected_version=getattr(obj, "version", None))
        except services.ConflictError:
            return self._stale(self.get_object())
        except DjangoValidationError as exc:
            raise to_drf_error(exc)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc))
        response = Response(self.get_serializer(obj).data)
        response["ETag"] = etag_of(obj)
        return response

    def _stale(self, current) -> Response:
        """412 with the record as saved now and its ETag: the caller sees what the other writer
        saved and may send its change again against it, deliberately."""
        response = Response({"detail": str(PreconditionFailed.default_detail),
                             "current": self.get_serializer(current).data}, status=412)
        response["ETag"] = etag_of(current)
        return response

    @extend_schema(
        parameters=[OpenApiParameter(
            "reason", OpenApiTypes.STR, OpenApiParameter.QUERY, required=True,
            description="删除原因（必填，记入变更记录）。"
                        "Why the record is deleted (required; kept in the change log).")],
        responses={204: None, 400: OpenApiResponse(description="缺少删除原因（`reason`），或该记录不能删除。")},
    )
    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            (self.config.delete or services.object_delete)(obj=obj, actor=request.user,
                                                           reason=request.query_params.get("reason", ""))
        except DjangoValidationError as exc:
            raise to_drf_error(exc)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _serialized_m2m(serializer_class, model) -> list[str]:
    fields = getattr(getattr(serializer_class, "Meta", None), "fields", ())
    return [f.name for f in model._meta.many_to_many if fields == "__all__" or f.name in fields]


def _no_create(self, request, *args, **kwargs):
    raise exceptions.MethodNotAllowed(request.method)


def viewset_for(config: ModelConfig) -> type[ScopedModelViewSet]:
    if config.viewset:
        return config.viewset
    http_methods = ["get", "head", "options"]
    if config.allow_add:
        http_methods.append("post")
    if config.allow_edit:
        http_methods += ["put", "patch"]
    if config.allow_delete:
        http_methods.append("delete")
    attrs = {
        "config": config,
        "queryset": config.model.objects.all(),
        "serializer_class": serializer_for(config),
        "filterset_class": filterset_for(config),
        "ordering_fields": "__all__",
    }
    for extension in registry.extensions:
        extra = extension.api_attrs(config)
        if extra and "post" not in http_methods:
            http_methods.append("post")  # an action's POST (a workflow step) on a read-only resource
            attrs["create"] = _no_create  # ... which does not open the list to a POST
        attrs.update(extra)
    attrs["http_method_names"] = http_methods
    return type(f"{config.model.__name__}ViewSet", (ScopedModelViewSet,), attrs)
