from rest_framework.permissions import BasePermission

from rectify.core.access.scope import model_allows

ACTION_FOR_METHOD = {
    "GET": "view", "HEAD": "view", "OPTIONS": "view",
    "POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete",
}


class ScopedModelPermission(BasePermission):
    """Role check per HTTP method; row scope is applied by the viewset's queryset."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        queryset = getattr(view, "queryset", None)
        if queryset is None:
            return True
        return model_allows(request.user, queryset.model, ACTION_FOR_METHOD.get(request.method, "view"))
