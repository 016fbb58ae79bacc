"""Audit events for logins, failed logins and logouts (no passwords are ever recorded)."""
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from rectify.core.events import record_event
from rectify.core.models import Event


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record_event("login", user, user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_event("logout", user, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    record_event("login.failed", outcome=Event.FAILURE, detail={"username": str(credentials.get("username", ""))[:150]})
