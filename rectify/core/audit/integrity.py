"""Integrity of issued documents (GB/T 39786-2021 数据完整性): an HMAC-SM3 over a
canonical JSON of the fields that make up the document's content.

A model adopts it with an `integrity_code` field and `integrity_fields()` (a dict of the values
that must not change once issued); the service that submits / issues it stores
`compute(obj.integrity_fields())` there, and `SealGuard` refuses any later save that changes what
the code covers. `rectify verify_integrity` walks every such model and reports rows whose code
no longer matches — a change made behind the application's back (raw SQL, a restored tampered
backup). The key lives outside the database: env `RECTIFY_INTEGRITY_KEY`, else
`<DATA_DIR>/integrity_key`, generated once with mode 0600.

The change log and the audit events are sealed the same way, row by row, as hash chains (see
"Hash chains" below); `verify_integrity` walks them too."""
from __future__ import annotations

import datetime
import decimal
import hmac
import json
import math
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connections, models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rectify.core.security.keys import key_text

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




# -- Hash chains of the append-only logs -----------------------------------------------------------
#
# The change log and the audit events are chained, each table on its own: a row's `seal` is the
# HMAC-SM3 of the previous row's seal (kept in the row as `prev_seal`) and of the row's content, in
# id order. Without the key nobody can write a seal, so a row edited or deleted behind the
# application's back — raw SQL with the append-only triggers disabled, a tampered restore — breaks
# the chain where it happened: an edited row no longer matches its seal, and the row after a
# deleted one names a predecessor that is not there. The seal covers `prev_seal`, so rewriting the
# link does not hide the deletion. Removing the newest rows leaves a shorter, intact chain; that
# needs a copy of the latest seal kept elsewhere (the backups) to be noticed.

# Taken, transaction-level, before the last seal of a chained table is read and held until the
# rows chained onto it are committed: a second transaction reading the same last seal would fork
# the chain. One lock for both tables: a transaction often writes to both, in either order, and
# two locks taken in opposite orders by two transactions would deadlock.
CHAIN_LOCK = 8242559726490775399  # b"rctfylog" as a big-endian integer; any constant would do

SEAL_FIELD, PREV_FIELD = "seal", "prev_seal"
LOG_TABLES = ("core_event", "core_objectchange")


# Encoders built once: json.dumps() with options builds a new encoder per call, and a bulk write
# seals every one of its rows.
_SORTED = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_SCALARS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _dumps_sorted(value: Any) -> str:
    return _SORTED.encode(value)


def _as_stored_numbers(value: Any) -> Any:
    """The numbers as PostgreSQL's jsonb gives them back: it keeps the decimal digits Python wrote
    and has no negative zero, so a float from 1e16 on (which Python writes with an exponent)
    returns as an integer and -0.0 as 0.0."""
    if isinstance(value, float):
        if value == 0.0:
            return 0.0
        if math.isfinite(value) and abs(value) >= 1e16:
            return int(decimal.Decimal(repr(value)))
        return value
    if isinstance(value, dict):
        return {k: _as_stored_numbers(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_as_stored_numbers(v) for v in value]
    return value


def json_text(value: Any) -> str | None:
    """The canonical text of a JSON column's value (None for SQL NULL): what its seal covers, and
    what the bulk paths store. It is the same for the value as written and as read back on either
    database; dictionary keys must already be strings, as they come back from JSON (chain_ready())."""
    if value is None:
        return None
    text = _dumps_sorted(value)
    # Python writes a float from 1e16 on with an exponent, and -0.0 as such: only then can jsonb
    # give back other digits, and only then is the value walked.
    if "e+" in text or "-0.0" in text:
        text = _dumps_sorted(_as_stored_numbers(value))
    return text


def chain_ready(value: Any) -> Any:
    """A JSON value as it comes back from the database: string keys, lists for tuples."""
    return None if value is None else json.loads(json.dumps(value))


def _scalars_text(values: list[Any]) -> str:
    return _SCALARS.encode(values)


def shared_head(values: Sequence[Any]) -> str:
    """For a batch whose rows share their first plain columns (time, user, action... of one bulk
    write): those columns' part of chain_body()'s array, written once for the whole batch."""
    if not values:
        raise ValueError("shared_head() needs at least one value")
    return _scalars_text(list(values))[:-1]


def chain_body(scalars: Sequence[Any], json_texts: Sequence[str | None], head: str = "") -> bytes:
    """A row's content as sealed: its plain columns as one canonical JSON array, then the canonical
    text of each JSON column, one per line (JSON text never holds a raw newline, so the parts
    cannot run into each other). With `head` (shared_head()), `scalars` are the columns after it."""
    text = _scalars_text(list(scalars))
    if head:
        text = head + ("," + text[1:] if len(text) > 2 else "]")
    return "\n".join([text, *("null" if t is None else t for t in json_texts)]).encode("utf-8")


class Sealer:
    """HMAC-SM3 of `prev_seal` and a row's body. The keyed start is computed once and copied per
    row, which saves re-keying for every row of a bulk write."""

    def __init__(self, key: bytes | None = None) -> None:
        self._keyed = hmac.new(key or integrity_key(), digestmod=ALGORITHM)

    def __call__(self, prev: str, body: bytes) -> str:
        mac = self._keyed.copy()
        mac.update(prev.encode("utf-8") + b"\n" + body)  # what verification reads back may be anything
        return mac.hexdigest()


def chained_models() -> list[type[models.Model]]:
    """Every installed model kept as a hash chain: it declares `chain_scalars` and `chain_json`."""
    return [m for m in apps.get_models() if getattr(m, "chain_scalars", None)]


def row_body(obj: models.Model) -> bytes:
    return chain_body([getattr(obj, f) for f in obj.chain_scalars],
                      [json_text(getattr(obj, f)) for f in obj.chain_json])


def ensure_sqlite_triggers(using: str = "default") -> None:
    """The append-only triggers on SQLite (core/migrations/0007), made again where missing: SQLite
    drops a table's triggers with the table, and Django's SQLite schema editor rebuilds a table for
    most field changes, so a later migration of a log would silently leave it without them. Runs
    after every migrate (changelog.py)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    present = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in LOG_TABLES:
            if table not in present:
                continue
            for kind in ("UPDATE", "DELETE"):
                cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {table}_append_only_{kind.lower()} "
                               f"BEFORE {kind} ON {table} "
                               f"BEGIN SELECT RAISE(ABORT, 'rectify: {table} is append-only'); END;")


def chain_head(model: type[models.Model], using: str) -> str:
    """The last seal of `model`'s chain, read under CHAIN_LOCK on PostgreSQL (held until the caller's
    transaction ends). SQLite runs one writing transaction at a time, and a transaction that read
    before another's commit cannot write afterwards, so it needs no lock."""
    connection = connections[using]
    if not connection.in_atomic_block:
        # Outside a transaction the lock would end with this statement, before the rows are in.
        raise RuntimeError("chain_head() must run inside the transaction that appends the rows")
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        cursor.execute(f"SELECT {SEAL_FIELD} FROM {table} ORDER BY id DESC LIMIT 1")  # noqa: S608 (model table)
        row = cursor.fetchone()
    return row[0] if row else ""


def seal_chain(model: type[models.Model], bodies: Iterable[bytes], using: str) -> list[tuple[str, str]]:
    """(prev_seal, seal) for each row about to be appended to `model`'s table, in the order the rows
    will get their ids: one lock and one read for the whole batch. Call it inside the transaction
    that inserts the rows, right before inserting them."""
    prev = chain_head(model, using)
    sealer = Sealer()
    out = []
    for body in bodies:
        seal = sealer(prev, body)
        out.append((prev, seal))
        prev = seal
    return out


@dataclass
class ChainReport:
    """The rows of one chain that do not verify, in id order, each with the reason."""

    broken: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows: int = 0


def verify_chain(model: type[models.Model], using: str = "default", key: bytes | None = None) -> ChainReport:
    """Walk `model`'s chain in id order. A row fails when its seal does not match its content and
    link (changed, or not written by the application), or when its link does not name the seal of
    the row before it (a row in between was removed). The first row may link to rows no longer
    there: the oldest rows are archived and removed by the DBA (docs/security.md); that is a note."""
    sealer = Sealer(key)
    scalars, jsons = tuple(model.chain_scalars), tuple(model.chain_json)
    n = len(scalars)
    rows = (model._base_manager.using(using).order_by("pk")
            .values_list("pk", PREV_FIELD, SEAL_FIELD, *scalars, *jsons).iterator(chunk_size=2000))
    report = ChainReport()
    expected: str | None = None
    for row in rows:
        pk, prev, seal = str(row[0]), row[1], row[2]
        body = chain_body(row[3:3 + n], [json_text(v) for v in row[3 + n:]])
        if not seal:
            report.broken.append((pk, gettext("没有校验码，不是由应用写入的记录")))
        elif not hmac.compare_digest(sealer(prev, body).encode(), seal.encode("utf-8")):
            report.broken.append((pk, gettext("内容与校验码不符，记录在应用之外被改动")))
        elif expected is not None and prev != expected:
            report.broken.append((pk, gettext("与前一条记录的链接断开，前一条记录被删除或替换")))
        elif expected is None and prev:
            report.notes.append(gettext("链从 #%(pk)s 开始，更早的记录已不在表中（按规定归档后属正常）") % {"pk": pk})
        expected = seal
        report.rows += 1
    return report


def verify_all(chains: dict[str, ChainReport] | None = None) -> dict[str, list[str]]:
    """model label -> primary keys of tampered rows, for every protected model and every chained
    log (empty lists too). `chains`, when given, receives each log's ChainReport (the reasons)."""
    report: dict[str, list[str]] = {}
    for model in protected_models():
        qs = model._base_manager.exclude(**{FIELD_NAME: ""}).order_by("pk")
        report[model._meta.label] = [str(o.pk) for o in tampered(qs.iterator(chunk_size=1000))]
    key = integrity_key()
    for model in chained_models():
        result = verify_chain(model, key=key)
        report[model._meta.label] = [pk for pk, _reason in result.broken]
        if chains is not None:
            chains[model._meta.label] = result
    return report
