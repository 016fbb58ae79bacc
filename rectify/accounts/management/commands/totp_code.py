import pyotp
from django.core.management.base import BaseCommand, CommandError

from rectify.accounts.models import User
from rectify.accounts.services import totp_secret


class Command(BaseCommand):
    help = "Print the current second-factor code of a user (for the demo; needs the server's field key)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None or not user.totp_secret:
            raise CommandError(f"{username}: no such user, or no second factor enrolled")
        self.stdout.write(pyotp.TOTP(totp_secret(user)).now())
