"""The enterprise registry: producers and exporters of the campaign's categories."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import ScopeSpec
from rectify.core.models import BaseModel
from rectify.core.security.validators import validate_not_future, validate_uscc

from ..identity import CreditCodeField, division_warning


class EntityType(models.TextChoices):
    COMPANY = "company", _("企业法人")
    BRANCH = "branch", _("分支机构")
    INDIVIDUAL = "individual", _("个体工商户")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    OTHER = "other", _("其他")


class Enterprise(BaseModel):
    """A market entity (enterprises include individual businesses). Region-scoped: every
    department of a city sees the city's enterprises; provincial units see all."""

    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    credit_code = CreditCodeField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True, validators=[validate_uscc],
        help_text=_("18位，按 GB 32100-2015 校验；全角字符、小写字母和空格自动规范；无代码的个体工商户可留空。"),
    )
    entity_type = models.CharField(_("主体类型"), max_length=20, choices=EntityType.choices, default=EntityType.COMPANY)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    region = models.ForeignKey("organisations.Region", verbose_name=_("所在市"), on_delete=models.PROTECT,
                               related_name="+", limit_choices_to={"level": "city"})
    county = models.ForeignKey("organisations.Region", verbose_name=_("所在区县"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", limit_choices_to={"level": "county"})
    address = models.CharField(_("地址"), max_length=300, blank=True)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    categories = models.ManyToManyField("organisations.ProductCategory", verbose_name=_("生产产品类别"), blank=True,
                                        related_name="enterprises")
    is_producer = models.BooleanField(_("列入生产企业清单"), default=False, db_index=True)
    is_exporter = models.BooleanField(_("列入出口企业清单"), default=False, db_index=True)
    approved_on = models.DateField(_("获批/成立日期"), null=True, blank=True, validators=[validate_not_future])
    credit_status = models.CharField(
        _("信用状态"), max_length=20, default="normal",
        choices=[("normal", _("正常")), ("abnormal", _("经营异常名录")), ("serious", _("严重违法失信名单"))],
    )
    merged_into = models.ForeignKey("self", verbose_name=_("已合并至"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_from", editable=False)
    notes = models.TextField(_("备注"), blank=True)

    scope = ScopeSpec(region="region", county="county", line=None, owner=None)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业名录")
        ordering = ["region__code", "name"]
        indexes = [models.Index(fields=["region", "name"])]

    label_fields = ("name",)
    # Forms: a picker searching the name and the credit code; the county follows the city.
    picker_search = ("name", "credit_code")
    form_cascades = {"county": ("region", "parent")}

    def __str__(self) -> str:
        return self.name

    def picker_text(self) -> str:
        return f"{self.name}（{self.credit_code}）" if self.credit_code else self.name

    def clean(self) -> None:
        super().clean()
        errors = {}
        region = self.region if self.region_id else None
        county = self.county if self.county_id else None
        if region is not None and region.level != region.Level.CITY:
            errors["region"] = _("所在市应选择市级行政区划，“%(name)s”不是市。") % {"name": region.name}
        if county is not None and county.level != county.Level.COUNTY:
            errors["county"] = _("所在区县应选择区县级行政区划，“%(name)s”不是区县。") % {"name": county.name}
        elif county is not None and region is not None and county.parent_id != region.pk:
            errors["county"] = _("所在区县“%(county)s”不属于所在市“%(city)s”，请重新选择。") % {
                "county": county.name, "city": region.name}
        if errors:
            raise ValidationError(errors)

    def unique_error_message(self, model_class, unique_check):
        if tuple(unique_check) == ("credit_code",):
            holder = Enterprise._base_manager.filter(credit_code=self.credit_code).exclude(pk=self.pk).first()
            if holder is not None:
                return ValidationError(_("统一社会信用代码 %(code)s 已登记为企业“%(name)s”（%(region)s），"
                                         "同一企业不能重复登记。")
                                       % {"code": holder.credit_code, "name": holder.name, "region": holder.region},
                                       code="unique")
        return super().unique_error_message(model_class, unique_check)

    def data_warnings(self) -> list[str]:
        """What deserves a second look but does not stop a save (shown after saving and on the
        detail page): the code's division against the chosen city and county."""
        note = division_warning(self.credit_code, self.region if self.region_id else None,
                                self.county if self.county_id else None)
        return [note] if note else []


class Qualification(BaseModel):
    """Medical-device registration certificate, production licence or filing."""

    class Kind(models.TextChoices):
        DEVICE_REGISTRATION = "device_registration", _("医疗器械注册证")
        PRODUCTION_LICENCE = "production_licence", _("生产许可证")
        FILING = "filing", _("备案凭证")
        CERTIFICATION = "certification", _("认证证书")
        EXPORT_CERTIFICATE = "export_certificate", _("境外认证/注册")

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="qualifications")
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    number = models.CharField(_("证书编号"), max_length=100, db_index=True)
    issuer = models.CharField(_("发证机关"), max_length=200, blank=True)
    scope_text = models.CharField(_("许可/注册范围"), max_length=300, blank=True)
    categories = models.ManyToManyField("organisations.ProductCategory", verbose_name=_("覆盖产品类别"), blank=True,
                                        related_name="+")
    valid_from = models.DateField(_("有效期自"), null=True, blank=True, validators=[validate_not_future])
    valid_to = models.DateField(_("有效期至"), null=True, blank=True)

    scope = ScopeSpec(region="enterprise__region", county="enterprise__county", line=None, owner=None)

    class Meta:
        verbose_name = _("资质证照")
        verbose_name_plural = _("资质证照")
        ordering = ["enterprise", "kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind", "number"],
                                    name="qualification_unique_per_enterprise"),
            models.CheckConstraint(condition=models.Q(valid_to__isnull=True) | models.Q(valid_from__isnull=True)
                                   | models.Q(valid_to__gte=models.F("valid_from")), name="qualification_valid_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class ListEntry(BaseModel):
    """An enterprise's entry on the producer list or the exporter list, with date and source."""

    class Kind(models.TextChoices):
        PRODUCER = "producer", _("防疫物资及其重要原辅材料生产企业清单")
        EXPORTER = "exporter", _("医用防疫物资出口生产、经营企业清单")

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="list_entries")
    kind = models.CharField(_("清单"), max_length=20, choices=Kind.choices)
    listed_on = models.DateField(_("列入日期"), validators=[validate_not_future])
    source = models.CharField(_("来源"), max_length=200, blank=True)
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("填报单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")

    scope = ScopeSpec(region="enterprise__region", county="enterprise__county", line=None, owner=None)

    class Meta:
        verbose_name = _("清单条目")
        verbose_name_plural = _("清单条目")
        ordering = ["-listed_on", "-id"]
        indexes = [models.Index(fields=["-listed_on", "-id"])]  # the list's order (core.generic.checks)
        constraints = [models.UniqueConstraint(fields=["enterprise", "kind"], name="list_entry_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_kind_display()}"
