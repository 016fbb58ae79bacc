"""Users, the roles they hold and the hashes of their previous passwords."""
from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rectify.core import clock
from rectify.core.access.roles import ACCOUNT_LOG, ROLE_NAMES
from rectify.core.querysets import RestrictedQuerySet
from rectify.core.registry import RegistryURLMixin


class Role(models.Model):
    code = models.CharField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)

    log_area = ACCOUNT_LOG  # its history is the audit administrator's (core/access/history.py)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(ROLE_NAMES.get(self.code, self.name))


class RectifyUserManager(UserManager.from_queryset(RestrictedQuerySet)):
    pass


class User(RegistryURLMixin, AbstractUser):
    unit = models.ForeignKey(
        "organisations.Unit", verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    roles = models.ManyToManyField(Role, verbose_name=_("角色"), blank=True, related_name="users")
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    is_enforcement_officer = models.BooleanField(_("执法人员"), default=False)
    officer_number = models.CharField(_("执法证号"), max_length=30, blank=True)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    # The campaign the user works in, chosen in the top bar and kept across sessions; none: the
    # default (the active campaign that started last).
    working_campaign = models.ForeignKey("organisations.Campaign", verbose_name=_("当前专项行动"), null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    # Lockout (等保: 登录失败处理). Counted by accounts.backends; see services/signin.py.
    failed_logins = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0, editable=False)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True, editable=False)
    # TOTP second factor; the secret is SM4-encrypted (services/totp.py, core/security/crypto.py).
    totp_secret = models.CharField(_("动态口令密钥"), max_length=200, blank=True, editable=False)
    totp_confirmed_at = models.DateTimeField(_("动态口令绑定时间"), null=True, blank=True, editable=False)
    # Last accepted TOTP time step: a code is accepted once only (no replay within its window).
    totp_last_step = models.BigIntegerField(_("动态口令最后时间片"), default=0, editable=False)

    objects = RectifyUserManager()
    perm_area = "accounts"
    change_logged = True
    log_exclude = ("password", "totp_secret")
    # 三员分立: the accounts' history and events are the audit administrator's to read, not the
    # administrators' who keep the accounts (core/access/history.py). Events so named belong to it even
    # without an object: a failed login names no account.
    log_area = ACCOUNT_LOG
    log_events = ("login", "logout", "session.", "account.", "totp.", "password.", "user.")

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    picker_search = ("full_name", "username", "officer_number")

    def __str__(self) -> str:
        return self.full_name or self.username

    def picker_text(self) -> str:
        # Two officers may share a name; the account name tells them apart.
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username

    @property
    def role_codes(self) -> set[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = set(self.roles.values_list("code", flat=True))
            self._role_codes = cached
        return cached

    def set_password(self, raw_password: str | None) -> None:
        # Every way of setting a password (forms, services, createsuperuser, changepassword) starts
        # the 90-day clock; the history is written by PasswordHistoryValidator.password_changed.
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

    @property
    def has_totp(self) -> bool:
        return bool(self.totp_secret and self.totp_confirmed_at)


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords, so that the last N cannot be reused."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("密码散列"), max_length=128)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    log_area = ACCOUNT_LOG

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {clock.beijing_date(self.created_at)}"
