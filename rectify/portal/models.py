"""The public portal's own record: the link between a tracking code and
the complaint filed with it. The code itself is never stored: only its SHA-256, so a database
reader cannot follow a citizen's complaint (the code is 16 random symbols, no salt is needed)."""
from __future__ import annotations

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import ScopeSpec
from rectify.core.models import BaseModel


class ComplaintTracking(BaseModel):
    """Which complaint a portal tracking code follows. Not registered (no pages): internal users
    work on the complaint itself."""

    complaint = models.OneToOneField("enforcement.Complaint", verbose_name=_("投诉举报"), on_delete=models.CASCADE,
                                     related_name="+")
    code_hash = models.CharField(_("查询码摘要"), max_length=64, unique=True)

    scope = ScopeSpec(region="complaint__region", county="complaint__county", line="complaint__line",
                      owner="complaint__unit")

    class Meta:
        verbose_name = _("投诉举报查询码")
        verbose_name_plural = _("投诉举报查询码")

    def __str__(self) -> str:
        return str(self.complaint_id)

    @staticmethod
    def hash_of(code: str) -> str:
        """The stored digest of a tracking code, however the citizen typed its case and spaces around."""
        return hashlib.sha256(code.strip().upper().encode()).hexdigest()
