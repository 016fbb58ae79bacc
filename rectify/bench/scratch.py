"""Scratch databases beside the bench database: a file copy of it (the Thursday case serves one and
drops it), an empty one (the drill restores into it), and this process's connection pointed at
either meanwhile, so that their rows are made and read through the ordinary models and services."""
from __future__ import annotations

import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def maintenance():
    import psycopg

    params = connection.settings_dict
    conninfo = {"host": params.get("HOST") or None, "port": params.get("PORT") or None,
                "user": params.get("USER") or None, "password": params.get("PASSWORD") or None, "dbname": "postgres"}
    return psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=True)


def copy_database(source: str, target: str, attempts: int = 15) -> float:
    """`target` as a file copy of `source` (seconds taken). The source may have no other session
    meanwhile: this process's is closed first, and a moment's other session is waited out."""
    import psycopg

    connection.close()
    started = time.perf_counter()
    with maintenance() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        for attempt in range(attempts):
            try:
                conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}" STRATEGY FILE_COPY')
                break
            except psycopg.errors.ObjectInUse:
                if attempt == attempts - 1:
                    raise
                time.sleep(1)
    return time.perf_counter() - started


def drop_database(name: str) -> None:
    with maintenance() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def database_named(name: str) -> Iterator[None]:
    """This process's default connection on database `name` meanwhile (the copy's users, sessions
    and tokens are made, and its result read, through the ordinary models and services)."""
    params = connection.settings_dict
    before = params["NAME"]
    connection.close()
    params["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        params["NAME"] = before


def database_url(name: str) -> str:
    p = connection.settings_dict
    auth = urllib.parse.quote(p.get("USER") or "", safe="")
    if p.get("PASSWORD"):
        auth += ":" + urllib.parse.quote(str(p["PASSWORD"]), safe="")
    host = f"{p.get('HOST') or '127.0.0.1'}:{p.get('PORT') or 5432}"
    return f"postgres://{auth}{'@' if auth else ''}{host}/{name}"
