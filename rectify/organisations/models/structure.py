"""The organisation as data: lines of work, regions, departments and the units they make up."""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.core.models import BaseModel


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
    parent = models.ForeignKey("self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")

    perm_area = "reference"

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    label_fields = ("name",)

    def __str__(self) -> str:
        return self.name

    @classmethod
    def narrow_for(cls, queryset: models.QuerySet, user, held: list | tuple = ()) -> models.QuerySet:
        """The regions a form offers `user` (core.generic.builders.offered): a provincial unit's every
        region; a city unit's covered cities and their counties; a county unit's city and county —
        and whatever the edited record already holds."""
        unit = getattr(user, "unit", None)
        if unit is None:
            return queryset.none()
        if unit.is_provincial:
            return queryset
        cities = unit.covered_city_ids()
        mine = Q(pk__in=cities) | (Q(pk=unit.region_id) if unit.county is not None else Q(parent_id__in=cities))
        return queryset.filter(mine | Q(pk__in=list(held)))

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
    parent = models.ForeignKey("self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    perm_area = "reference"

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["region__code", "-is_office", "department__order"]

    label_fields = ("name",)
    picker_search = ("name", "code")

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
