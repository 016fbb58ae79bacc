"""Login, the TOTP second factor, password change and logout; account rollout (one-time links,
initial passwords, the account and role imports); the API tokens (list, issue, revoke)."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render, resolve_url
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from rectify.accounts import services
from rectify.accounts.forms import (
    AccountSetupForm,
    ApiTokenIssueForm,
    ApiTokenRevokeForm,
    LoginForm,
    RectifyPasswordChangeForm,
    TotpForm,
)
from rectify.accounts.importing import COLUMNS
from rectify.accounts.middleware import SESSION_2FA
from rectify.accounts.models import ApiToken, User
from rectify.accounts.tokens import account_link_tokens, link_hours, link_user
from rectify.core import clock
from rectify.core.access.scope import area_allows
from rectify.core.generic.exports import file_response
from rectify.core.generic.importing import ImportFileError, read_upload, template_xlsx


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


def _query(request: HttpRequest) -> str:
    """The query string (the `next` page above all) carried over between the two TOTP pages."""
    return "?" + request.GET.urlencode() if request.GET else ""


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
        return HttpResponseRedirect(resolve_url("accounts:totp_enrol") + _query(request))
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
        return HttpResponseRedirect(resolve_url("accounts:totp") + _query(request))
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


# --- rollout: one-time links, initial passwords, import ------------------------------------------
@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def account_setup(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The one-time link's page, reached without a login (core/access/public.py): the person sets a
    password under the policy, then logs in and enrols the second factor."""
    account = link_user(uidb64)
    if account is None or not account_link_tokens.check_token(account, token):
        return render(request, "accounts/account_setup.html", {"invalid": services.link_invalid_message()}, status=400)
    form = AccountSetupForm(account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_password_set(user=account, token=token, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            if getattr(exc, "code", None) == "link_invalid":  # used meanwhile, e.g. from a second tab
                return render(request, "accounts/account_setup.html", {"invalid": " ".join(exc.messages)}, status=400)
            form.add_error("new_password2", exc)
        else:
            if request.user.is_authenticated:  # someone else's session in this browser
                logout(request)
            messages.success(request, _("密码已设置。请用新密码登录，登录后按提示绑定动态口令。"))
            return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))
    return render(request, "accounts/account_setup.html", {"form": form, "account": account})


def _account(request: HttpRequest, pk: int) -> User:
    services.ensure_may_roll_out(request.user)
    return get_object_or_404(User.objects.restrict(request.user, "view").select_related("unit"), pk=pk)


@never_cache
@login_required
@require_POST
def user_issue_link(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    try:
        issued = services.account_issue_link(user=account, actor=request.user,
                                             base_url=request.build_absolute_uri("/"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(account.get_absolute_url())
    return render(request, "accounts/credential_issued.html", {"account": issued.user, "issued": issued})


@never_cache
@login_required
@require_POST
def user_initial_password(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    try:
        password = services.account_issue_initial_password(user=account, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(account.get_absolute_url())
    return render(request, "accounts/credential_issued.html", {"account": account, "password": password})


def rollout_context(request: HttpRequest, account: User) -> dict:
    """ModelConfig.detail_context of the user page: the password's state and whether this
    administrator may issue a link or an initial password for the account."""
    try:
        services.ensure_may_issue_credentials(user=account, actor=request.user)
        may_issue = True
    except (PermissionDenied, ValidationError):
        may_issue = False
    return {"rollout": {"may_issue": may_issue, "has_password": account.has_usable_password(),
                        "must_change": account.must_change_password, "has_totp": account.has_totp,
                        "link_hours": link_hours()}}


@method_decorator(never_cache, name="dispatch")
class UserImportView(LoginRequiredMixin, View):
    """The rollout page: the template, the system administrator's account import and the security
    administrator's role import of the same file (services/imports.py)."""

    template_name = "accounts/user_import.html"
    kind = ""  # "accounts" or "roles" for the POST targets

    def _context(self, request: HttpRequest, **extra) -> dict:
        user = request.user
        return {"columns": COLUMNS, "may_create": area_allows(user, "accounts", "add"),
                "may_grant": area_allows(user, "accounts", "manage"), "link_hours": link_hours(), **extra}

    def get(self, request: HttpRequest) -> HttpResponse:
        services.ensure_may_roll_out(request.user)
        if request.GET.get("template"):
            return file_response(template_xlsx(COLUMNS), "账号导入模板.xlsx", "xlsx")
        return render(request, self.template_name, self._context(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        services.ensure_may_roll_out(request.user)
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择要导入的文件。"))
            return render(request, self.template_name, self._context(request), status=400)
        try:
            if self.kind == "roles":
                result = services.roles_import(name=upload.name, data=read_upload(upload), actor=request.user)
            else:
                result = services.accounts_import(name=upload.name, data=read_upload(upload), actor=request.user,
                                                  base_url=request.build_absolute_uri("/"))
        except ImportFileError as exc:
            messages.error(request, str(exc))
            return render(request, self.template_name, self._context(request), status=400)
        if result.errors:
            messages.error(request, _("有%(n)d处错误，整个文件未导入。请改正后重新上传整个文件。")
                           % {"n": len(result.errors)})
            return render(request, self.template_name, self._context(request, errors=result.errors), status=400)
        return render(request, self.template_name, self._context(request, result=result, kind=self.kind))


# --- the campaign the user works in (the top bar's chooser) ----------------------------------------
@require_POST
@login_required
def choose_campaign(request: HttpRequest) -> HttpResponse:
    """Work in another campaign; back to the page the user was on (its own lists follow)."""
    try:
        campaign = services.user_choose_campaign(user=request.user, campaign_id=request.POST.get("campaign"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已切换到专项行动“%(name)s”（%(status)s）。")
                         % {"name": campaign.name, "status": campaign.status_label})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = resolve_url("home")
    return HttpResponseRedirect(target)


# --- API tokens: list, issue, revoke --------------------------------------------------------------
TOKENS_PER_PAGE = 50


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The tokens of the accounts this administrator manages, newest first; never a secret."""
    services.ensure_may_manage_api_tokens(request.user)
    today = clock.today()
    tokens = services.api_tokens_visible(request.user).select_related("owner__unit", "issued_by", "revoked_by")
    state = request.GET.get("state", "")
    if state in ApiToken.State.values:
        tokens = tokens.filter(ApiToken.state_q(state, today))
    else:
        state = ""
    page = Paginator(tokens, TOKENS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/token_list.html", {
        "page": page, "rows": [(token, token.state(today)) for token in page],
        "state": state, "states": ApiToken.State.choices})


@never_cache
@login_required
def token_issue(request: HttpRequest) -> HttpResponse:
    """The issue form; on success the secret, shown this once (the response is not cached)."""
    services.ensure_may_manage_api_tokens(request.user)
    form = ApiTokenIssueForm(request.POST or None, actor=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                issued = services.api_token_issue(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return render(request, "accounts/token_issued.html", {"issued": issued})
        return render(request, "accounts/token_issue.html", {"form": form}, status=400)
    return render(request, "accounts/token_issue.html", {"form": form})


@never_cache
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation with the reason (GET), and the revocation (POST)."""
    services.ensure_may_manage_api_tokens(request.user)
    token = get_object_or_404(services.api_tokens_visible(request.user).select_related("owner__unit", "revoked_by"),
                              pk=pk)
    form = ApiTokenRevokeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.api_token_revoke(token=token, reason=form.cleaned_data["reason"], actor=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("令牌“%(token)s”已撤销，接口将不再接受它。") % {"token": token})
                return HttpResponseRedirect(resolve_url("accounts:token_list"))
        return render(request, "accounts/token_revoke.html", {"token": token, "form": form}, status=400)
    return render(request, "accounts/token_revoke.html", {"token": token, "form": form})
