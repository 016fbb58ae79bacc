"""Price supervision (哄抬价格、囤积居奇).

- `PriceObservation`: one price seen at one outlet on one day, with where it came from.
- `PriceBaseline`: the reference price of a product in a region (e.g. the pre-epidemic price).
- `PriceRule`: a configurable check (kind + threshold); the thresholds are data, not code.
- `PriceFlag`: a suspicion raised by a rule, with the observations behind it; it becomes a lead
  or a price case through the enforcement services.
"""
from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import ScopeSpec
from rectify.core.models import CampaignRecord
from rectify.core.security.validators import validate_not_future
from rectify.enforcement.models.common import HandlerRegionMixin

MONEY = {"max_digits": 12, "decimal_places": 2}
POSITIVE = [MinValueValidator(Decimal("0"))]
# Configuration read by every unit (cities evaluate against provincial rules and baselines).
# A baseline belongs to the unit that set it (a city may set its own city's); the rules are the
# provincial units' (core.access.scope: province_owned).
SHARED_CONFIG = ScopeSpec(region=None, county=None, line=None)
PROVINCIAL_CONFIG = ScopeSpec(region=None, county=None, line=None, province_owned=True)


class PriceObservation(HandlerRegionMixin, CampaignRecord):
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


class PriceBaseline(CampaignRecord):
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


class PriceRule(CampaignRecord):
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


class PriceFlag(HandlerRegionMixin, CampaignRecord):
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
    lead = models.ForeignKey("enforcement.Lead", verbose_name=_("线索"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+", editable=False)
    case = models.ForeignKey("enforcement.Case", verbose_name=_("案件"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+", editable=False)

    class Meta:
        verbose_name = _("价格预警")
        verbose_name_plural = _("价格预警")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"])]  # the list's order (core.generic.checks)
        constraints = [models.UniqueConstraint(fields=["rule", "observation"], name="price_flag_once_per_rule")]

    def __str__(self) -> str:
        return f"{self.outlet_name}：{self.rule}"
