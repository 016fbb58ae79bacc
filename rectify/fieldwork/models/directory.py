"""Directory of testing institutions and certification bodies (检验检测机构和认证机构名录)."""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.core.models import ScopedRecord
from rectify.core.scope import ScopeSpec


class TestingInstitution(ScopedRecord):
    """A testing institution or certification body, domestic or of a major export jurisdiction.

    Kept by the province (owner unit: the provincial office or the provincial market-regulation
    bureau — certification and testing bodies are market regulation's line), but every unit must
    read it: cities pick it on samples, customs on export checks, the portal publishes it. So the
    rows carry no region/line constraint (everyone with a records role reads them) and the write
    services (`institution_save`) accept only provincial units. A reference-area model would have
    left it to the system administrator, who is not the business owner of the list."""

    __test__ = False  # "Test..." name: not a pytest class

    class Kind(models.TextChoices):
        TESTING = "testing", _("检验检测机构")
        CERTIFICATION = "certification", _("认证机构")

    class Jurisdiction(models.TextChoices):
        DOMESTIC = "domestic", _("国内")
        EU = "eu", _("欧盟")
        US = "us", _("美国")
        UK = "uk", _("英国")
        JP = "jp", _("日本")
        KR = "kr", _("韩国")
        AU = "au", _("澳大利亚")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        SUSPENDED = "suspended", _("暂停")
        REVOKED = "revoked", _("撤销")
        EXPIRED = "expired", _("过期")

    name = models.CharField(_("机构名称"), max_length=200, db_index=True)
    kind = models.CharField(_("机构类型"), max_length=20, choices=Kind.choices)
    accreditation_number = models.CharField(_("资质认定/批准编号"), max_length=100, blank=True)
    scope_text = models.TextField(_("业务范围"), blank=True)
    jurisdiction = models.CharField(_("所属法域"), max_length=20, choices=Jurisdiction.choices, default=Jurisdiction.DOMESTIC)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.VALID, db_index=True)
    valid_from = models.DateField(_("有效期自"), null=True, blank=True)
    valid_to = models.DateField(_("有效期至"), null=True, blank=True)
    website = models.URLField(_("网址"), blank=True)
    notes = models.TextField(_("备注"), blank=True)

    scope = ScopeSpec(region=None, county=None, line=None, province_owned=True)

    class Meta:
        verbose_name = _("检验检测认证机构")
        verbose_name_plural = _("检验检测认证机构名录")
        ordering = ["kind", "jurisdiction", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "accreditation_number"], condition=~Q(accreditation_number=""),
                                    name="institution_accreditation_unique"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="institution_valid_range"),
        ]

    def __str__(self) -> str:
        return self.name
