"""Purchase and sales ledgers (购销台账): the edges of the flow trace (selectors.trace_batch)."""
from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import RECORD_SCOPE
from rectify.core.models import CampaignRecord
from rectify.core.security.validators import validate_not_future


class LedgerEntry(CampaignRecord):
    """A sale of a quantity of one batch from a seller to a buyer. The unit is the one that
    collected/imported the ledger; the region is the seller's city."""

    seller = models.ForeignKey("enterprises.Enterprise", verbose_name=_("销售方"), on_delete=models.PROTECT,
                               related_name="ledger_sales")
    buyer = models.ForeignKey("enterprises.Enterprise", verbose_name=_("购买方"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="ledger_purchases")
    buyer_name = models.CharField(_("购买方名称（名录外）"), max_length=200, blank=True)
    product_name = models.CharField(_("产品名称"), max_length=200)
    category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    batch_number = models.CharField(_("批号"), max_length=100)
    quantity = models.PositiveIntegerField(_("数量"))
    traded_on = models.DateField(_("交易日期"), validators=[validate_not_future])

    # stated explicitly: region + county + line of work (see core.access.scope)
    scope = RECORD_SCOPE

    class Meta:
        verbose_name = _("购销台账")
        verbose_name_plural = _("购销台账")
        ordering = ["-traded_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(buyer__isnull=False) | ~Q(buyer_name=""), name="ledger_entry_has_buyer"),
            models.CheckConstraint(condition=Q(buyer__isnull=True) | ~Q(buyer=F("seller")),
                                   name="ledger_entry_not_to_self"),
        ]
        indexes = [
            models.Index(fields=["-traded_on", "-id"]),  # the list's order (core.generic.checks)
            # the recursive step of the trace: entries sold by a holder for the batch
            models.Index(fields=["batch_number", "seller", "buyer"], name="fw_ledger_batch_seller"),
            models.Index(fields=["region", "-traded_on", "-id"], name="fw_ledger_region_date"),
        ]

    def __str__(self) -> str:
        return f"{self.seller} → {self.buyer or self.buyer_name} {self.batch_number}"

    def scope_region_source(self):
        return self.seller.region, self.seller.county
