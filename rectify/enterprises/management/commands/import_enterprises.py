"""rectify import_enterprises FILE [--dry-run] [--unit CODE] [--user USERNAME]

Checks the file like the upload page, prints the summary and the row errors, and — unless
--dry-run or any row fails — imports every row in one transaction. Exits 1 when the file is
refused or any row fails, so scripts can rely on it."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction

from rectify.accounts.models import User
from rectify.core.audit.events import record_event
from rectify.core.current import acting_as
from rectify.core.generic.importing import ImportFileError, read_table
from rectify.enterprises.importing import COLUMNS, check_rows
from rectify.enterprises.services import enterprise_import_apply
from rectify.organisations.commands import CampaignCommand
from rectify.organisations.models import Unit


class Command(CampaignCommand):
    help = "导入企业名录（.xlsx/.xls/.csv），打印汇总；有错误行时不导入并以非零状态退出。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--unit", default="210000-office", help="导入单位代码（决定可导入的辖区），默认省专项办")
        parser.add_argument("--user", default="", help="记入变更日志的用户名（可选）")

    def handle(self, *args, file, dry_run, unit, user, **options):
        unit_obj = Unit.objects.select_related("region", "department").filter(code=unit).first()
        if unit_obj is None:
            raise CommandError(f"单位代码不存在：{unit}")
        actor = User.objects.filter(username=user).first() if user else None
        if user and actor is None:
            raise CommandError(f"用户不存在：{user}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        try:
            table = read_table(path.name, path.read_bytes(), COLUMNS)
        except ImportFileError as exc:
            raise CommandError(f"文件被拒绝：{exc}")
        with acting_as(actor, request_id=f"cli-import-{path.name}"[:64]):
            candidates, errors = check_rows(table, unit_obj)
            new = sum(1 for c in candidates if c.status == "new")
            upd = sum(1 for c in candidates if c.status == "update")
            failed = len({e.row for e in errors})
            self.stdout.write(f"行数 {len(table.rows)}：新增 {new}，更新 {upd}，"
                              f"无变化 {len(candidates) - new - upd}，错误 {failed}")
            for e in errors[:200]:
                self.stdout.write(f"  {e}")
            for w in [w for c in candidates for w in c.warnings][:200]:
                self.stdout.write(f"  提示（不影响导入）：{w}")
            if errors:
                raise CommandError(f"{failed} 行有错误，未导入任何数据。")
            if dry_run:
                self.stdout.write("试运行（--dry-run）：未写入。")
                return
            with transaction.atomic():
                counts = enterprise_import_apply(candidates=candidates, unit=unit_obj, source=path.name)
                record_event("enterprise.import.commit",
                             detail={**counts, "file": path.name, "unit": unit, "via": "cli"})
            self.stdout.write(self.style.SUCCESS(f"已导入：新增 {counts['new']}，更新 {counts['update']}，"
                                                 f"无变化 {counts['unchanged']}"))
