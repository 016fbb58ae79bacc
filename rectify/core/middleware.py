"""Request id and acting user for every request (read by the change log and the audit log)."""
from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.utils import translation

from rectify.core.current import Actor, reset_actor, set_actor, working_in_campaign
from rectify.core.dataversion.version import versions_read_once

_SAFE_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class CurrentUserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        authed = bool(user and user.is_authenticated)
        token = set_actor(
            Actor(
                user_id=user.pk if authed else None,
                username=user.get_username() if authed else "",
                request_id=getattr(request, "id", ""),
                ip=client_ip(request),
            )
        )
        try:
            # the campaign the user chose in the top bar (accounts.User.campaign); an API client
            # authenticated by a token is placed by the API's views once DRF knows the user
            with working_in_campaign(getattr(user, "working_campaign_id", None) if authed else None):
                return self.get_response(request)
        finally:
            reset_actor(token)


class ChineseFirstLocaleMiddleware:
    """Chinese unless the user chose otherwise with the language switch (the cookie set by
    /i18n/setlang/). Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language:
    an office PC with an English browser still gets the Chinese system by default."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class DataVersionMiddleware:
    """A page read (GET, HEAD) reads the change log's data version once, however many cached
    figures it shows (core.dataversion.version.versions_read_once). Writes read it afresh every time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        with versions_read_once():
            return self.get_response(request)
