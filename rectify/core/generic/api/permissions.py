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
        action = ACTION_FOR_METHOD.get(request.method, "view")
        handler = getattr(view, getattr(view, "action", None) or "", None)
        if getattr(handler, "workflow_action", False):
            # A workflow step is not an "add": seeing the model is enough here, and the step's own
            # rule (core.workflow) answers with its reason.
            action = "view"
        return model_allows(request.user, queryset.model, action)
