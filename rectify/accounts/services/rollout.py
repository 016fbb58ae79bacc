"""Account roll-out: who may hand an account its first password (or a reset one), the one-time link
by which the person sets it, and the initial password handed over in person."""
from __future__ import annotations

import datetime
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core import clock
from rectify.core.access.scope import area_allows
from rectify.core.audit.events import record_event

from ..models import User
from ..tokens import account_link_tokens, link_hours, link_path
from .totp import TOTP_ISSUER

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IssuedLink:
    user: User
    url: str  # absolute when the caller gave a base URL
    expires_at: datetime.datetime
    emailed: bool


def ensure_may_roll_out(actor) -> None:
    """The roll-out pages (the imports, issuing links and initial passwords) are the system
    administrator's, who creates accounts, and the security administrator's, who grants roles and
    resets credentials."""
    if not (area_allows(actor, "accounts", "add") or area_allows(actor, "accounts", "manage")):
        raise PermissionDenied(_("只有系统管理员或安全管理员可以办理账号开通。"))


def ensure_may_issue_credentials(*, user: User, actor) -> None:
    """Who may give an account a password (a one-time link or an initial password). An account
    never used is being rolled out: the system administrator who keeps accounts, or the security
    administrator. One already used is a reset, the security administrator's alone, like unlocking
    it — else the system administrator could take over the accounts of the other two. Nobody does
    it for their own account: that goes through the password page, which asks the current one."""
    if actor is None:
        return
    if actor.pk == user.pk:
        raise PermissionDenied(_("不能为自己的账号签发链接或初始密码，请在“修改密码”中修改。"))
    if user.last_login is None and not user.has_totp:
        if not (area_allows(actor, "accounts", "add") or area_allows(actor, "accounts", "manage")):
            raise PermissionDenied(_("只有系统管理员或安全管理员可以为账号签发链接或初始密码。"))
    elif not area_allows(actor, "accounts", "manage"):
        raise PermissionDenied(_("该账号已使用过，重置密码须由安全管理员办理。"))
    if not user.is_active:
        raise ValidationError(_("账号“%(name)s”已停用，不能签发链接或初始密码。") % {"name": user.username})


def _send_link_mail(user: User, url: str, expires_at: datetime.datetime) -> None:
    subject = _("%(site)s：请设置您的登录密码") % {"site": TOTP_ISSUER}
    body = _("%(name)s，您好：\n\n管理员已为您开通或重置%(site)s账号“%(username)s”。请在 %(expires)s 前打开下面的链接"
             "设置登录密码（链接只能使用一次）：\n\n%(url)s\n\n设置后请用新密码登录，并按提示用手机身份验证器绑定动态口令。"
             "如非本人申请，请联系本单位管理员。") % {
        "name": user.full_name or user.username, "site": TOTP_ISSUER, "username": user.username,
        "expires": clock.format_moment(expires_at), "url": url}
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except (OSError, ValueError):
        # The link was shown to the administrator as well; a mail server that is down must not
        # turn the issue into an error page.
        logger.warning("account link mail to user %s failed", user.pk, exc_info=True)


@transaction.atomic
def account_issue_link(*, user: User, actor, base_url: str = "") -> IssuedLink:
    """A one-time link by which the person sets their own password; e-mailed when the account has
    an address, and returned for the administrator to see once. Any earlier link or password of
    the account stops working (only the newest credential counts)."""
    user = User._base_manager.select_for_update().get(pk=user.pk)
    ensure_may_issue_credentials(user=user, actor=actor)
    reset = user.last_login is not None
    user.set_unusable_password()
    user.save(update_fields=["password"])
    path = link_path(user)
    url = base_url.rstrip("/") + path if base_url else path
    expires_at = timezone.now() + datetime.timedelta(hours=link_hours())
    emailed = bool(user.email)
    # Neither the token nor the link goes into the audit record: it would be a credential in the log.
    record_event("account.link_issued", user, detail={"expires_at": clock.format_moment(expires_at), "emailed": emailed,
                                                      "reset": reset})
    if emailed:
        transaction.on_commit(lambda: _send_link_mail(user, url, expires_at))
    return IssuedLink(user=user, url=url, expires_at=expires_at, emailed=emailed)


INITIAL_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"  # no 0/O, 1/l/I


def initial_password(user: User) -> str:
    """Three groups of four random characters joined by "-": all four character classes, about 70
    bits, easy to read out; checked against the password policy like any other."""
    while True:
        chars = "".join(secrets.choice(INITIAL_PASSWORD_ALPHABET) for _i in range(12))
        candidate = "-".join(chars[i:i + 4] for i in range(0, 12, 4))
        if not all(any(test(c) for c in chars) for test in (str.isupper, str.islower, str.isdigit)):
            continue
        try:
            validate_password(candidate, user)
        except ValidationError:
            continue
        return candidate


@transaction.atomic
def account_issue_initial_password(*, user: User, actor) -> str:
    """A random initial password for the administrator to hand over in person, shown once and
    never mailed; the person must change it at first login (must_change_password). Any earlier
    link or password of the account stops working."""
    user = User._base_manager.select_for_update().get(pk=user.pk)
    ensure_may_issue_credentials(user=user, actor=actor)
    reset = user.last_login is not None
    password = initial_password(user)
    user.set_password(password)
    user.must_change_password = True
    user.save()
    record_event("account.initial_password", user, detail={"reset": reset})
    return password


@transaction.atomic
def account_password_set(*, user: User, token: str, password: str) -> User:
    """The person sets their password through the link. The token is checked again on the locked
    row, so two submissions of one link cannot both succeed."""
    locked = User._base_manager.select_for_update().get(pk=user.pk)
    if not locked.is_active or not account_link_tokens.check_token(locked, token):
        raise ValidationError(link_invalid_message(), code="link_invalid")
    validate_password(password, locked)
    locked.set_password(password)
    locked.must_change_password = False  # chosen by the person just now, under the policy
    locked.save()
    record_event("account.password_set", locked, user=locked, detail={"via": "link"})
    return locked


def link_invalid_message() -> str:
    return _("链接已失效：它已被使用、已过期，或已被新签发的链接取代。请联系管理员重新签发。")
