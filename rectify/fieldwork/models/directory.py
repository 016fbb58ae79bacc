"""Directory of testing institutions and certification bodies (检验检测机构和认证机构名录)."""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import ScopeSpec
from rectify.core.models import ScopedRecord
from rectify.core.querysets import RestrictedQuerySet


class InstitutionQuerySet(RestrictedQuerySet):
    def doing(self, kind: str) -> InstitutionQuerySet:
        """The bodies the directory records as doing `kind` (a `TestingInstitution.Kind` value)."""
        return self.filter(**{TestingInstitution.ROLE_FIELDS[kind]: True})


class TestingInstitution(ScopedRecord):
    """A testing institution or certification body, domestic or of a major export jurisdiction.

    Kept by the province (owner unit: the provincial office or the provincial market-regulation
    bureau — certification and testing bodies are market regulation's line), but every unit must
    read it: cities pick it on samples, customs on export checks, the portal publishes it. So the
    rows carry no region/line constraint (everyone with a records role reads them) and the write
    services (`institution_save`) accept only provincial units. A reference-area model would have
    left it to the system administrator, who is not the business owner of the list.

    What a body may do is two flags, not one kind: many bodies (SGS, TÜV SÜD, the provincial
    institutes) both certify and test, and each record that names a body asks for one of the two
    (a sample's lab must test; see `role_refusal`)."""

    __test__ = False  # "Test..." name: not a pytest class

    class Kind(models.TextChoices):
        """What a body does: each a flag of its own (ROLE_FIELDS)."""

        TESTING = "testing", _("检验检测机构")
        CERTIFICATION = "certification", _("认证机构")

    ROLE_FIELDS = {Kind.TESTING: "is_testing_lab", Kind.CERTIFICATION: "is_certification_body"}

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
    is_testing_lab = models.BooleanField(_("检验检测机构"), default=False,
                                         help_text=_("从事检验检测，可选作抽检样品的检验机构"))
    is_certification_body = models.BooleanField(_("认证机构"), default=False, help_text=_("从事认证，可颁发认证证书"))
    accreditation_number = models.CharField(_("资质认定/批准编号"), max_length=100, blank=True)
    scope_text = models.TextField(_("业务范围"), blank=True)
    jurisdiction = models.CharField(_("所属法域"), max_length=20, choices=Jurisdiction.choices,
                                    default=Jurisdiction.DOMESTIC)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.VALID, db_index=True)
    valid_from = models.DateField(_("有效期自"), null=True, blank=True)
    valid_to = models.DateField(_("有效期至"), null=True, blank=True)
    website = models.URLField(_("网址"), blank=True)
    notes = models.TextField(_("备注"), blank=True)

    scope = ScopeSpec(region=None, county=None, line=None, province_owned=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("检验检测认证机构")
        verbose_name_plural = _("检验检测认证机构名录")
        ordering = ["jurisdiction", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(is_testing_lab=True) | Q(is_certification_body=True),
                                   name="institution_has_a_role",
                                   violation_error_message=_("请至少勾选一项：检验检测机构或认证机构。")),
            # One body, one row: a body that both tests and certifies is one row with both flags.
            models.UniqueConstraint(fields=["accreditation_number"], condition=~Q(accreditation_number=""),
                                    name="institution_accreditation_unique",
                                    violation_error_message=_("该资质认定/批准编号已登记在名录中的另一机构名下。")),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True)
                                   | Q(valid_to__gte=models.F("valid_from")), name="institution_valid_range"),
        ]

    def __str__(self) -> str:
        return self.name

    def does(self, kind: str) -> bool:
        return bool(getattr(self, self.ROLE_FIELDS[kind]))

    def get_kinds_display(self) -> str:
        """What the body does, in words: "检验检测机构、认证机构"."""
        return "、".join(str(label) for kind, label in self.Kind.choices if self.does(kind))

    def role_refusal(self, kind: str, use: str) -> str | None:
        """Why this body cannot be named as `use` (e.g. "样品的检验机构"), which asks for `kind`;
        None when it can."""
        if self.does(kind):
            return None
        return _("“%(body)s”在名录中登记为%(roles)s，不是%(kind)s，不能作为%(use)s。") % {
            "body": self.name, "roles": self.get_kinds_display() or _("未登记类型的机构"),
            "kind": self.Kind(kind).label, "use": use}
