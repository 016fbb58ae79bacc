"""The organisation as data: regions, departments, units, the campaign and its catalogues."""
from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.models import BaseModel
from rectify.core.querysets import RestrictedQuerySet


class Line(models.TextChoices):
    """A department's line of work: what its units see across regions."""

    MARKET = "market", _("市场监管")
    DRUG = "drug", _("药品监管")
    CUSTOMS = "customs", _("海关")
    POLICE = "police", _("公安")
    COMMERCE = "commerce", _("商务")
    NDRC = "ndrc", _("发展改革")
    MIIT = "miit", _("工业和信息化")


class Region(BaseModel):
    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("区县")

    code = models.CharField(_("行政区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    perm_area = "reference"

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    label_fields = ("name",)

    def __str__(self) -> str:
        return self.name

    @property
    def city(self) -> Region | None:
        if self.level == self.Level.CITY:
            return self
        if self.level == self.Level.COUNTY:
            return self.parent
        return None


class Department(BaseModel):
    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    short_name = models.CharField(_("简称"), max_length=20)
    line = models.CharField(_("业务条线"), max_length=20, choices=Line.choices)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    perm_area = "reference"

    class Meta:
        verbose_name = _("成员部门")
        verbose_name_plural = _("成员部门")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Unit(BaseModel):
    """A department in a region (沈阳市市场监督管理局), or a working-group office (is_office)."""

    code = models.CharField(_("单位代码"), max_length=40, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="units")
    region = models.ForeignKey(Region, verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="units")
    covers = models.ManyToManyField(
        Region, verbose_name=_("管辖地区"), blank=True, related_name="covering_units",
        help_text=_("跨市管辖的单位（如海关）所覆盖的市；为空时即所在地区。"),
    )
    is_office = models.BooleanField(_("专项工作组办公室"), default=False)
    parent = models.ForeignKey("self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    perm_area = "reference"

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["region__code", "-is_office", "department__order"]

    label_fields = ("name",)

    def __str__(self) -> str:
        return self.name

    @property
    def is_provincial(self) -> bool:
        return self.region.level == Region.Level.PROVINCE

    @property
    def is_provincial_office(self) -> bool:
        return self.is_office and self.is_provincial

    @property
    def city(self) -> Region:
        """The city a unit's own records belong to; the province itself for provincial units."""
        return self.region.city or self.region

    @property
    def county(self) -> Region | None:
        return self.region if self.region.level == Region.Level.COUNTY else None

    def covered_city_ids(self) -> list[int]:
        cached = getattr(self, "_covered_city_ids", None)
        if cached is None:
            cached = list(self.covers.values_list("pk", flat=True)) or [self.city.pk]
            self._covered_city_ids = cached
        return cached


class Campaign(BaseModel):
    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("组织地区"), on_delete=models.PROTECT, related_name="+")
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    weekly_deadline_weekday = models.PositiveSmallIntegerField(
        _("周报截止星期"), default=3, help_text=_("0=周一 … 3=周四 … 6=周日")
    )
    weekly_deadline_time = models.TimeField(_("周报截止时间"), default=datetime.time(14, 0))
    final_summary_due = models.DateField(_("总结报送截止日期"))
    report_email = models.EmailField(_("报送邮箱"), blank=True)
    is_active = models.BooleanField(_("进行中"), default=True)

    perm_area = "reference"

    class Meta:
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="campaign_end_after_start"),
            models.CheckConstraint(condition=models.Q(weekly_deadline_weekday__lte=6), name="campaign_weekday_range"),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Campaign | None:
        """The campaign users work in: the active one that started last."""
        return cls.objects.filter(is_active=True).order_by("-start", "-pk").first()

    @classmethod
    def current_subquery(cls) -> models.Subquery:
        """`current()`'s id inside another query: choices narrowed by it cost no query of their own
        and are cached under their SQL (core/dataversion/counting.py) like any other."""
        return models.Subquery(cls.objects.filter(is_active=True).order_by("-start", "-pk").values("pk")[:1])


class CampaignBoundQuerySet(RestrictedQuerySet):
    def current(self) -> CampaignBoundQuerySet:
        """The rows of the current campaign (Campaign.current())."""
        return self.filter(campaign=Campaign.current_subquery())


class CampaignBound(models.Model):
    """A catalogue row that belongs to one campaign. Forms, filters and API writes offer only the
    current campaign's rows (core.generic.builders.current_choices): a second campaign's categories, often
    named alike, never appear beside the first's. A record that already holds an earlier campaign's
    row keeps it as a choice, so editing last year's case does not force this year's category on it."""

    objects = CampaignBoundQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def narrow_choices(cls, queryset: models.QuerySet, held: list | tuple = ()) -> models.QuerySet:
        current = models.Q(campaign=Campaign.current_subquery())
        return queryset.filter(current | models.Q(pk__in=held) if held else current)


class Phase(BaseModel):
    campaign = models.ForeignKey(Campaign, verbose_name=_("专项行动"), on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("阶段"), max_length=50)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    tasks = models.TextField(_("工作要求"), blank=True)

    perm_area = "reference"

    class Meta:
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")
        ordering = ["campaign", "order"]
        constraints = [models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="phase_end_after_start")]

    def __str__(self) -> str:
        return f"{self.name}（{self.start:%m-%d}至{self.end:%m-%d}）"


class ProductCategory(CampaignBound, BaseModel):
    campaign = models.ForeignKey(Campaign, verbose_name=_("专项行动"), on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(_("代码"), max_length=30)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("报表行序"), default=0)
    is_raw_material = models.BooleanField(_("原辅材料"), default=False)
    is_medical = models.BooleanField(_("医用防疫物资"), default=False)

    perm_area = "reference"

    class Meta:
        verbose_name = _("产品类别")
        verbose_name_plural = _("产品类别")
        ordering = ["campaign", "order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="category_code_unique")]

    label_fields = ("name",)

    def __str__(self) -> str:
        return self.name


class CaseCategory(CampaignBound, BaseModel):
    campaign = models.ForeignKey(Campaign, verbose_name=_("专项行动"), on_delete=models.CASCADE, related_name="case_categories")
    code = models.CharField(_("代码"), max_length=30)
    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    line = models.CharField(_("主责条线"), max_length=20, choices=Line.choices, blank=True)

    perm_area = "reference"

    class Meta:
        verbose_name = _("案件类别")
        verbose_name_plural = _("案件类别")
        ordering = ["campaign", "order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="case_category_code_unique")]

    label_fields = ("name",)

    def __str__(self) -> str:
        return self.name
