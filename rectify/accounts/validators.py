"""Password policy validators (等保 2.0 三级: 口令复杂度、定期更换、不得重复使用).

The numbers come from `settings.RECTIFY_PASSWORD_POLICY` so that a deployment can tighten them
without code changes; each validator also accepts OPTIONS for tests and special cases."""
from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rectify.accounts.models import PasswordHistory

DEFAULT_POLICY: dict[str, Any] = {
    "MIN_LENGTH": 8,
    "MIN_CLASSES": 3,  # of: lower case, upper case, digits, other characters
    "HISTORY": 5,  # the new password may not be any of the last N
    "MAX_AGE_DAYS": 90,  # change forced after this many days (0: never)
}

_CLASSES = (re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"[0-9]"), re.compile(r"[^a-zA-Z0-9]"))


def policy() -> dict[str, Any]:
    return {**DEFAULT_POLICY, **getattr(settings, "RECTIFY_PASSWORD_POLICY", {})}


class ComplexityValidator:
    """At least MIN_LENGTH characters drawn from MIN_CLASSES of the four character classes."""

    def __init__(self, min_length: int | None = None, min_classes: int | None = None) -> None:
        self._min_length = min_length
        self._min_classes = min_classes

    @property
    def min_length(self) -> int:
        return self._min_length or policy()["MIN_LENGTH"]

    @property
    def min_classes(self) -> int:
        return self._min_classes or policy()["MIN_CLASSES"]

    def validate(self, password: str, user=None) -> None:
        errors = []
        if len(password) < self.min_length:
            errors.append(ValidationError(_("密码至少 %(n)d 个字符。") % {"n": self.min_length},
                                          code="password_too_short"))
        classes = sum(1 for pattern in _CLASSES if pattern.search(password))
        if classes < self.min_classes:
            errors.append(ValidationError(
                _("密码须包含大写字母、小写字母、数字、特殊字符中的至少 %(n)d 类。") % {"n": self.min_classes},
                code="password_too_simple"))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _("至少 %(len)d 个字符，包含大写字母、小写字母、数字、特殊字符中的至少 %(n)d 类。") % {
            "len": self.min_length, "n": self.min_classes}


class UsernameNotContainedValidator:
    """The password may not contain the username (case-insensitive)."""

    def validate(self, password: str, user=None) -> None:
        username = (getattr(user, "username", "") or "").strip().lower()
        if username and username in password.lower():
            raise ValidationError(_("密码不能包含用户名。"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("密码不能包含用户名。")


class PasswordHistoryValidator:
    """The password may not be the current one nor one of the last HISTORY passwords.

    `password_changed` runs after every save of a new password (AbstractBaseUser.save) and keeps
    the history: only hashes are stored, pruned to HISTORY entries."""

    def __init__(self, history: int | None = None) -> None:
        self._history = history

    @property
    def history(self) -> int:
        return self._history if self._history is not None else policy()["HISTORY"]

    def _hashes(self, user) -> list[str]:
        if user is None or user.pk is None or self.history <= 0:
            return []
        hashes = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: self.history])
        if user.password and user.has_usable_password():
            hashes.append(user.password)
        return hashes

    def validate(self, password: str, user=None) -> None:
        if any(check_password(password, encoded) for encoded in self._hashes(user)):
            raise ValidationError(_("新密码不能与最近 %(n)d 次使用过的密码相同。") % {"n": self.history},
                                  code="password_reused")

    def password_changed(self, password: str, user=None) -> None:
        if user is None or user.pk is None or not user.has_usable_password() or self.history <= 0:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[: self.history]
        PasswordHistory.objects.filter(user=user).exclude(pk__in=list(keep)).delete()

    def get_help_text(self) -> str:
        return _("不能与最近 %(n)d 次使用过的密码相同。") % {"n": self.history}
