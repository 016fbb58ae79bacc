"""Password authentication with lockout (等保: 登录失败处理功能).

`MAX_FAILURES` wrong passwords in a row lock the account for `LOCK_MINUTES`; during the lock even
the right password is refused. Every attempt is audited: success by the `user_logged_in` signal,
failure by `user_login_failed` (receivers.py), the lock and refusals here. Passwords are never
recorded."""
from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from rectify.accounts import services
from rectify.accounts.models import User


class LockoutBackend(ModelBackend):
    def authenticate(self, request, username: str | None = None, password: str | None = None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            User().set_password(password)  # same work as for a real user: no timing oracle
            return None
        if user.is_locked:
            services.login_refused_locked(user)
            if request is not None:
                request.rectify_locked_until = user.locked_until
            return None
        if not self.user_can_authenticate(user):
            return None
        if user.check_password(password):
            services.login_succeeded(user)
            return user
        services.login_failed(user, reason="password")
        if user.is_locked and request is not None:
            request.rectify_locked_until = user.locked_until
        return None

    def get_user(self, user_id):
        # Every request's scope check reads the user's unit, its region and its department: one
        # join instead of three queries.
        try:
            user = User._default_manager.select_related("unit__region", "unit__department").get(pk=user_id)
        except User.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        # A locked account keeps no session either (the lock may come from a failed TOTP step).
        if user.is_locked:
            return None
        return user
