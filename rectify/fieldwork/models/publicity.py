"""Publicity (宣传报道): what each city published about the campaign, where and when, with its link or
a scan of the printed piece."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import ScopeSpec
from rectify.core.models import CampaignRecord
from rectify.core.security.validators import validate_not_future
from rectify.enterprises.models import LETTER_EXTENSIONS, validate_scan


class PublicityReport(CampaignRecord):
    """A report published by `unit`'s city (placed where the unit is). Publicity is every line's work
    and the city's to count, so every unit of the city sees it (no line constraint). Its scan is an
    upload opened only through the guarded file view (/files/…), like a letter's."""

    class Channel(models.TextChoices):
        TV = "tv", _("电视")
        RADIO = "radio", _("广播")
        NEWSPAPER = "newspaper", _("报纸")
        GOV_SITE = "gov_site", _("政府网站")
        NEWS_SITE = "news_site", _("新闻网站")
        WECHAT = "wechat", _("微信公众号")
        WEIBO = "weibo", _("微博")
        OTHER = "other", _("其他")

    published_on = models.DateField(_("发布日期"), validators=[validate_not_future])
    channel = models.CharField(_("宣传渠道"), max_length=20, choices=Channel.choices)
    outlet = models.CharField(_("媒体名称"), max_length=100, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    link = models.URLField(_("链接"), max_length=500, blank=True)
    scan = models.FileField(_("扫描件或截图"), upload_to="publicity/%Y/%m/", blank=True,
                            validators=[FileExtensionValidator(LETTER_EXTENSIONS), validate_scan],
                            help_text=_("PDF 或图片，不超过 20 MB；有链接的可不上传。"))
    notes = models.TextField(_("备注"), blank=True)

    scope = ScopeSpec(line=None)

    class Meta:
        verbose_name = _("宣传报道")
        verbose_name_plural = _("宣传报道")
        ordering = ["-published_on", "-id"]
        indexes = [
            models.Index(fields=["-published_on", "-id"]),  # the list's order (core.generic.checks)
            models.Index(fields=["region", "-published_on", "-id"], name="fw_publicity_region_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}：{self.title}"

    def clean(self) -> None:
        super().clean()
        if not self.link and not self.scan:
            raise ValidationError({"link": _("请填写链接或上传扫描件（截图），二者至少其一。")})
