"""Shared helpers of `rectify backup` and `rectify restore` (PostgreSQL: pg_dump/pg_restore custom
format; SQLite: the online backup API, consistent while the application keeps running)."""
from __future__ import annotations

import os
import shutil
import subprocess

from django.core.management.base import CommandError
from django.db import connections

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


def pg_env_args(alias: str) -> tuple[dict[str, str], list[str]]:
    """Connection arguments for the PostgreSQL client tools. The password goes through the
    environment, never the command line (visible in ps)."""
    s = connections[alias].settings_dict
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    args = []
    if s.get("HOST"):
        args += ["-h", str(s["HOST"])]
    if s.get("PORT"):
        args += ["-p", str(s["PORT"])]
    if s.get("USER"):
        args += ["-U", str(s["USER"])]
    return env, args


def run(cmd: list[str], env: dict[str, str]) -> None:
    if shutil.which(cmd[0]) is None:
        raise CommandError(f"找不到 {cmd[0]}，请安装 PostgreSQL 客户端工具。")
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(f"{cmd[0]} 失败：{result.stderr.strip()[:2000]}")


def vendor(alias: str) -> str:
    v = connections[alias].vendor
    if v not in {"postgresql", "sqlite"}:
        raise CommandError(f"不支持的数据库：{v}")
    return v
