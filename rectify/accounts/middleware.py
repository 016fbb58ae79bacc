"""Session rules enforced on every request (docs/security.md, items 1, 3, 4).

Order in MIDDLEWARE (after AuthenticationMiddleware and MessageMiddleware):
1. `SessionTimeoutMiddleware` — 30 minutes idle / 12 hours in all, then logged out;
2. `TwoFactorMiddleware` — a password-only ("half-authenticated") session reaches nothing but the
   TOTP step (enrolment when the user has no second factor yet);
3. `PasswordChangeMiddleware` — first login, reset or 90-day-old password: only the change page.

Token-authenticated API calls are machine credentials: DRF authenticates them inside the view,
so `request.user` is anonymous here and none of this applies; session-authenticated API calls
are held to the same rules, answering 401/403 JSON instead of a redirect."""
from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from rectify.accounts import services
from rectify.core.access.public import AUTH_FLOW_PREFIXES, is_public
from rectify.core.audit.events import record_event

SESSION_STARTED = "rectify_started"
SESSION_SEEN = "rectify_seen"
SESSION_2FA = "rectify_2fa"


def session_limits() -> tuple[int, int]:
    limits = {"IDLE_SECONDS": 30 * 60, "ABSOLUTE_SECONDS": 12 * 60 * 60, **getattr(settings, "RECTIFY_SESSION", {})}
    return limits["IDLE_SECONDS"], limits["ABSOLUTE_SECONDS"]


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _exempt(request) -> bool:
    return is_public(request.path) or any(request.path.startswith(p) for p in AUTH_FLOW_PREFIXES)


def _redirect(request, url_name: str, message: str | None = None, status: int = 403):
    if _is_api(request):
        return JsonResponse({"detail": message or _("会话未完成认证。")}, status=status)
    url = reverse(url_name)
    if request.method == "GET":
        url += "?" + urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(url)


class SessionTimeoutMiddleware:
    """Idle and absolute session limits, kept as timestamps in the session itself."""

    # Writing the session on every request would cost a database write per click; a one-minute
    # resolution on the idle clock is enough.
    RESOLUTION = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            idle, absolute = session_limits()
            started = request.session.get(SESSION_STARTED)
            seen = request.session.get(SESSION_SEEN)
            if started is None:  # a session made without the login view (force_login, old sessions)
                request.session[SESSION_STARTED] = started = now
            if (seen is not None and now - seen > idle) or now - started > absolute:
                reason = "idle" if seen is not None and now - seen > idle else "absolute"

                record_event("session.expired", user, user=user, detail={"reason": reason})
                logout(request)
                message = (_("长时间未操作，会话已结束，请重新登录。") if reason == "idle"
                           else _("会话已超过最长时限，请重新登录。"))
                if _is_api(request):
                    return JsonResponse({"detail": message}, status=401)
                messages.info(request, message)
                return HttpResponseRedirect(reverse(settings.LOGIN_URL) + "?"
                                            + urlencode({"next": request.get_full_path()}))
            if seen is None or now - seen >= self.RESOLUTION:
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (getattr(settings, "RECTIFY_REQUIRE_2FA", True) and user is not None and user.is_authenticated
                and not request.session.get(SESSION_2FA) and not _exempt(request)):
            return _redirect(request, "accounts:totp" if user.has_totp else "accounts:totp_enrol",
                             _("请先完成动态口令验证。"))
        return self.get_response(request)


class PasswordChangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not _exempt(request)
                and services.password_expired(user)):
            return _redirect(request, "accounts:password_change", _("请先修改密码。"))
        return self.get_response(request)
