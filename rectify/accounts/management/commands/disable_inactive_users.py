from django.core.management.base import BaseCommand

from rectify.accounts.tasks import disable_inactive_users


class Command(BaseCommand):
    help = "停用超过规定天数（默认 90 天）未登录的账号。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="未使用天数（默认取 RECTIFY_INACTIVE_DAYS）")

    def handle(self, *args, days=None, **options):
        disabled = disable_inactive_users(days)
        self.stdout.write(f"已停用 {len(disabled)} 个账号" + (f"：{'、'.join(disabled)}" if disabled else "。"))
