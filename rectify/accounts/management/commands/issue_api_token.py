"""Issue an API token on the server, for any active account (administrators' included, which the
pages leave out); the secret is printed once. Administrators issue, list and revoke tokens at
/accounts/token/."""
import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from rectify.accounts.models import User
from rectify.accounts.services import api_token_issue
from rectify.core.current import acting_as


class Command(BaseCommand):
    help = "为账号签发接口令牌（令牌只打印这一次）。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--purpose", required=True, help="用途：对接的系统或程序")
        parser.add_argument("--expires", type=datetime.date.fromisoformat, default=None,
                            help="有效期至（YYYY-MM-DD，北京时间，含当日；默认取 RECTIFY_API_TOKENS）")

    def handle(self, *args, username, purpose, expires=None, **options):
        owner = User.objects.filter(username=username).first()
        if owner is None:
            raise CommandError(f"{username}: 没有这个账号")
        try:
            with acting_as(None):
                issued = api_token_issue(owner=owner, purpose=purpose, expires_on=expires, actor=None)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        expires_on = issued.token.expires_on.isoformat()
        self.stderr.write(f"{owner.username} 的接口令牌，有效期至 {expires_on}（只显示这一次）：")
        self.stdout.write(issued.secret)
