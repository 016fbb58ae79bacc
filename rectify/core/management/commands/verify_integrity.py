from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from rectify.core.audit.chain import ChainReport, verify_all


class Command(BaseCommand):
    help = "校验所有带完整性校验码（HMAC-SM3）的记录和审计日志的校验链，报告内容被改动或被删除的记录。"

    def handle(self, *args, **options):
        chains: dict[str, ChainReport] = {}
        report = verify_all(chains=chains)
        if not report:
            self.stdout.write("没有启用完整性校验的数据模型。")
            return
        bad = 0
        for label, pks in report.items():
            chain = chains.get(label)
            for note in chain.notes if chain else ():
                self.stdout.write(self.style.WARNING(f"{label}: {note}"))
            if pks:
                bad += len(pks)
                self.stdout.write(self.style.ERROR(f"{label}: {len(pks)} 条记录校验失败：{', '.join(pks)}"))
                for pk, reason in chain.broken if chain else ():
                    self.stdout.write(self.style.ERROR(f"  #{pk}: {reason}"))
                if chain and chain.broken:
                    first = gettext("校验链自 #%(pk)s 起断开。") % {"pk": chain.broken[0][0]}
                    self.stdout.write(self.style.ERROR(f"  {first}"))
            else:
                self.stdout.write(f"{label}: 全部通过")
        if bad:
            raise CommandError(f"共有 {bad} 条记录的完整性校验码不匹配，可能被绕过应用修改。")
        self.stdout.write(self.style.SUCCESS("完整性校验通过。"))
