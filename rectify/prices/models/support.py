"""Service to market entities (服务市场主体): an enterprise's requests, capacity offered, needed and
allocated, guidance on standards, and the notices and reporting channels published on the portal."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rectify.core.models import CampaignRecord
from rectify.core.security.validators import validate_not_future
from rectify.enforcement.models.common import HandlerRegionMixin


class ServiceRequest(HandlerRegionMixin, CampaignRecord):
    """An enterprise's difficulty or request (诉求). `unit` is the department handling it; the
    enterprise follows the answer with `tracking_code`, without an account."""

    class Kind(models.TextChoices):
        DIFFICULTY = "difficulty", _("生产经营困难")
        POLICY = "policy", _("政策咨询")
        STANDARDS = "standards", _("标准指导")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("办理中")
        ANSWERED = "answered", _("已答复")

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="+")
    kind = models.CharField(_("诉求类型"), max_length=20, choices=Kind.choices, default=Kind.DIFFICULTY)
    title = models.CharField(_("诉求标题"), max_length=200)
    content = models.TextField(_("诉求内容"))
    received_on = models.DateField(_("受理日期"), validators=[validate_not_future])
    answer = models.TextField(_("答复意见"), blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True, validators=[validate_not_future])
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN, editable=False)
    tracking_code = models.CharField(_("查询码"), max_length=20, unique=True, editable=False)

    class Meta:
        verbose_name = _("企业诉求")
        verbose_name_plural = _("企业诉求")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["-received_on", "-id"])]  # the list's order (core.generic.checks)
        constraints = [models.CheckConstraint(
            condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("received_on")),
            name="service_request_answer_after_receipt")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.title}"

    def clean(self) -> None:
        if self.answered_on and not (self.answer or "").strip():
            raise ValidationError({"answer": _("填写答复日期时须填写答复意见。")})


class CapacityOffer(HandlerRegionMixin, CampaignRecord):
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("供给企业"), on_delete=models.PROTECT,
                                   related_name="+")
    category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), on_delete=models.PROTECT,
                                 related_name="+")
    quantity = models.PositiveIntegerField(_("可调配数量"))
    unit_of_measure = models.CharField(_("计量单位"), max_length=20, default="只")
    available_from = models.DateField(_("可供日期"))
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("产能供给")
        verbose_name_plural = _("产能供给")
        ordering = ["-available_from", "-id"]
        indexes = [models.Index(fields=["-available_from", "-id"])]  # the list's order (core.generic.checks)

    def __str__(self) -> str:
        return f"{self.enterprise} {self.category} {self.quantity}{self.unit_of_measure}"


class CapacityRequest(CampaignRecord):
    requester = models.CharField(_("需求单位"), max_length=200)
    category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), on_delete=models.PROTECT,
                                 related_name="+")
    quantity = models.PositiveIntegerField(_("需求数量"))
    unit_of_measure = models.CharField(_("计量单位"), max_length=20, default="只")
    needed_by = models.DateField(_("需求日期"))
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("产能需求")
        verbose_name_plural = _("产能需求")
        ordering = ["needed_by", "-id"]
        indexes = [models.Index(fields=["needed_by", "-id"])]  # the list's order (core.generic.checks)

    def __str__(self) -> str:
        return f"{self.requester} {self.category} {self.quantity}{self.unit_of_measure}"


class CapacityAllocation(CampaignRecord):
    offer = models.ForeignKey(CapacityOffer, verbose_name=_("产能供给"), on_delete=models.PROTECT,
                              related_name="allocations")
    request = models.ForeignKey(CapacityRequest, verbose_name=_("产能需求"), on_delete=models.PROTECT,
                                related_name="allocations")
    quantity = models.PositiveIntegerField(_("调配数量"), validators=[MinValueValidator(1)])
    allocated_on = models.DateField(_("调配日期"), validators=[validate_not_future])
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("产能调配")
        verbose_name_plural = _("产能调配")
        ordering = ["-allocated_on", "-id"]
        indexes = [models.Index(fields=["-allocated_on", "-id"])]  # the list's order (core.generic.checks)
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="capacity_allocation_positive")]

    def __str__(self) -> str:
        return f"{self.offer} → {self.request.requester} {self.quantity}"

    def clean(self) -> None:
        if self.offer_id and self.request_id and self.offer.category_id != self.request.category_id:
            raise ValidationError({"request": _("供给与需求的产品类别不一致。")})


class GuidanceDocument(CampaignRecord):
    """Guidance on standards published to enterprises; the published ones appear on the portal."""

    title = models.CharField(_("标题"), max_length=200)
    category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    standard_codes = models.CharField(_("涉及标准"), max_length=300, blank=True,
                                      help_text=_("如 GB 19083-2010、GB 2626-2019。"))
    body = models.TextField(_("正文"))
    published = models.BooleanField(_("公开发布"), default=False)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("标准指导文件")
        verbose_name_plural = _("标准指导文件")
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["-published_on", "-id"])]  # the list's order (core.generic.checks)
        constraints = [models.CheckConstraint(condition=Q(published=False) | Q(published_on__isnull=False),
                                              name="guidance_published_has_date")]

    def __str__(self) -> str:
        return self.title


class Notice(CampaignRecord):
    """A campaign notice or a published reporting channel (通告、举报渠道), shown on the public
    portal. Kept here, not in the portal app, so its internal pages live outside /public/."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("通知公告")
        CHANNEL = "channel", _("举报渠道")
        GUIDE = "guide", _("办事指南")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.NOTICE)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    published = models.BooleanField(_("公开发布"), default=False)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("公告")
        verbose_name_plural = _("公告与举报渠道")
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["-published_on", "-id"])]  # the list's order (core.generic.checks)
        constraints = [models.CheckConstraint(condition=Q(published=False) | Q(published_on__isnull=False),
                                              name="notice_published_has_date")]

    def __str__(self) -> str:
        return self.title
