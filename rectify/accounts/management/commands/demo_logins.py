from django.conf import settings
from django.core.management.base import BaseCommand

from rectify.accounts.demo import DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options):
        password = settings.RECTIFY["DEMO_PASSWORD"]
        self.stdout.write(f"\n演示账号 / demo logins (password: {password})  http://127.0.0.1:8000\n")
        for username, unit, roles, note in DEMO_USERS:
            self.stdout.write(f"  {username:<18} {unit:<22} {','.join(roles):<28} {note}")
        self.stdout.write("\n第二因素（动态口令）/ second factor: the demo accounts are enrolled; "
                          "`.venv/bin/rectify totp_code USERNAME` prints the current 6-digit code.\n")
