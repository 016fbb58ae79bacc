from .navigation import menu_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .models import Notification

    return {"menu": menu_for(user), "unread_notifications": Notification.objects.filter(user=user, read_at=None).count()}
