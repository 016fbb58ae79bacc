"""In-app notifications and e-mail, sent once per key (a reminder re-run does not repeat itself)."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.shortcuts import render
from django.utils import timezone

from rectify.core.models import Notification


def notify(*, user, title: str, body: str = "", url: str = "", key: str = "", email: bool = True) -> bool:
    """Returns False when a notification with this key was already sent to the user."""
    if key and Notification.objects.filter(user=user, key=key).exists():
        return False
    Notification.objects.create(user=user, title=title, body=body, url=url, key=key)
    if email and user.email:
        send_mail(title, f"{body}\n{url}", settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=True)
    return True


@login_required
def inbox(request):
    items = list(Notification.objects.filter(user=request.user)[:100])
    Notification.objects.filter(user=request.user, read_at=None).update(read_at=timezone.now())
    return render(request, "core/notifications.html", {"items": items})
