"""Integrity of issued documents (issue 7, item 9; GB/T 39786-2021 数据完整性): an HMAC-SM3 over a
canonical JSON of the fields that make up the document's content.

A model adopts it by inheriting `IntegrityProtected` and defining `integrity_fields()` (a dict of
the values that must not change once issued), then calling `obj.seal()` before saving when it is
submitted / issued. `rectify verify_integrity` walks every such model and reports rows whose code
no longer matches — a change made behind the application's back (raw SQL, a restored tampered
backup). The key lives outside the database: env `RECTIFY_INTEGRITY_KEY`, else
`<DATA_DIR>/integrity_key`, generated once with mode 0600."""
from __future__ import annotations

import datetime
import decimal
import hmac
import json
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.keys import key_text

ALGORITHM = "sm3"  # OpenSSL 3 provides SM3 through hashlib; the test checks a known vector
FIELD_NAME = "integrity_code"


def integrity_key() -> bytes:
    return key_text("RECTIFY_INTEGRITY_KEY", "integrity_key").encode()


def _json_default(value: Any) -> Any:
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
                      default=_json_default).encode("utf-8")


def compute(fields: dict[str, Any], key: bytes | None = None) -> str:
    return hmac.new(key or integrity_key(), canonical(fields), ALGORITHM).hexdigest()


def matches(fields: dict[str, Any], code: str, key: bytes | None = None) -> bool:
    return bool(code) and hmac.compare_digest(compute(fields, key), code)


class IntegrityProtected(models.Model):
    """Abstract mixin: `integrity_code` + `seal()` + `verify()`. Subclasses define
    `integrity_fields()`."""

    integrity_code = models.CharField(_("完整性校验码"), max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    def integrity_fields(self) -> dict[str, Any]:
        raise NotImplementedError

    def seal(self) -> str:
        self.integrity_code = compute(self.integrity_fields())
        return self.integrity_code

    def verify(self) -> bool:
        return matches(self.integrity_fields(), self.integrity_code)


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

    def save(self, *args: Any, **kwargs: Any) -> None:
        stored = getattr(self, "_stored_seal", "")
        if stored and not self._state.adding and not matches(self.integrity_fields(), stored):
            from django.core.exceptions import ValidationError

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


def verify_all() -> dict[str, list[str]]:
    """model label -> primary keys of tampered rows, for every protected model (empty lists too)."""
    report: dict[str, list[str]] = {}
    for model in protected_models():
        qs = model._base_manager.exclude(**{FIELD_NAME: ""}).order_by("pk")
        report[model._meta.label] = [str(o.pk) for o in tampered(qs.iterator(chunk_size=1000))]
    return report
