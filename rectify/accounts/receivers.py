"""What accounts does when Django announces a sign-in or a change to a user, connected in
AccountsConfig.ready: audit events for logins, failed logins and logouts (no passwords are ever
recorded), session bookkeeping at login, the three-administrators guard on role assignment, and
ending the sessions of a disabled account. The rules live in accounts.services."""
from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save
from django.http import HttpRequest

from rectify.accounts.models import Role, User
from rectify.accounts.services import end_user_sessions, validate_role_combination
from rectify.core.audit.events import record_event
from rectify.core.audit.models import Event


def on_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    record_event("login", user, user=user)
    if request is not None and hasattr(request, "session"):
        # Django has already given the session a new key (login() cycles it). The clocks of the
        # idle and absolute limits start now; the second factor is still to come.
        now = int(time.time())
        request.session["rectify_started"] = now
        request.session["rectify_seen"] = now
        request.session.pop("rectify_2fa", None)


def on_logged_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        record_event("logout", user, user=user)


def on_login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                    **kwargs: Any) -> None:
    record_event("login.failed", outcome=Event.FAILURE, detail={"username": str(credentials.get("username", ""))[:150]})


def guard_role_combination(sender: Any, instance: User | Role, action: str, reverse: bool, model: type,
                           pk_set: set[int] | None, **kwargs: Any) -> None:
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


def end_sessions_of_disabled(sender: Any, instance: User, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if not raw and not created and not instance.is_active:
        end_user_sessions(instance)


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="accounts_login_audit")
    user_logged_out.connect(on_logged_out, dispatch_uid="accounts_logout_audit")
    user_login_failed.connect(on_login_failed, dispatch_uid="accounts_login_failed_audit")
    m2m_changed.connect(guard_role_combination, sender=User.roles.through, dispatch_uid="accounts_role_guard")
    post_save.connect(end_sessions_of_disabled, sender=User, dispatch_uid="accounts_end_disabled_sessions")
