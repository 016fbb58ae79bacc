"""API tokens: issued to an account by an administrator (or on the command line), refused once
expired or revoked, their last use recorded.

Who: the administrators who roll accounts out — the system administrator, who keeps them, and the
security administrator, who resets credentials (`ensure_may_manage_api_tokens`, the roll-out's
rule). For whom: the active accounts in the administrator's scope that hold none of the three
administrator roles. A token lets whoever holds it act as its owner without the second factor, so
one administrator issuing it for another would take that account over (三员分立); nobody issues
one for themselves either. The tokens of administrators' accounts are outside every
administrator's scope in the application; the server's operator issues them with
`rectify issue_api_token`, as before.

The secret is 32 random bytes behind a recognisable prefix; only its SM3 digest is stored, so the
secret is shown once, when it is issued, and goes into no record or log."""
from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core import clock
from rectify.core.access.roles import SEPARATED_ADMIN_ROLES
from rectify.core.access.scope import area_allows
from rectify.core.audit.events import record_event
from rectify.core.generic.services import clean_reason

from ..models import ApiToken, User

SECRET_PREFIX = "rct_"
# A client calls many times a minute; its last use is written at most once a minute.
LAST_USE_RESOLUTION = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedApiToken:
    token: ApiToken
    secret: str  # shown once to whoever issued it; never stored


class ApiTokenRefused(Exception):
    """A token the API does not accept, with the reason for the client (in Chinese)."""


def api_token_days() -> tuple[int, int]:
    """(default, maximum) validity in days from the day of issue (RECTIFY_API_TOKENS)."""
    conf = {"DEFAULT_DAYS": 90, "MAX_DAYS": 365, **getattr(settings, "RECTIFY_API_TOKENS", {})}
    return conf["DEFAULT_DAYS"], conf["MAX_DAYS"]


def api_token_digest(secret: str) -> str:
    return hashlib.new("sm3", secret.encode()).hexdigest()


def may_manage_api_tokens(actor) -> bool:
    return area_allows(actor, "accounts", "add") or area_allows(actor, "accounts", "manage")


def ensure_may_manage_api_tokens(actor) -> None:
    if not may_manage_api_tokens(actor):
        raise PermissionDenied(_("只有系统管理员或安全管理员可以管理接口令牌。"))


def _managed_users(actor) -> QuerySet[User]:
    """The accounts whose tokens `actor` manages (None: the command line, every account)."""
    if actor is None:
        return User.objects.all()
    return (User.objects.restrict(actor, "view").exclude(pk=actor.pk)
            .exclude(roles__code__in=SEPARATED_ADMIN_ROLES))


def api_token_owners(actor) -> QuerySet[User]:
    """The accounts `actor` may issue a token for: active, in scope, no administrator's."""
    return _managed_users(actor).filter(is_active=True).order_by("unit__region__code", "unit_id", "username")


def api_tokens_visible(actor) -> QuerySet[ApiToken]:
    """The tokens `actor` sees on the token list and may revoke: those of the accounts they manage,
    disabled ones included."""
    tokens = ApiToken.objects.all() if actor is None else ApiToken.objects.restrict(actor, "view")
    return tokens.filter(owner__in=_managed_users(actor).values("pk"))


def _owner_refusal(owner: User, actor) -> None:
    if actor is None:
        return
    if owner.pk == actor.pk:
        raise PermissionDenied(_("不能为自己的账号签发接口令牌。"))
    if owner.role_codes & SEPARATED_ADMIN_ROLES:
        raise PermissionDenied(_("管理员账号的接口令牌不在应用中签发：令牌免动态口令，"
                                 "由另一位管理员签发即可冒用该账号。"))
    if not _managed_users(actor).filter(pk=owner.pk).exists():
        raise PermissionDenied(_("记录不存在或不在您的数据范围内。"))


@transaction.atomic
def api_token_issue(*, owner: User, purpose: str, actor, expires_on: datetime.date | None = None) -> IssuedApiToken:
    """A new token for `owner`, valid through `expires_on` (a Beijing date; default and latest
    from RECTIFY_API_TOKENS). The secret is returned once and only its digest kept."""
    if actor is not None:
        ensure_may_manage_api_tokens(actor)
    _owner_refusal(owner, actor)
    owner = User._base_manager.select_related("unit").get(pk=owner.pk)
    if not owner.is_active:
        raise ValidationError({"owner": _("账号“%(name)s”已停用，不能签发接口令牌。") % {"name": owner.username}})
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": _("请写明令牌的用途（对接的系统或程序）。")}, code="required")
    today = clock.today()
    default_days, max_days = api_token_days()
    expires_on = expires_on or today + datetime.timedelta(days=default_days)
    latest = today + datetime.timedelta(days=max_days)
    if expires_on < today:
        raise ValidationError({"expires_on": _("有效期不能早于今天（%(today)s）。") % {"today": today.isoformat()}})
    if expires_on > latest:
        raise ValidationError({"expires_on": _("有效期最长 %(days)s 天，即不晚于 %(date)s。")
                               % {"days": max_days, "date": latest.isoformat()}})
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(owner=owner, purpose=purpose, expires_on=expires_on, digest=api_token_digest(secret),
                     issued_by=actor)
    token.full_clean()
    token.save()
    # Neither the secret nor its digest goes into the event.
    record_event("api_token.issued", token, detail={
        "owner": owner.username, "unit": owner.unit.code if owner.unit else "", "purpose": purpose,
        "expires_on": expires_on.isoformat()})
    return IssuedApiToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, reason: str, actor) -> ApiToken:
    """Revoke `token` for good, with the reason; the API refuses it from the next request on."""
    if actor is not None:
        ensure_may_manage_api_tokens(actor)
    reason = clean_reason(reason, missing=_("请填写撤销原因。"))
    locked = api_tokens_visible(actor).select_for_update().filter(pk=token.pk).first()
    if locked is None:
        raise PermissionDenied(_("记录不存在或不在您的数据范围内。"))
    if locked.revoked_at is not None:
        raise ValidationError(_("该令牌已于 %(time)s 撤销。") % {"time": clock.format_moment(locked.revoked_at)},
                              code="revoked")
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.revoke_reason = reason
    locked.version += 1
    locked.save()
    record_event("api_token.revoked", locked, detail={
        "owner": locked.owner.username, "purpose": locked.purpose, "reason": reason,
        "last_used_at": clock.format_moment(locked.last_used_at) or None})
    return locked


def api_token_authenticate(secret: str) -> ApiToken:
    """The token of `secret`, with its owner, if the API accepts it now; else ApiTokenRefused
    saying why. Its last use is written here, at most once a minute, as a bare UPDATE: the
    bookkeeping of a credential, not a change anyone made, so not in the change log."""
    token = (ApiToken.objects.select_related("owner__unit__region", "owner__unit__department")
             .filter(digest=api_token_digest(secret)).first())
    if token is None:
        raise ApiTokenRefused(_("接口令牌无效。"))
    if token.revoked_at is not None:
        raise ApiTokenRefused(_("接口令牌已于 %(time)s 撤销，不能再使用。请联系管理员签发新的令牌。")
                              % {"time": clock.format_moment(token.revoked_at)})
    if token.expires_on < clock.today():
        raise ApiTokenRefused(_("接口令牌已于 %(date)s 到期，不能再使用。请联系管理员签发新的令牌。")
                              % {"date": token.expires_on.isoformat()})
    if not token.owner.is_active:
        raise ApiTokenRefused(_("接口令牌所属账号已停用。"))
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
        stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USE_RESOLUTION)
        ApiToken._base_manager.filter(stale, pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
