"""API tokens: the machine credentials a system client sends as `Authorization: Token …`.

Only a digest of the secret is stored (services/tokens.py): the secret is shown once, when it is
issued, and a copy of the database does not hold a usable credential. A token works until its
expiry date (a Beijing date, inclusive) or its revocation, whichever comes first, and only while
its owner's account is active."""
from __future__ import annotations

import datetime

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rectify.core import clock
from rectify.core.access.roles import ACCOUNT_LOG
from rectify.core.models import BaseModel

from .users import User


class ApiToken(BaseModel):
    class State(models.TextChoices):
        ACTIVE = "active", _("有效")
        EXPIRED = "expired", _("已过期")
        REVOKED = "revoked", _("已撤销")
        OWNER_DISABLED = "owner_disabled", _("账号已停用")

    owner = models.ForeignKey(User, verbose_name=_("所属账号"), on_delete=models.PROTECT, related_name="api_tokens")
    purpose = models.CharField(_("用途"), max_length=100)
    digest = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    expires_on = models.DateField(_("有效期至"))
    issued_by = models.ForeignKey(User, verbose_name=_("签发人"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", editable=False)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(User, verbose_name=_("撤销人"), null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    revoke_reason = models.CharField(_("撤销原因"), max_length=500, blank=True, editable=False)

    perm_area = "accounts"
    # Credentials of accounts: their history and events are the audit administrator's, like the
    # accounts' own (三员分立, core/access/history.py).
    log_area = ACCOUNT_LOG
    log_events = ("api_token.",)
    log_exclude = ("digest",)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="accounts_apitoken_newest")]

    def __str__(self) -> str:
        return f"{self.purpose}（{self.owner.username}）"

    def get_absolute_url(self) -> str:
        # Not a registered model: its page is the token list.
        return reverse("accounts:token_list")

    @classmethod
    def state_q(cls, state: str, today: datetime.date | None = None) -> models.Q:
        """The rows whose `state()` is `state` on `today` (Beijing)."""
        today = today or clock.today()
        live = models.Q(revoked_at__isnull=True, expires_on__gte=today)
        return {
            cls.State.ACTIVE: live & models.Q(owner__is_active=True),
            cls.State.EXPIRED: models.Q(revoked_at__isnull=True, expires_on__lt=today),
            cls.State.REVOKED: models.Q(revoked_at__isnull=False),
            cls.State.OWNER_DISABLED: live & models.Q(owner__is_active=False),
        }[state]

    def state(self, today: datetime.date | None = None) -> str:
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_on < (today or clock.today()):
            return self.State.EXPIRED
        if not self.owner.is_active:
            return self.State.OWNER_DISABLED
        return self.State.ACTIVE
