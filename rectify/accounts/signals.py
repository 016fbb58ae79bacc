"""Audit events for logins, failed logins and logouts (no passwords are ever recorded), session
bookkeeping at login, the three-administrators guard on role assignment, and ending the sessions
of a disabled account."""
import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from rectify.accounts.models import Role, User
from rectify.accounts.services import end_user_sessions, validate_role_combination
from rectify.core.audit.events import record_event
from rectify.core.audit.models import Event


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record_event("login", user, user=user)
    if request is not None and hasattr(request, "session"):
        # Django has already given the session a new key (login() cycles it). The clocks of the
        # idle and absolute limits start now; the second factor is still to come.
        now = int(time.time())
        request.session["rectify_started"] = now
        request.session["rectify_seen"] = now
        request.session.pop("rectify_2fa", None)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_event("logout", user, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    record_event("login.failed", outcome=Event.FAILURE, detail={"username": str(credentials.get("username", ""))[:150]})


@receiver(m2m_changed, sender=User.roles.through)
def _guard_role_combination(sender, instance, action, reverse, model, pk_set, **kwargs):
    """三员分立 for every path that adds roles — forms and services call validate_role_combination
    themselves, but `user.roles.add()` / `role.users.add()` in a shell, a command or another app's
    code would not: refuse the addition before it reaches the database."""
    if action != "pre_add" or not pk_set:
        return
    if not reverse:
        added = set(Role.objects.filter(pk__in=pk_set).values_list("code", flat=True))
        validate_role_combination(set(instance.roles.values_list("code", flat=True)) | added)
        instance._role_codes = None
    else:
        for user in User._base_manager.filter(pk__in=pk_set):
            validate_role_combination(set(user.roles.values_list("code", flat=True)) | {instance.code})


@receiver(post_save, sender=User)
def _end_sessions_of_disabled(sender, instance, created, raw=False, **kwargs):
    if not raw and not created and not instance.is_active:
        end_user_sessions(instance)
