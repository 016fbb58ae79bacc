"""Account services: creation, role assignment with the separation of the three administrators,
authentication (lockout, TOTP, passwords, sessions) and rollout (one-time links, initial passwords)."""
from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rectify.accounts.models import Role, User
from rectify.accounts.tokens import account_link_tokens, link_hours, link_path
from rectify.accounts.validators import policy
from rectify.core.access.roles import ROLE_NAMES, SEPARATED_ADMIN_ROLES
from rectify.core.access.scope import area_allows
from rectify.core.audit.events import record_event
from rectify.core.audit.models import Event
from rectify.core.generic import services
from rectify.core.generic.services import ConflictError
from rectify.core.security.crypto import PREFIX, decrypt, encrypt

logger = logging.getLogger(__name__)


def validate_role_combination(codes: set[str]) -> None:
    admin = codes & SEPARATED_ADMIN_ROLES
    if len(admin) > 1:
        names = "、".join(str(ROLE_NAMES[c]) for c in sorted(admin))
        raise ValidationError({"roles": _("系统管理员、安全管理员、审计管理员须由不同账号担任，不能同时授予：%(names)s") % {"names": names}})
    if admin and codes - admin:
        raise ValidationError({"roles": _("管理员账号不能同时担任业务角色。")})


def ensure_may_set_roles(*, user: User, actor) -> None:
    """三员分立: roles are granted by the security administrator alone, and nobody changes their
    own — else an administrator could make itself the auditor of its own work. `actor` None is
    the system itself (migrations, commands, the demo seed)."""
    if actor is None:
        return
    if user.pk is not None and actor.pk == user.pk:
        raise PermissionDenied(_("不能修改自己的角色。"))
    if not area_allows(actor, "accounts", "manage"):
        raise PermissionDenied(_("只有安全管理员可以分配角色。"))


@transaction.atomic
def user_set_roles(*, user: User, role_codes: set[str], actor) -> User:
    ensure_may_set_roles(user=user, actor=actor)
    validate_role_combination(set(role_codes))
    before = sorted(user.role_codes)
    user.roles.set(Role.objects.filter(code__in=role_codes))
    user._role_codes = None
    record_event("user.roles", user, detail={"before": before, "after": sorted(role_codes)})
    return user


def _split_roles(data: dict) -> tuple[dict, set[str] | None]:
    data = dict(data)
    roles = data.pop("roles", None)
    return data, ({r.code for r in roles} if roles is not None else None)


@transaction.atomic
def user_create(*, model=User, data: dict, actor, via: str = "single") -> User:
    data, roles = _split_roles(data)
    if not area_allows(actor, "accounts", "add"):
        raise PermissionDenied(_("只有系统管理员可以新建账号。"))
    user = User(**data)
    # No password yet: the person sets one through a one-time link, or changes the initial one the
    # administrator hands over at first login (account_issue_link / account_issue_initial_password).
    user.set_unusable_password()
    user.must_change_password = True
    user.full_clean(exclude=["password"])
    user.save()
    services.ensure_in_scope(user, actor)
    record_event("account.created", user, detail={"via": via, "unit": user.unit.code if user.unit else ""})
    if roles:
        user_set_roles(user=user, role_codes=roles, actor=actor)
    return user


@transaction.atomic
def user_update(*, obj: User, data: dict, actor, expected_version=None) -> User:
    data, roles = _split_roles(data)
    if not area_allows(actor, "accounts", "change"):
        raise PermissionDenied(_("您没有修改账号的权限。"))
    obj = User.objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and obj.version != expected_version:
        raise ConflictError(_("该账号已被他人修改（当前版本 %(now)s，您编辑的是版本 %(mine)s）。请刷新后重新修改。")
                            % {"now": obj.version, "mine": expected_version}, code="conflict")
    obj.version += 1
    for name, value in data.items():
        setattr(obj, name, value)
    obj.full_clean(exclude=["password"])
    obj.save()
    if roles is not None and roles != obj.role_codes:
        user_set_roles(user=obj, role_codes=roles, actor=actor)
    return obj


# ------------------------------------------------------------------------------------------------
# Authentication: lockout, second factor, passwords, sessions (docs/security.md, items 1–4).
# Settings are read on each call so that override_settings works in tests.

def _lockout() -> dict:
    from django.conf import settings

    return {"MAX_FAILURES": 5, "LOCK_MINUTES": 30, **getattr(settings, "RECTIFY_LOCKOUT", {})}


def login_failed(user: User, *, reason: str = "password") -> User:
    """Count a failed password or TOTP attempt; the MAX_FAILURES-th in a row locks the account."""
    from django.utils import timezone

    policy = _lockout()
    with transaction.atomic():
        # Row lock: two concurrent wrong guesses must both be counted (no-op on SQLite, which
        # serialises writers anyway).
        locked = User._base_manager.select_for_update().get(pk=user.pk)
        locked.failed_logins += 1
        fields = ["failed_logins"]
        if locked.failed_logins >= policy["MAX_FAILURES"]:
            locked.locked_until = timezone.now() + timezone.timedelta(minutes=policy["LOCK_MINUTES"])
            locked.failed_logins = 0  # the next window starts afresh after the lock ends
            fields.append("locked_until")
            record_event("account.locked", locked, user=locked, outcome=Event.FAILURE,
                         detail={"reason": reason, "failures": policy["MAX_FAILURES"],
                                 "locked_until": locked.locked_until.isoformat()})
        locked.save(update_fields=fields)
    user.failed_logins, user.locked_until = locked.failed_logins, locked.locked_until
    return user


def login_succeeded(user: User) -> None:
    if user.failed_logins or user.locked_until:
        user.failed_logins, user.locked_until = 0, None
        user.save(update_fields=["failed_logins", "locked_until"])


def login_refused_locked(user: User) -> None:
    record_event("login.locked", user, user=user, outcome=Event.FAILURE,
                 detail={"locked_until": user.locked_until.isoformat() if user.locked_until else None})


@transaction.atomic
def user_unlock(*, user: User, actor) -> User:
    """The security administrator lifts a lock before it expires."""
    if not area_allows(actor, "accounts", "manage"):
        raise PermissionDenied(_("只有安全管理员可以解锁账号。"))
    user.failed_logins, user.locked_until = 0, None
    user.save(update_fields=["failed_logins", "locked_until"])
    record_event("account.unlocked", user)
    return user


# --- TOTP -----------------------------------------------------------------------------------------
TOTP_ISSUER = "专项整治监管平台"


def _seal_secret(secret: str) -> str:
    # SM4 at rest (keys outside the database, core/security/crypto.py): a copy of the database alone does
    # not let anyone generate a user's codes.

    return encrypt(secret)


def _open_secret(stored: str) -> str:
    return decrypt(stored) if stored.startswith(PREFIX) else stored


def totp_secret(user: User) -> str:
    return _open_secret(user.totp_secret) if user.totp_secret else ""


def totp_begin_enrolment(user: User) -> str:
    """A new secret for a user who has not confirmed one yet (a confirmed one is never replaced
    here: resetting a second factor is the security administrator's job, `totp_reset`)."""
    import pyotp

    if user.has_totp:
        raise PermissionDenied(_("动态口令已绑定。"))
    if not user.totp_secret:
        user.totp_secret = _seal_secret(pyotp.random_base32())
        user.save(update_fields=["totp_secret"])
    return totp_secret(user)


def totp_provisioning_uri(user: User) -> str:
    import pyotp

    return pyotp.TOTP(totp_secret(user)).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


def totp_qr_data_uri(user: User) -> str:
    """The enrolment QR code as an SVG data URI made on the server (no CDN, no script; CSP allows
    img-src data:)."""
    import segno

    return segno.make(totp_provisioning_uri(user), error="m").svg_data_uri(scale=5, border=2)


def _totp_step(user: User, code: str) -> int | None:
    """The time step `code` belongs to (±1 step for clock drift), if it is newer than the last
    accepted one; None otherwise."""
    import hmac as _hmac
    import time

    import pyotp

    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6) or not user.totp_secret:
        return None
    totp = pyotp.TOTP(totp_secret(user))
    now = int(time.time() // totp.interval)
    for step in (now - 1, now, now + 1):
        if step > user.totp_last_step and _hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def totp_verify(user: User, code: str, *, enrolment: bool = False) -> bool:
    """Check a code; on success remember its step (no replay) and confirm a new enrolment.
    A wrong code counts towards the lockout like a wrong password. The code itself is never
    recorded."""
    from django.utils import timezone

    step = _totp_step(user, code)
    if step is None:
        record_event("login.2fa", user, user=user, outcome=Event.FAILURE, detail={"enrolment": enrolment})
        login_failed(user, reason="totp")
        return False
    user.totp_last_step = step
    fields = ["totp_last_step"]
    if enrolment and not user.totp_confirmed_at:
        user.totp_confirmed_at = timezone.now()
        fields.append("totp_confirmed_at")
        record_event("totp.enrolled", user, user=user)
    user.save(update_fields=fields)
    login_succeeded(user)
    record_event("login.2fa", user, user=user, detail={"enrolment": enrolment})
    return True


@transaction.atomic
def totp_reset(*, user: User, actor) -> User:
    """The security administrator clears a lost second factor; the user enrols again at next login."""
    if not area_allows(actor, "accounts", "manage"):
        raise PermissionDenied(_("只有安全管理员可以重置动态口令。"))
    user.totp_secret, user.totp_confirmed_at, user.totp_last_step = "", None, 0
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
    end_user_sessions(user)
    record_event("totp.reset", user)
    return user


# --- passwords ------------------------------------------------------------------------------------
def password_expired(user: User) -> bool:
    """True when the user must change the password now: first login, reset, or older than the
    policy's MAX_AGE_DAYS (measured from date_joined when the change time is unknown)."""
    from django.utils import timezone

    if user.must_change_password:
        return True
    days = policy()["MAX_AGE_DAYS"]
    if not days:
        return False
    since = user.password_changed_at or user.date_joined
    return since is not None and since < timezone.now() - timezone.timedelta(days=days)


@transaction.atomic
def password_change(*, user: User, new_password: str) -> User:
    """Set a new (already validated) password; the history is kept by PasswordHistoryValidator."""
    user.set_password(new_password)
    user.must_change_password = False
    user.save()
    record_event("password.changed", user, user=user)
    return user


# --- sessions -------------------------------------------------------------------------------------
def end_user_sessions(user: User, *, keep: str | None = None) -> int:
    """Delete every stored session of `user` (but `keep`). Sessions are signed blobs keyed by an
    opaque id, so the user's are found by decoding the live ones: fine at the scale of an internal
    platform (thousands of sessions), and it works for the db and cached_db engines."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    engine = import_module(settings.SESSION_ENGINE)
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep:
            continue
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            engine.SessionStore(session_key=session.session_key).delete()
            ended += 1
    return ended


def inactive_cutoff(days: int | None = None):
    from django.conf import settings
    from django.utils import timezone

    days = days if days is not None else getattr(settings, "RECTIFY_INACTIVE_DAYS", 90)
    return timezone.now() - timezone.timedelta(days=days)


def disable_inactive_users(days: int | None = None) -> list[str]:
    """Disable accounts not used for `days` (default RECTIFY_INACTIVE_DAYS = 90); never-used
    accounts count from their creation. Each one is audited; their sessions end."""
    from django.db.models import Q

    cutoff = inactive_cutoff(days)
    stale = User._base_manager.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
    disabled = []
    for user in stale:
        with transaction.atomic():
            user.is_active = False
            user.save(update_fields=["is_active"])  # post_save ends the sessions (signals.py)
            record_event("user.disabled_inactive", user, detail={"last_login": user.last_login.isoformat()
                                                                 if user.last_login else None})
        disabled.append(user.username)
    return disabled


# --- rollout: the first password, and resets --------------------------------------------------------
@dataclass(frozen=True)
class IssuedLink:
    user: User
    url: str  # absolute when the caller gave a base URL
    expires_at: datetime.datetime
    emailed: bool


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
    from django.conf import settings
    from django.core.mail import send_mail
    from django.utils import timezone

    subject = _("%(site)s：请设置您的登录密码") % {"site": TOTP_ISSUER}
    body = _("%(name)s，您好：\n\n管理员已为您开通或重置%(site)s账号“%(username)s”。请在 %(expires)s 前打开下面的链接"
             "设置登录密码（链接只能使用一次）：\n\n%(url)s\n\n设置后请用新密码登录，并按提示用手机身份验证器绑定动态口令。"
             "如非本人申请，请联系本单位管理员。") % {
        "name": user.full_name or user.username, "site": TOTP_ISSUER, "username": user.username,
        "expires": timezone.localtime(expires_at).strftime("%Y-%m-%d %H:%M"), "url": url}
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
    from django.utils import timezone

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
    record_event("account.link_issued", user, detail={"expires_at": expires_at.isoformat(), "emailed": emailed,
                                                      "reset": reset})
    if emailed:
        transaction.on_commit(lambda: _send_link_mail(user, url, expires_at))
    return IssuedLink(user=user, url=url, expires_at=expires_at, emailed=emailed)


INITIAL_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"  # no 0/O, 1/l/I


def initial_password(user: User) -> str:
    """Three groups of four random characters joined by "-": all four character classes, about 70
    bits, easy to read out; checked against the password policy like any other."""
    import secrets

    from django.contrib.auth.password_validation import validate_password

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
    from django.contrib.auth.password_validation import validate_password

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
