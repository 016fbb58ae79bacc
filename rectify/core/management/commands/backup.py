import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

from rectify.core.management.commands._dbtools import pg_env_args, run, vendor


class Command(BaseCommand):
    help = "备份数据库到文件（PostgreSQL：pg_dump 自定义格式；SQLite：在线备份）。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, file: str, database: str, **options):
        path = Path(file)
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = connections[database]
        if vendor(database) == "postgresql":
            env, args = pg_env_args(database)
            run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args,
                 "--file", str(path), conn.settings_dict["NAME"]], env)
        else:
            conn.ensure_connection()
            target = sqlite3.connect(path)
            try:
                conn.connection.backup(target)
            finally:
                target.close()
        path.chmod(0o600)  # the backup holds everything the database holds
        self.stdout.write(self.style.SUCCESS(f"已备份到 {path}（{path.stat().st_size} 字节）。"))
