import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from rectify.core.management.commands._dbtools import PG_MAGIC, SQLITE_MAGIC, pg_env_args, run, vendor


class Command(BaseCommand):
    help = "从备份文件恢复数据库（覆盖当前全部数据）。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, file: str, database: str, interactive: bool = True, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"备份文件不存在：{path}")
        kind = vendor(database)
        head = path.read_bytes()[:16]
        if kind == "postgresql" and not head.startswith(PG_MAGIC):
            raise CommandError("这不是 PostgreSQL 自定义格式的备份（pg_dump -Fc）。")
        if kind == "sqlite" and not head.startswith(SQLITE_MAGIC):
            raise CommandError("这不是 SQLite 数据库备份。")
        conn = connections[database]
        question = f"将用 {path} 覆盖数据库 {conn.settings_dict['NAME']} 的全部数据，输入 yes 继续："
        if interactive and input(question) != "yes":
            raise CommandError("已取消。")
        if kind == "postgresql":
            conn.close()  # pg_restore --clean drops tables: no open transaction of ours may hold them
            env, args = pg_env_args(database)
            run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                 *args, "--dbname", conn.settings_dict["NAME"], str(path)], env)
        else:
            conn.ensure_connection()
            if conn.in_atomic_block:
                raise CommandError("不能在事务中恢复 SQLite 数据库。")
            source = sqlite3.connect(path)
            try:
                source.backup(conn.connection)
            finally:
                source.close()
        self.stdout.write(self.style.SUCCESS(f"已从 {path} 恢复。"))
