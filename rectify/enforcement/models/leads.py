"""Leads (线索) and the hops they travel between units (移送)."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import ScopeSpec
from rectify.core.models import CampaignRecord

from .common import HandlerRegionMixin


class Lead(HandlerRegionMixin, CampaignRecord):
    """A clue about a violation. `unit` is the unit currently responsible: acceptance of a transfer
    moves it to the receiver (the sender keeps reading it, through its hop, and no longer writes
    it); while a transfer waits, the receiver sees it through `pending_unit`."""

    class Source(models.TextChoices):
        COMPLAINT = "complaint", _("投诉举报")
        INSPECTION = "inspection", _("监督检查")
        SAMPLE = "sample", _("抽检")
        EXPORT = "export", _("出口查验")
        VISIT = "visit", _("明察暗访")
        OPINION = "opinion", _("舆情")
        TRANSFERRED = "transferred", _("部门移交")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        IN_TRANSFER = "in_transfer", _("移送中")
        CASE = "case", _("已立案")
        CLOSED = "closed", _("已了结")

    source = models.CharField(_("线索来源"), max_length=20, choices=Source.choices, default=Source.OTHER)
    complaint = models.ForeignKey("enforcement.Complaint", verbose_name=_("来源投诉举报"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="leads")
    description = models.TextField(_("线索内容"))
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("涉及企业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    product_category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN, editable=False)
    pending_unit = models.ForeignKey("organisations.Unit", verbose_name=_("待接收单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", editable=False)

    # The receiver of a pending transfer sees the lead; every unit that sent it on keeps reading it
    # (and its outcome), without writing it.
    scope = ScopeSpec(shared=("pending_unit", "transfers__unit"))

    class Meta:
        verbose_name = _("线索")
        verbose_name_plural = _("线索")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"])]  # the list's order (core.generic.checks)

    def __str__(self) -> str:
        return f"线索{self.pk or ''}：{self.description[:30]}"



class Transfer(HandlerRegionMixin, CampaignRecord):
    """One hop of a lead or a case from `unit` (the sender) to `to_unit`. Hops are never deleted
    by the workflow, so the chain of custody stays readable."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待接收")
        ACCEPTED = "accepted", _("已接收")
        RETURNED = "returned", _("已退回")

    class PoliceDecision(models.TextChoices):
        OPENED = "opened", _("立案")
        NOT_OPENED = "not_opened", _("不予立案")

    lead = models.ForeignKey(Lead, verbose_name=_("线索"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="transfers")
    case = models.ForeignKey("enforcement.Case", verbose_name=_("案件"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="transfers")
    to_unit = models.ForeignKey("organisations.Unit", verbose_name=_("接收单位"), on_delete=models.PROTECT,
                                related_name="+")
    reason = models.TextField(_("移送理由"))
    sent_at = models.DateTimeField(_("移送时间"))
    to_police = models.BooleanField(_("移送公安"), default=False, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, editable=False)
    answered_on = models.DateField(_("接收/退回日期"), null=True, blank=True, editable=False)
    return_reason = models.TextField(_("退回理由"), blank=True, editable=False)
    police_decision = models.CharField(_("公安立案决定"), max_length=12, choices=PoliceDecision.choices, blank=True,
                                       editable=False)
    police_decided_on = models.DateField(_("公安决定日期"), null=True, blank=True, editable=False)
    # A returned case goes back to where it was before the transfer.
    prior_status = models.CharField(_("移送前状态"), max_length=20, blank=True, editable=False)

    # The sender owns the hop; the receiver sees it from the moment it is sent.
    scope = ScopeSpec(shared="to_unit")

    class Meta:
        verbose_name = _("移送记录")
        verbose_name_plural = _("移送记录")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["-sent_at", "-id"])]  # the list's order (core.generic.checks)
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(lead__isnull=False) & models.Q(case__isnull=True))
                | (models.Q(lead__isnull=True) & models.Q(case__isnull=False)),
                name="transfer_lead_xor_case"),
            models.CheckConstraint(condition=~models.Q(unit=models.F("to_unit")), name="transfer_not_to_self"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} → {self.to_unit}（{self.get_status_display()}）"

