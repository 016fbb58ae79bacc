"""GB 32100-2015 unified social credit code (统一社会信用代码)."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}


def uscc_check_char(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_error(code: str) -> str | None:
    """The reason a code is invalid, in Chinese, or None when it is valid."""
    if len(code) != 18:
        return _("统一社会信用代码应为18位，实际为%(n)d位") % {"n": len(code)}
    bad = [ch for ch in code if ch not in _VALUE]
    if bad:
        return _("统一社会信用代码含有非法字符“%(ch)s”（不得含 I、O、S、V、Z 及小写字母）") % {"ch": bad[0]}
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return _("统一社会信用代码校验位错误：应为“%(exp)s”，实际为“%(got)s”") % {"exp": expected, "got": code[17]}
    return None


def normalise_uscc(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def validate_uscc(value: str) -> None:
    error = uscc_error(normalise_uscc(value))
    if error:
        raise ValidationError(error, code="uscc")
