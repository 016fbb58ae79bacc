"""Information sharing (信息通报) between the member units: public opinion (舆情), subject information
(主体信息), complaint analysis (投诉分析) — and the urgent report (紧急专报) that goes straight to the
provincial office — with each receiving unit's receipt (签收)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import ScopeSpec
from rectify.core.clock import format_moment
from rectify.core.models import BaseModel, CampaignRecord
from rectify.core.security.validators import validate_not_future


class Bulletin(CampaignRecord):
    """A bulletin from `unit` to the units of the chosen departments in the chosen cities (or the
    province), resolved once when it is sent into `recipients` (services.bulletin_send); an urgent
    report goes to the provincial office besides. Placed where the sending unit is; every
    recipient sees it, of any city or line. A sent bulletin is not rewritten: a correction is a
    new bulletin."""

    class Kind(models.TextChoices):
        PUBLIC_OPINION = "public_opinion", _("舆情信息")
        SUBJECT = "subject", _("主体信息")
        COMPLAINT_ANALYSIS = "complaint_analysis", _("投诉分析")
        URGENT = "urgent", _("紧急专报")
        OTHER = "other", _("其他信息")

    kind = models.CharField(_("信息类别"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"))
    issued_on = models.DateField(_("通报日期"), validators=[validate_not_future])
    to_departments = models.ManyToManyField("organisations.Department", verbose_name=_("通报部门"), blank=True,
                                            related_name="+", help_text=_("紧急专报直报省专项办，可不选"))
    to_regions = models.ManyToManyField("organisations.Region", verbose_name=_("通报地区"), blank=True,
                                        related_name="+", limit_choices_to={"level__in": ["province", "city"]},
                                        help_text=_("选择“辽宁省”即通报所选部门的省级单位"))
    recipients = models.ManyToManyField("organisations.Unit", verbose_name=_("接收单位"), related_name="+",
                                        editable=False)

    scope = ScopeSpec(shared="recipients")

    class Meta:
        verbose_name = _("信息通报")
        verbose_name_plural = _("信息通报与专报")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["-issued_on", "-id"]),  # the list's order (core.generic.checks)
            models.Index(fields=["region", "-issued_on", "-id"], name="fw_bulletin_region_issued"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"


class BulletinReceipt(BaseModel):
    """A receiving unit's receipt of a bulletin: who signed for it and when (once per unit)."""

    bulletin = models.ForeignKey(Bulletin, verbose_name=_("信息通报"), on_delete=models.CASCADE,
                                 related_name="receipts")
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("接收单位"), on_delete=models.PROTECT,
                             related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签收人"), on_delete=models.PROTECT,
                             related_name="+")
    read_at = models.DateTimeField(_("签收时间"))

    scope = ScopeSpec(region="bulletin__region", county="bulletin__county", line="bulletin__line",
                      owner="bulletin__unit", shared="unit")

    class Meta:
        verbose_name = _("通报签收")
        verbose_name_plural = _("通报签收")
        ordering = ["bulletin", "read_at", "id"]
        constraints = [models.UniqueConstraint(fields=["bulletin", "unit"], name="bulletin_receipt_once_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} · {format_moment(self.read_at)}"
