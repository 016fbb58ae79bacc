from rectify.core.generic.navigation import menu_for
from rectify.core.models import Notification


def navigation(request):
    """The menu and the unread count. django-tables2 renders a table through a fresh
    RequestContext, which runs the context processors a second time in one request; the answer is
    kept on the request so the menu is built and the notifications counted once."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    cached = getattr(request, "_rectify_navigation", None)
    if cached is None:
        cached = request._rectify_navigation = {
            "menu": menu_for(user),
            "unread_notifications": Notification.objects.filter(user=user, read_at=None).count(),
        }
    return cached
