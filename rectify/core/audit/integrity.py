"""Integrity of issued documents (GB/T 39786-2021 数据完整性): an HMAC-SM3 over a
canonical JSON of the fields that make up the document's content.

A model adopts it with an `integrity_code` field and `integrity_fields()` (a dict of the values
that must not change once issued); the service that submits / issues it stores
`compute(obj.integrity_fields())` there, and `SealGuard` refuses any later save that changes what
the code covers. `rectify verify_integrity` walks every such model and reports rows whose code
no longer matches — a change made behind the application's back (raw SQL, a restored tampered
backup). The key lives outside the database: env `RECTIFY_INTEGRITY_KEY`, else
`<DATA_DIR>/integrity_key`, generated once with mode 0600.

The change log and the audit events are sealed with the same key and canonical values, row by
row, as hash chains (chain.py); `verify_integrity` walks them too."""
from __future__ import annotations

import datetime
import decimal
import hmac
import json
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.security.keys import key_text

ALGORITHM = "sm3"  # OpenSSL 3 provides SM3 through hashlib; the test checks a known vector
FIELD_NAME = "integrity_code"


def integrity_key() -> bytes:
    return key_text("RECTIFY_INTEGRITY_KEY", "integrity_key").encode()


def json_default(value: Any) -> Any:
    """The canonical JSON value of what JSON has no type for (the seals of documents and logs)."""
    if isinstance(value, datetime.datetime):
        # Instants compare equal whatever zone they were read in.
        return value.astimezone(datetime.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"not canonicalisable: {type(value).__name__}")


def canonical(fields: dict[str, Any]) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the same content always gives the same bytes."""
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=json_default).encode("utf-8")


def compute(fields: dict[str, Any], key: bytes | None = None) -> str:
    return hmac.new(key or integrity_key(), canonical(fields), ALGORITHM).hexdigest()


def matches(fields: dict[str, Any], code: str, key: bytes | None = None) -> bool:
    # Compared as bytes: compare_digest refuses a str with non-ASCII characters (TypeError), and a
    # stored code tampered with such characters must read as not matching, not stop the check.
    return bool(code) and hmac.compare_digest(compute(fields, key).encode(), str(code).encode("utf-8"))


class SealGuard:
    """Mixin for a model with `integrity_fields()` and an `integrity_code`: once a row is stored
    sealed, no save may change what the seal covers, whichever path calls save() (pages, API,
    workflow steps, imports). A correction is a new document, never an edit of the sealed one.
    Bulk `update()` bypasses save(); `verify_integrity` finds such a change."""

    sealed_message = _("该内容已签章，不能修改。")

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_seal = instance.__dict__.get(FIELD_NAME, "")
        return instance

    def reseal(self) -> str:
        """Seal the present content as the document's new issue. Only a documented correction step
        calls this (e.g. enforcement's case_decision_correct), after keeping the old sealed content
        in a sealed record of its own; the next save() then stores the corrected content."""
        self.integrity_code = compute(self.integrity_fields())
        self._stored_seal = self.integrity_code
        return self.integrity_code

    def save(self, *args: Any, **kwargs: Any) -> None:
        stored = getattr(self, "_stored_seal", "")
        if stored and not self._state.adding and not matches(self.integrity_fields(), stored):
            raise ValidationError(str(self.sealed_message), code="sealed")
        super().save(*args, **kwargs)
        self._stored_seal = self.__dict__.get(FIELD_NAME, "")


def protected_models() -> list[type[models.Model]]:
    """Every installed model with an `integrity_fields()` method and an `integrity_code` field."""
    found = []
    for model in apps.get_models():
        if not callable(getattr(model, "integrity_fields", None)):
            continue
        if any(f.name == FIELD_NAME for f in model._meta.concrete_fields):
            found.append(model)
    return found


def tampered(objects: Iterable[models.Model]) -> Iterator[models.Model]:
    """The objects whose stored code is set and does not match their content. Rows never sealed
    (drafts) have an empty code and are not reported."""
    key = integrity_key()
    for obj in objects:
        code = getattr(obj, FIELD_NAME, "")
        if code and not matches(obj.integrity_fields(), code, key):
            yield obj
