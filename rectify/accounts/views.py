"""Login, the TOTP second factor, password change and logout."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import services
from .forms import LoginForm, RectifyPasswordChangeForm, TotpForm
from .middleware import SESSION_2FA


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _verified(request: HttpRequest) -> HttpResponse:
    # A new session key for the fully authenticated session (the password-only one is discarded).
    request.session.cycle_key()
    request.session[SESSION_2FA] = True
    return HttpResponseRedirect(_next(request))


def _failed(request: HttpRequest, form: TotpForm) -> HttpResponse | None:
    if request.user.is_locked:
        logout(request)
        messages.error(request, _("连续验证失败次数过多，账号已锁定，请稍后再试或联系安全管理员解锁。"))
        return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))
    form.add_error("code", _("动态口令不正确或已使用，请输入验证器上的新口令。"))
    return None


@never_cache
@login_required
def totp(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.session.get(SESSION_2FA):
        return HttpResponseRedirect(_next(request))
    if not user.has_totp:
        return HttpResponseRedirect(resolve_url("accounts:totp_enrol") + ("?" + request.GET.urlencode() if request.GET else ""))
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_verify(user, form.cleaned_data["code"]):
            return _verified(request)
        if (response := _failed(request, form)) is not None:
            return response
    return render(request, "accounts/totp.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
def totp_enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.has_totp:
        return HttpResponseRedirect(resolve_url("accounts:totp") + ("?" + request.GET.urlencode() if request.GET else ""))
    secret = services.totp_begin_enrolment(user)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_verify(user, form.cleaned_data["code"], enrolment=True):
            return _verified(request)
        if (response := _failed(request, form)) is not None:
            return response
    return render(request, "accounts/totp_enrol.html", {
        "form": form, "next": _next(request), "qr": services.totp_qr_data_uri(user),
        # grouped by four for typing it into an authenticator by hand
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
    })


@never_cache
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = RectifyPasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(user=user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)  # keeps this session; the user's others end
        messages.success(request, _("密码已修改。"))
        return HttpResponseRedirect(_next(request))
    return render(request, "accounts/password_change.html", {
        "form": form, "next": _next(request), "forced": services.password_expired(user)})
