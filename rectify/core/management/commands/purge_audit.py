"""Audit retention. The Cybersecurity Law (art. 21) requires network logs for at least six months;
this platform keeps at least 180 days. The application never deletes audit rows itself (they are
append-only; a trigger refuses DELETE even from raw SQL, on PostgreSQL and on SQLite), so this
command only reports what is eligible. Archiving and removal are done by the DBA: export the rows,
then delete them with the trigger set aside in one transaction (docs/security.md, section 7)."""
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rectify.core.audit.models import Event, ObjectChange
from rectify.core.clock import format_moment

MIN_RETENTION_DAYS = 180


class Command(BaseCommand):
    help = "列出超过保存期限、可由DBA归档的审计记录（保存期不少于 180 天）。"

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, required=True, dest="days")

    def handle(self, *args, days: int, **options):
        if days < MIN_RETENTION_DAYS:
            raise CommandError(f"审计记录至少保存 {MIN_RETENTION_DAYS} 天（网络安全法第二十一条），"
                               f"拒绝处理 {days} 天。")
        cutoff = timezone.now() - timezone.timedelta(days=days)
        events = Event.objects.filter(time__lt=cutoff).count()
        changes = ObjectChange.objects.filter(time__lt=cutoff).count()
        self.stdout.write(f"早于 {format_moment(cutoff)} 的记录：审计事件 {events} 条，变更记录 {changes} 条。")
        self.stdout.write("应用不删除审计记录；归档请由数据库管理员按 docs/security.md 的步骤进行。")
