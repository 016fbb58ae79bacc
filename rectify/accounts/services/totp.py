"""The TOTP second factor: enrolment, checking a code (once only), and the security administrator's
reset. The secret is kept SM4-encrypted (core/security/crypto.py)."""
from __future__ import annotations

import hmac
import time

import pyotp
import segno
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core.access.scope import area_allows
from rectify.core.audit.events import record_event
from rectify.core.audit.models import Event
from rectify.core.security.crypto import PREFIX, decrypt, encrypt

from ..models import User
from .signin import end_user_sessions, login_failed, login_succeeded

TOTP_ISSUER = "专项整治监管平台"


def seal_secret(secret: str) -> str:
    """The secret as stored. SM4 at rest (keys outside the database): a copy of the database alone
    does not let anyone generate a user's codes."""
    return encrypt(secret)


def _open_secret(stored: str) -> str:
    return decrypt(stored) if stored.startswith(PREFIX) else stored


def totp_secret(user: User) -> str:
    return _open_secret(user.totp_secret) if user.totp_secret else ""


def totp_begin_enrolment(user: User) -> str:
    """A new secret for a user who has not confirmed one yet (a confirmed one is never replaced
    here: resetting a second factor is the security administrator's job, `totp_reset`)."""
    if user.has_totp:
        raise PermissionDenied(_("动态口令已绑定。"))
    if not user.totp_secret:
        user.totp_secret = seal_secret(pyotp.random_base32())
        user.save(update_fields=["totp_secret"])
    return totp_secret(user)


def totp_provisioning_uri(user: User) -> str:
    return pyotp.TOTP(totp_secret(user)).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


def totp_qr_data_uri(user: User) -> str:
    """The enrolment QR code as an SVG data URI made on the server (no CDN, no script; CSP allows
    img-src data:)."""
    return segno.make(totp_provisioning_uri(user), error="m").svg_data_uri(scale=5, border=2)


def _totp_step(user: User, code: str) -> int | None:
    """The time step `code` belongs to (±1 step for clock drift), if it is newer than the last
    accepted one; None otherwise."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6) or not user.totp_secret:
        return None
    totp = pyotp.TOTP(totp_secret(user))
    now = int(time.time() // totp.interval)
    for step in (now - 1, now, now + 1):
        if step > user.totp_last_step and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def totp_verify(user: User, code: str, *, enrolment: bool = False) -> bool:
    """Check a code; on success remember its step (no replay) and confirm a new enrolment.
    A wrong code counts towards the lockout like a wrong password. The code itself is never
    recorded."""
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
