"""Hash chains of the append-only logs (the change log and the audit events).

The change log and the audit events are chained, each table on its own: a row's `seal` is the
HMAC-SM3 of the previous row's seal (kept in the row as `prev_seal`) and of the row's content, in
id order. Without the key nobody can write a seal, so a row edited or deleted behind the
application's back — raw SQL with the append-only triggers disabled, a tampered restore — breaks
the chain where it happened: an edited row no longer matches its seal, and the row after a
deleted one names a predecessor that is not there. The seal covers `prev_seal`, so rewriting the
link does not hide the deletion. Removing the newest rows leaves a shorter, intact chain; that
needs a copy of the latest seal kept elsewhere (the backups) to be noticed.

`verify_all` walks every seal the application keeps: the issued documents' integrity codes
(integrity.py) and these chains; `rectify verify_integrity` reports what it finds."""
from __future__ import annotations

import decimal
import hmac
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connections, models
from django.utils.translation import gettext

from rectify.core.audit.integrity import (
    ALGORITHM,
    FIELD_NAME,
    integrity_key,
    json_default,
    protected_models,
    tampered,
)

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
_SCALARS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=json_default)


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
