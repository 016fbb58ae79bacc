"""Signing in: the lockout after failed attempts, the password's age, and ending a user's sessions
(docs/security.md, items 1–4). Settings are read on each call so that override_settings works in tests."""
from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core import clock
from rectify.core.access.scope import area_allows
from rectify.core.audit.events import record_event
from rectify.core.audit.models import Event

from ..models import User
from ..validators import policy


def _lockout() -> dict:
    return {"MAX_FAILURES": 5, "LOCK_MINUTES": 30, **getattr(settings, "RECTIFY_LOCKOUT", {})}


def login_failed(user: User, *, reason: str = "password") -> User:
    """Count a failed password or TOTP attempt; the MAX_FAILURES-th in a row locks the account."""
    lockout = _lockout()
    with transaction.atomic():
        # Row lock: two concurrent wrong guesses must both be counted (no-op on SQLite, which
        # serialises writers anyway).
        locked = User._base_manager.select_for_update().get(pk=user.pk)
        locked.failed_logins += 1
        fields = ["failed_logins"]
        if locked.failed_logins >= lockout["MAX_FAILURES"]:
            locked.locked_until = timezone.now() + timezone.timedelta(minutes=lockout["LOCK_MINUTES"])
            locked.failed_logins = 0  # the next window starts afresh after the lock ends
            fields.append("locked_until")
            record_event("account.locked", locked, user=locked, outcome=Event.FAILURE,
                         detail={"reason": reason, "failures": lockout["MAX_FAILURES"],
                                 "locked_until": clock.format_moment(locked.locked_until)})
        locked.save(update_fields=fields)
    user.failed_logins, user.locked_until = locked.failed_logins, locked.locked_until
    return user


def login_succeeded(user: User) -> None:
    if user.failed_logins or user.locked_until:
        user.failed_logins, user.locked_until = 0, None
        user.save(update_fields=["failed_logins", "locked_until"])


def login_refused_locked(user: User) -> None:
    record_event("login.locked", user, user=user, outcome=Event.FAILURE,
                 detail={"locked_until": clock.format_moment(user.locked_until) or None})


@transaction.atomic
def user_unlock(*, user: User, actor) -> User:
    """The security administrator lifts a lock before it expires."""
    if not area_allows(actor, "accounts", "manage"):
        raise PermissionDenied(_("只有安全管理员可以解锁账号。"))
    user.failed_logins, user.locked_until = 0, None
    user.save(update_fields=["failed_logins", "locked_until"])
    record_event("account.unlocked", user)
    return user


# --- passwords ------------------------------------------------------------------------------------
def password_expired(user: User) -> bool:
    """True when the user must change the password now: first login, reset, or older than the
    policy's MAX_AGE_DAYS (measured from date_joined when the change time is unknown)."""
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
    engine = import_module(settings.SESSION_ENGINE)
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep:
            continue
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            engine.SessionStore(session_key=session.session_key).delete()
            ended += 1
    return ended
