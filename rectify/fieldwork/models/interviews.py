"""Collective interviews (集中约谈): administrative guidance a unit gives a group of enterprises at once."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import RECORD_SCOPE
from rectify.core.models import CampaignRecord
from rectify.core.security.validators import validate_not_future


class CollectiveInterview(CampaignRecord):
    """One meeting convened by `unit` with the enterprises it invited. The attendance must be among
    the invited and the commitment letters no more than the enterprises that attended: rules over
    the many-to-many fields, which the model's own validation runs before they are set, so they
    are the service's (services.interview_create / interview_update)."""

    date = models.DateField(_("约谈日期"), validators=[validate_not_future])
    topic = models.CharField(_("约谈主题"), max_length=200)
    invited = models.ManyToManyField("enterprises.Enterprise", verbose_name=_("约谈企业"), related_name="+")
    attended = models.ManyToManyField("enterprises.Enterprise", verbose_name=_("到会企业"), blank=True,
                                      related_name="+")
    commitments_signed = models.PositiveIntegerField(_("签订承诺书（份）"), default=0)
    follow_up = models.TextField(_("跟踪落实情况"), blank=True)
    notes = models.TextField(_("备注"), blank=True)

    # stated explicitly: region + county + line of work (see core.access.scope); with no enterprise
    # of its own the record is placed where its unit is.
    scope = RECORD_SCOPE

    class Meta:
        verbose_name = _("集中约谈")
        verbose_name_plural = _("集中约谈")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["-date", "-id"]),  # the list's order (core.generic.checks)
            models.Index(fields=["region", "-date", "-id"], name="fw_interview_region_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.topic}"
