"""`rectify run_periodic`: run the scheduled jobs that are due (for cron, without Celery beat)."""
from django.core.management.base import BaseCommand

from rectify.core.periodic import run_due


class Command(BaseCommand):
    help = "运行已到时间的定时任务（开启周报、提醒、期限检查），供没有 Celery beat 时由 cron 每分钟调用。"

    def handle(self, *args, **options) -> None:
        results = run_due()
        for name, result in results.items():
            self.stdout.write(f"{name}: {result}")
        if not results:
            self.stdout.write("没有到期的定时任务。")
