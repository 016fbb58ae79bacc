"""The one-time link by which a person sets their own password (account rollout, reset).

The token is Django's password-reset token under its own salt: an HMAC of the user's id, current
password hash, last login and e-mail, with the time it was made. Setting a password changes the
hash, so a link works once; issuing a new link gives the account a fresh unusable password, so only
the newest link works; `RECTIFY_ACCOUNT_LINK_HOURS` (default 72) ends it unused."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from rectify.accounts.models import User

DEFAULT_LINK_HOURS = 72


def link_hours() -> int:
    return int(getattr(settings, "RECTIFY_ACCOUNT_LINK_HOURS", DEFAULT_LINK_HOURS))


class AccountLinkTokenGenerator(PasswordResetTokenGenerator):
    # A token of Django's own reset flow is not accepted here, nor the other way round.
    key_salt = "rectify.accounts.tokens.AccountLinkTokenGenerator"

    def _now(self) -> datetime.datetime:
        # Django's generator reads the naive local clock; the project's clock is timezone.now().
        return timezone.now().astimezone(datetime.UTC).replace(tzinfo=None)

    def check_token(self, user, token: str | None) -> bool:
        # Django's check_token ends tokens by PASSWORD_RESET_TIMEOUT; these links have their own.
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
                   for secret in [self.secret, *self.secret_fallbacks]):
            return False
        age = self._num_seconds(self._now()) - ts
        return 0 <= age <= link_hours() * 3600


account_link_tokens = AccountLinkTokenGenerator()


def link_path(user) -> str:
    return reverse("accounts:account_setup", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": account_link_tokens.make_token(user)})


def link_user(uidb64: str):
    """The active account a link names, or None (a malformed or unknown id is simply no account)."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    if not 0 < pk < 2 ** 63:  # a bigint column: a larger id is no account, not a database error
        return None
    return User._default_manager.filter(pk=pk, is_active=True).first()
