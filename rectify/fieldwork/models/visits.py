"""Covert and open visits (明察暗访) of the provincial group to a city."""
from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import ScopeSpec
from rectify.core.models import CampaignRecord

# Covert visits are working-group business: only offices (which see every line) see them.
OFFICE_LINE = "office"


class CovertVisit(CampaignRecord):
    """Owned by the provincial office; placed in the visited city so that the city's office sees
    it by region and answers it (the workflow's 反馈整改情况 step; the province then verifies it or
    returns it). Its line is the pseudo-line "office", which no department has, so member units of
    the city do not see it."""

    visited_city = models.ForeignKey("organisations.Region", verbose_name=_("被检查市"), on_delete=models.PROTECT,
                                     related_name="+", limit_choices_to={"level": "city"})
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    team = models.TextField(_("检查组成员"))
    findings = models.TextField(_("发现问题"))
    requirements = models.TextField(_("整改要求"), blank=True)
    response_due = models.DateField(_("反馈期限"), null=True, blank=True)
    response = models.TextField(_("市整改反馈"), blank=True, editable=False)
    responded_on = models.DateField(_("反馈日期"), null=True, blank=True, editable=False)
    # The province's verification of the city's response (核查销号); a returned response clears
    # responded_on and the city answers again.
    verified_on = models.DateField(_("核查销号日期"), null=True, blank=True, editable=False)
    follow_up = models.TextField(_("跟踪督办情况"), blank=True)

    # Seen by the visited city; written by the provincial group only (the city answers through its
    # workflow step, services.covert_visit_respond).
    scope = ScopeSpec(province_owned=True)

    class Meta:
        verbose_name = _("明察暗访")
        verbose_name_plural = _("明察暗访")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="covert_visit_dates"),
            models.CheckConstraint(condition=Q(responded_on__isnull=True) | ~Q(response=""),
                                   name="covert_visit_response_text"),
            models.CheckConstraint(condition=Q(verified_on__isnull=True) | Q(responded_on__isnull=False),
                                   name="covert_visit_verified_after_response"),
        ]
        indexes = [models.Index(fields=["-start_date", "-id"]),  # the list's order (core.generic.checks)
                   models.Index(fields=["region", "-start_date", "-id"], name="fw_visit_region_date")]

    def __str__(self) -> str:
        return f"{self.visited_city} 明察暗访 {self.start_date:%Y-%m-%d}"

    def scope_region_source(self):
        return self.visited_city, None

    def fill_scope(self) -> None:
        super().fill_scope()
        self.line = OFFICE_LINE
