"""Price supervision (哄抬价格、囤积居奇) and service to market entities (服务市场主体).

- `PriceObservation`: one price seen at one outlet on one day, with where it came from.
- `PriceBaseline`: the reference price of a product in a region (e.g. the pre-epidemic price).
- `PriceRule`: a configurable check (kind + threshold); the thresholds are data, not code.
- `PriceFlag`: a suspicion raised by a rule, with the observations behind it; it becomes a lead
  or a price case through the enforcement services.
- `ServiceRequest`, `CapacityOffer`/`CapacityRequest`/`CapacityAllocation`, `GuidanceDocument`:
  task 6 of the plan.
"""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import ScopeSpec
from rectify.core.models import ScopedRecord
from rectify.core.security.validators import validate_not_future
from rectify.enforcement.models.common import HandlerRegionMixin

MONEY = {"max_digits": 12, "decimal_places": 2}
POSITIVE = [MinValueValidator(Decimal("0"))]
# Configuration read by every unit (cities evaluate against provincial rules and baselines).
# A baseline belongs to the unit that set it (a city may set its own city's); the rules are the
# provincial units' (core.access.scope: province_owned).
SHARED_CONFIG = ScopeSpec(region=None, county=None, line=None)
PROVINCIAL_CONFIG = ScopeSpec(region=None, county=None, line=None, province_owned=True)


class PriceObservation(HandlerRegionMixin, ScopedRecord):
    class Source(models.TextChoices):
        INSPECTION = "inspection", _("现场检查")
        COMPLAINT = "complaint", _("投诉举报")
        ONLINE = "online", _("网络监测")
        MONITORING = "monitoring", _("价格监测点")

    outlet_name = models.CharField(_("经营场所/店铺"), max_length=200, db_index=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("经营者（企业）"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    product = models.CharField(_("商品名称"), max_length=100, db_index=True)
    specification = models.CharField(_("规格型号"), max_length=100, blank=True)
    category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), on_delete=models.PROTECT,
                                 related_name="+")
    unit_of_sale = models.CharField(_("计价单位"), max_length=20, default="只")
    price = models.DecimalField(_("销售价格（元）"), validators=POSITIVE, **MONEY)
    purchase_cost = models.DecimalField(_("进货成本（元）"), null=True, blank=True, validators=POSITIVE, **MONEY)
    stock_quantity = models.PositiveIntegerField(_("库存数量"), null=True, blank=True)
    normal_daily_sales = models.PositiveIntegerField(_("正常日均销量"), null=True, blank=True,
                                                     help_text=_("用于判断囤积：库存 ÷ 正常日均销量。"))
    observed_on = models.DateField(_("采集日期"), validators=[validate_not_future])
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.INSPECTION)
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("价格监测记录")
        verbose_name_plural = _("价格监测记录")
        ordering = ["-observed_on", "-id"]
        indexes = [models.Index(fields=["-observed_on", "-id"]),  # the list's order (core.generic.checks)
                   models.Index(fields=["category", "region", "observed_on"]),
                   models.Index(fields=["outlet_name", "product", "observed_on"])]
        constraints = [models.CheckConstraint(condition=Q(price__gte=0), name="price_observation_price_nonneg")]

    def __str__(self) -> str:
        return f"{self.outlet_name} {self.product} {self.price}元/{self.unit_of_sale}（{self.observed_on}）"


class PriceBaseline(ScopedRecord):
    """The reference price of a product (or a whole category when `product` is empty) in a city,
    or in the whole province when `area` is empty. The newest valid one applies."""

    category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), on_delete=models.PROTECT,
                                 related_name="+")
    product = models.CharField(_("商品名称"), max_length=100, blank=True, help_text=_("留空表示整个类别。"))
    specification = models.CharField(_("规格型号"), max_length=100, blank=True)
    area = models.ForeignKey("organisations.Region", verbose_name=_("适用地区"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+", help_text=_("留空表示全省。"))
    unit_of_sale = models.CharField(_("计价单位"), max_length=20, default="只")
    price = models.DecimalField(_("基准价格（元）"), validators=POSITIVE, **MONEY)
    basis = models.CharField(_("基准依据"), max_length=100, default="疫情前价格")
    valid_from = models.DateField(_("适用起始日期"))

    scope = SHARED_CONFIG

    class Meta:
        verbose_name = _("价格基准")
        verbose_name_plural = _("价格基准")
        ordering = ["category", "product", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["category", "product", "specification", "area", "valid_from"],
                                               name="price_baseline_unique")]

    def __str__(self) -> str:
        return f"{self.product or self.category} {self.area or '全省'} {self.price}元"


class PriceRule(ScopedRecord):
    class Kind(models.TextChoices):
        MARKUP = "markup", _("购销差价率超过（%）")
        ABOVE_BASELINE = "above_baseline", _("高于基准价格超过（%）")
        RISE = "rise", _("N日内涨幅超过（%）")
        HOARDING = "hoarding", _("库存超过正常日均销量（倍）")

    name = models.CharField(_("规则名称"), max_length=100)
    kind = models.CharField(_("规则类型"), max_length=20, choices=Kind.choices)
    threshold = models.DecimalField(_("阈值"), max_digits=10, decimal_places=2, validators=POSITIVE)
    window_days = models.PositiveSmallIntegerField(_("观察天数"), default=7, help_text=_("仅“N日内涨幅”使用。"))
    weight = models.PositiveSmallIntegerField(_("权重"), default=1, help_text=_("多条规则命中时用于排序。"))
    active = models.BooleanField(_("启用"), default=True)

    scope = PROVINCIAL_CONFIG

    class Meta:
        verbose_name = _("价格预警规则")
        verbose_name_plural = _("价格预警规则")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class PriceFlag(HandlerRegionMixin, ScopedRecord):
    """A suspicion of gouging or hoarding. Owned by the unit that recorded the observation."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        LEAD = "lead", _("已转线索")
        CASE = "case", _("已立案")
        DISMISSED = "dismissed", _("已排除")

    rule = models.ForeignKey(PriceRule, verbose_name=_("命中规则"), on_delete=models.PROTECT, related_name="flags")
    observation = models.ForeignKey(PriceObservation, verbose_name=_("触发记录"), on_delete=models.CASCADE,
                                    related_name="flags")
    observations = models.ManyToManyField(PriceObservation, verbose_name=_("依据记录"), related_name="+", blank=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("经营者（企业）"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    outlet_name = models.CharField(_("经营场所/店铺"), max_length=200)
    measured = models.DecimalField(_("测算值"), max_digits=12, decimal_places=2)
    threshold = models.DecimalField(_("阈值"), max_digits=10, decimal_places=2)
    explanation = models.TextField(_("说明"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN, editable=False,
                              db_index=True)
    lead = models.ForeignKey("enforcement.Lead", verbose_name=_("线索"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", editable=False)
    case = models.ForeignKey("enforcement.Case", verbose_name=_("案件"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", editable=False)

    class Meta:
        verbose_name = _("价格预警")
        verbose_name_plural = _("价格预警")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"])]  # the list's order (core.generic.checks)
        constraints = [models.UniqueConstraint(fields=["rule", "observation"], name="price_flag_once_per_rule")]

    def __str__(self) -> str:
        return f"{self.outlet_name}：{self.rule}"


# -- service to market entities -------------------------------------------------------------------
class ServiceRequest(HandlerRegionMixin, ScopedRecord):
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
        constraints = [models.CheckConstraint(condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("received_on")),
                                              name="service_request_answer_after_receipt")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.title}"

    def clean(self) -> None:
        if self.answered_on and not (self.answer or "").strip():
            raise ValidationError({"answer": _("填写答复日期时须填写答复意见。")})


class CapacityOffer(HandlerRegionMixin, ScopedRecord):
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


class CapacityRequest(ScopedRecord):
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


class CapacityAllocation(ScopedRecord):
    offer = models.ForeignKey(CapacityOffer, verbose_name=_("产能供给"), on_delete=models.PROTECT, related_name="allocations")
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


class GuidanceDocument(ScopedRecord):
    """Guidance on standards published to enterprises; the published ones appear on the portal."""

    title = models.CharField(_("标题"), max_length=200)
    category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    standard_codes = models.CharField(_("涉及标准"), max_length=300, blank=True, help_text=_("如 GB 19083-2010、GB 2626-2019。"))
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


class Notice(ScopedRecord):
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
        constraints = [models.CheckConstraint(condition=models.Q(published=False) | models.Q(published_on__isnull=False),
                                              name="notice_published_has_date")]

    def __str__(self) -> str:
        return self.title
