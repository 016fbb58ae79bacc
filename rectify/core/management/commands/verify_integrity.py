from django.core.management.base import BaseCommand, CommandError

from rectify.core.integrity import verify_all


class Command(BaseCommand):
    help = "校验所有带完整性校验码（HMAC-SM3）的记录，报告内容被改动的记录。"

    def handle(self, *args, **options):
        report = verify_all()
        if not report:
            self.stdout.write("没有启用完整性校验的数据模型。")
            return
        bad = 0
        for label, pks in report.items():
            if pks:
                bad += len(pks)
                self.stdout.write(self.style.ERROR(f"{label}: {len(pks)} 条记录校验失败：{', '.join(pks)}"))
            else:
                self.stdout.write(f"{label}: 全部通过")
        if bad:
            raise CommandError(f"共有 {bad} 条记录的完整性校验码不匹配，可能被绕过应用修改。")
        self.stdout.write(self.style.SUCCESS("完整性校验通过。"))
