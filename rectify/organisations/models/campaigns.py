"""The campaign and what belongs to it: its phases and the product and case categories of its tables."""
from __future__ import annotations

import datetime

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core import clock
from rectify.core.access.scope import PROVINCIAL_OFFICE_DATA
from rectify.core.current import chosen_campaign_id
from rectify.core.models import BaseModel
from rectify.core.querysets import RestrictedQuerySet

from .structure import Line, Region

WEEKDAYS = ((0, _("周一")), (1, _("周二")), (2, _("周三")), (3, _("周四")), (4, _("周五")), (5, _("周六")),
            (6, _("周日")))


class WeekdayField(models.PositiveSmallIntegerField):
    """A day of the week stored as 0 (Monday) … 6, chosen and read as 周一…周日. It deconstructs as the
    plain integer field it was created as: the words are the forms', the column does not change."""

    def formfield(self, **kwargs):
        return forms.TypedChoiceField(label=self.verbose_name, choices=WEEKDAYS, coerce=int,
                                      required=not self.blank, initial=self.default)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.PositiveSmallIntegerField", args, kwargs


class Campaign(BaseModel):
    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("组织地区"), on_delete=models.PROTECT, related_name="+")
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    weekly_deadline_weekday = WeekdayField(_("周报截止星期"), default=3, help_text=_("0=周一 … 3=周四 … 6=周日"))
    weekly_deadline_time = models.TimeField(_("周报截止时间"), default=datetime.time(14, 0))
    final_summary_due = models.DateField(_("总结报送截止日期"))
    report_email = models.EmailField(_("报送邮箱"), blank=True)
    is_active = models.BooleanField(_("进行中"), default=True)

    # Set up by the provincial office, read by every unit (core.access: area "campaign").
    perm_area = "campaign"
    scope = PROVINCIAL_OFFICE_DATA

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

    # Starting and stopping a campaign is a step of its own (reports.services.campaign_activate,
    # campaign_deactivate): it is checked that the campaign's tables can be computed first.
    frozen_message = _("启用或停用专项行动请使用专项行动页面上的“启用”“停用”按钮。")

    def frozen_fields(self) -> tuple[str, ...]:
        return ("is_active",)

    def shown_weekly_deadline_weekday(self) -> str:
        return str(dict(WEEKDAYS).get(self.weekly_deadline_weekday, self.weekly_deadline_weekday))

    def shown_weekly_deadline_time(self) -> str:
        return f"{self.weekly_deadline_time:%H:%M}"

    def weekly_deadline_text(self) -> str:
        """"每周四 14:00 前": the weekly deadline as the pages and notices say it."""
        return str(_("每%(weekday)s %(time)s 前") % {"weekday": self.shown_weekly_deadline_weekday(),
                                                     "time": self.shown_weekly_deadline_time()})

    @property
    def status_label(self) -> str:
        """进行中, or why records can no longer (or cannot yet) be added: 已结束 / 筹备中."""
        if self.is_active:
            return str(_("进行中"))
        return str(_("已结束")) if self.end < clock.today() else str(_("筹备中"))

    @classmethod
    def default(cls) -> Campaign | None:
        """The campaign of a user who chose none: the active one that started last."""
        return cls.objects.filter(is_active=True).order_by("-start", "-pk").first()

    @classmethod
    def current(cls) -> Campaign | None:
        """The campaign the user works in: the one chosen in the top bar (or by a command's
        --campaign), otherwise the default."""
        chosen = chosen_campaign_id()
        if chosen is not None:
            campaign = cls.objects.filter(pk=chosen).first()
            if campaign is not None:
                return campaign
        return cls.default()

    @classmethod
    def current_subquery(cls) -> CurrentCampaign:
        """`current()`'s id inside another query, decided when the query runs (a form's choices
        are built once, at import): choices narrowed by it cost no query of their own and are
        cached under their SQL (core/dataversion/counting.py) like any other."""
        return CurrentCampaign()


class CurrentCampaign(models.Expression):
    """The id of the campaign the user works in, as SQL: the chosen id as a parameter, or the
    default campaign as a subquery."""

    output_field = models.BigIntegerField()

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.default = models.Subquery(
            Campaign.objects.filter(is_active=True).order_by("-start", "-pk").values("pk")[:1]
        ).resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return clone

    def as_sql(self, compiler, connection):
        chosen = chosen_campaign_id()
        if chosen is not None:
            return "%s", [chosen]
        return compiler.compile(self.default)

    def get_group_by_cols(self):
        return []


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

    # Set up by the provincial office, read by every unit (core.access: area "campaign").
    perm_area = "campaign"
    scope = PROVINCIAL_OFFICE_DATA

    class Meta:
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")
        ordering = ["campaign", "order"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="phase_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.start:%m-%d}至{self.end:%m-%d}）"


class ProductCategory(CampaignBound, BaseModel):
    campaign = models.ForeignKey(Campaign, verbose_name=_("专项行动"), on_delete=models.CASCADE,
                                 related_name="categories")
    code = models.CharField(_("代码"), max_length=30)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("报表行序"), default=0)
    is_raw_material = models.BooleanField(_("原辅材料"), default=False)
    is_medical = models.BooleanField(_("医用防疫物资"), default=False)

    # Set up by the provincial office, read by every unit (core.access: area "campaign").
    perm_area = "campaign"
    scope = PROVINCIAL_OFFICE_DATA

    class Meta:
        verbose_name = _("产品类别")
        verbose_name_plural = _("产品类别")
        ordering = ["campaign", "order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="category_code_unique")]

    label_fields = ("name",)

    def __str__(self) -> str:
        return self.name


class CaseCategory(CampaignBound, BaseModel):
    campaign = models.ForeignKey(Campaign, verbose_name=_("专项行动"), on_delete=models.CASCADE,
                                 related_name="case_categories")
    code = models.CharField(_("代码"), max_length=30)
    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    line = models.CharField(_("主责条线"), max_length=20, choices=Line.choices, blank=True)

    # Set up by the provincial office, read by every unit (core.access: area "campaign").
    perm_area = "campaign"
    scope = PROVINCIAL_OFFICE_DATA

    class Meta:
        verbose_name = _("案件类别")
        verbose_name_plural = _("案件类别")
        ordering = ["campaign", "order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="case_category_code_unique")]

    label_fields = ("name",)

    def __str__(self) -> str:
        return self.name
