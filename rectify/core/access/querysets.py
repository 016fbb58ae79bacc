"""`Model.objects.restrict(user, action)`: the rows a user may see or change (scope.py decides)."""
from __future__ import annotations

from rectify.core.access.scope import restrict


class RestrictMixin:
    def restrict(self, user, action: str = "view"):
        """Only the rows `user` may `action` (view/add/change/delete): see scope.py."""
        return restrict(self, user, action)
