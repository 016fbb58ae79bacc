"""In-app notifications and e-mail, sent once per key (a reminder re-run does not repeat itself).

A notice is written in the caller's transaction; its e-mail leaves only once that transaction
commits, so a step refused after the notice was written sends nothing."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from rectify.core.models import Notification


def notify(*, user, title: str, body: str = "", url: str = "", key: str = "", email: bool = True) -> bool:
    """Returns False when a notification with this key was already sent to the user."""
    if key and Notification.objects.filter(user=user, key=key).exists():
        return False
    try:
        with transaction.atomic():  # two sweeps at once: the unique (user, key) keeps one
            Notification.objects.create(user=user, title=title, body=body, url=url, key=key)
    except IntegrityError:
        return False
    if email and user.email:
        address, text = user.email, f"{body}\n{url}"
        transaction.on_commit(lambda: send_mail(title, text, settings.DEFAULT_FROM_EMAIL, [address],
                                                fail_silently=True))
    return True


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "")
    items = Notification.objects.filter(user=request.user)
    if show == "unread":
        items = items.filter(read_at=None)
    return render(request, "core/notifications.html", {"items": list(items[:200]), "show": show})


@login_required
def open_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notice read and go to its record."""
    notice = Notification.objects.filter(user=request.user, pk=pk).first()
    if notice is None:
        raise Http404
    if notice.read_at is None:
        Notification.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    return HttpResponseRedirect(notice.url if notice.url.startswith("/") else reverse("core:notifications"))


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(user=request.user, read_at=None).update(read_at=timezone.now())
    return HttpResponseRedirect(reverse("core:notifications"))
