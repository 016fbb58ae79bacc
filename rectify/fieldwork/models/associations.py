"""Industry associations and self-discipline (行业协会自律): the associations a unit guides, the
conventions they adopt (自律公约) and their member enterprises' signed commitments (自律承诺)."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import RECORD_SCOPE, ScopeSpec
from rectify.core.models import BaseModel, ScopedRecord
from rectify.core.security.validators import validate_not_future


class IndustryAssociation(ScopedRecord):
    """An association guided by `unit` (usually a market regulator), placed where that unit is, with
    its member enterprises."""

    name = models.CharField(_("协会名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact = models.CharField(_("联系人及电话"), max_length=100, blank=True)
    members = models.ManyToManyField("enterprises.Enterprise", verbose_name=_("会员企业"), blank=True,
                                     related_name="associations")
    notes = models.TextField(_("备注"), blank=True)

    scope = RECORD_SCOPE
    label_fields = ("name",)

    class Meta:
        verbose_name = _("行业协会")
        verbose_name_plural = _("行业协会")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name", "id"])]  # the list's order (core.generic.checks)

    def __str__(self) -> str:
        return self.name


class SelfDisciplineConvention(BaseModel):
    """A self-discipline convention an association adopted; it belongs to the association."""

    association = models.ForeignKey(IndustryAssociation, verbose_name=_("行业协会"), on_delete=models.CASCADE,
                                    related_name="conventions")
    title = models.CharField(_("公约名称"), max_length=200)
    adopted_on = models.DateField(_("发布日期"), validators=[validate_not_future])
    content = models.TextField(_("公约内容"))

    scope = ScopeSpec(region="association__region", county="association__county", line="association__line",
                      owner="association__unit")
    label_fields = ("title",)

    class Meta:
        verbose_name = _("自律公约")
        verbose_name_plural = _("自律公约")
        ordering = ["-adopted_on", "-id"]
        indexes = [models.Index(fields=["-adopted_on", "-id"])]  # the list's order (core.generic.checks)

    def __str__(self) -> str:
        return self.title


class MemberCommitment(BaseModel):
    """A member enterprise's signed commitment to a convention (once per enterprise). That the
    enterprise is a member reads the association's many-to-many field: a service's rule
    (services.commitment_create / commitment_update)."""

    convention = models.ForeignKey(SelfDisciplineConvention, verbose_name=_("自律公约"), on_delete=models.CASCADE,
                                   related_name="commitments")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("承诺企业"), on_delete=models.PROTECT,
                                   related_name="+")
    signed_on = models.DateField(_("签署日期"), validators=[validate_not_future])
    content = models.TextField(_("承诺内容"), blank=True)

    scope = ScopeSpec(region="convention__association__region", county="convention__association__county",
                      line="convention__association__line", owner="convention__association__unit")

    class Meta:
        verbose_name = _("会员自律承诺")
        verbose_name_plural = _("会员自律承诺")
        ordering = ["-signed_on", "-id"]
        indexes = [models.Index(fields=["-signed_on", "-id"])]  # the list's order (core.generic.checks)
        constraints = [models.UniqueConstraint(fields=["convention", "enterprise"],
                                               name="commitment_once_per_enterprise",
                                               violation_error_message=_("该企业已签署此公约的承诺。"))]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.convention}"

    def clean(self) -> None:
        super().clean()
        if self.convention_id and self.signed_on and self.signed_on < self.convention.adopted_on:
            raise ValidationError({"signed_on": _("签署日期不能早于公约发布日期（%(d)s）。")
                                   % {"d": self.convention.adopted_on}})
