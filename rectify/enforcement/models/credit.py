"""Credit records, joint punishment (联合惩戒) and exposure of typical cases (曝光)."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import ScopeSpec
from rectify.core.models import CampaignRecord
from rectify.core.security.validators import validate_not_future


class CreditRecord(CampaignRecord):
    """An entry in the enterprise's credit record, written by `case_transition` when a penalty is
    decided. Placed in the enterprise's city and visible to every department there: credit
    records are shared information (信息共享) that all regulators act on."""

    class Kind(models.TextChoices):
        PENALTY = "penalty", _("行政处罚")
        ABNORMAL = "abnormal", _("列入经营异常名录")
        SERIOUS = "serious", _("列入严重违法失信名单")
        JOINT = "joint", _("联合惩戒")

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="credit_records")
    case = models.ForeignKey("enforcement.Case", verbose_name=_("案件"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="credit_records")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.PENALTY)
    recorded_on = models.DateField(_("记录日期"), validators=[validate_not_future])
    decision_number = models.CharField(_("决定书文号"), max_length=80, blank=True)
    amount = models.DecimalField(_("罚没金额（元）"), max_digits=14, decimal_places=2, default=Decimal("0"))
    summary = models.TextField(_("摘要"))
    restrictions = models.TextField(_("限制措施"), blank=True,
                                    help_text=_("列入名录（名单）的，写明对企业及其法定代表人的限制措施"))
    ends_on = models.DateField(_("限制期满日期"), null=True, blank=True,
                               help_text=_("到期移出名录（名单）的日期；严重违法失信名单须填写"))
    is_public = models.BooleanField(_("公示"), default=True)

    scope = ScopeSpec(line=None)
    LISTS = (Kind.ABNORMAL, Kind.SERIOUS)

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        ordering = ["-recorded_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], condition=models.Q(case__isnull=False),
                                               name="credit_record_once_per_case")]
        indexes = [models.Index(fields=["-recorded_on", "-id"]),  # the list's order (core.generic.checks)
                   models.Index(fields=["region", "-recorded_on", "-id"], name="enf_credit_region_recorded")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_kind_display()} {self.decision_number}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.kind in self.LISTS and not self.restrictions.strip():
            errors["restrictions"] = _("列入名录（名单）须写明限制措施。")
        if self.kind == self.Kind.SERIOUS and self.ends_on is None:
            errors["ends_on"] = _("列入严重违法失信名单须填写限制期满日期。")
        if self.ends_on and self.recorded_on and self.ends_on <= self.recorded_on:
            errors["ends_on"] = _("限制期满日期须晚于记录日期。")
        if self.kind not in self.LISTS and (self.restrictions.strip() or self.ends_on):
            errors["kind"] = _("限制措施和期满日期只适用于列入经营异常名录或严重违法失信名单。")
        if errors:
            raise ValidationError(errors)

    def in_force(self, day) -> bool:
        """A list entry restricts the enterprise until its end date (none: until it is removed)."""
        return self.kind in self.LISTS and (self.ends_on is None or self.ends_on > day)


class Measure(models.TextChoices):
    SPOT_CHECK = "spot_check", _("抽查检查")
    INTERVIEW = "interview", _("约谈提醒")
    PUBLICITY = "publicity", _("信息公示")
    RECALL = "recall", _("产品召回")
    WARNING_PENALTY = "warning_penalty", _("警告处罚")
    REVOCATION = "revocation", _("吊销证照")
    CREDIT = "credit", _("信用惩戒")


class JointPunishment(CampaignRecord):
    """A joint-punishment decision (usually by an office) on an enterprise, across departments."""

    class Status(models.TextChoices):
        DECIDED = "decided", _("已决定")
        DONE = "done", _("已落实")

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("惩戒对象"), on_delete=models.PROTECT,
                                   related_name="+")
    case = models.ForeignKey("enforcement.Case", verbose_name=_("关联案件"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="joint_punishments")
    decided_on = models.DateField(_("决定日期"), validators=[validate_not_future])
    basis = models.TextField(_("惩戒依据"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DECIDED)

    # A member unit of another city or line that must apply a measure sees the decision behind it.
    scope = ScopeSpec(line=None, shared="actions__unit")

    class Meta:
        verbose_name = _("联合惩戒")
        verbose_name_plural = _("联合惩戒")
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["-decided_on", "-id"])]  # the list's order (core.generic.checks)

    def __str__(self) -> str:
        return f"联合惩戒：{self.enterprise}（{self.decided_on:%Y-%m-%d}）"


class JointPunishmentAction(CampaignRecord):
    """One department's measure under a joint-punishment decision; `unit` is the acting unit."""

    punishment = models.ForeignKey(JointPunishment, verbose_name=_("联合惩戒"), on_delete=models.CASCADE,
                                   related_name="actions")
    measure = models.CharField(_("惩戒措施"), max_length=20, choices=Measure.choices)
    action = models.TextField(_("落实情况"), blank=True)
    done_on = models.DateField(_("落实日期"), null=True, blank=True, validators=[validate_not_future])

    # Placed in the decision's city; the acting unit — of any city or line — sees its measure from the
    # decision on, and is its owner for the 落实 step.
    scope = ScopeSpec(shared="unit")

    class Meta:
        verbose_name = _("联合惩戒措施")
        verbose_name_plural = _("联合惩戒措施")
        ordering = ["punishment", "id"]
        indexes = [models.Index(fields=["punishment", "id"])]  # the list's order (core.generic.checks)

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_measure_display()}"

    def scope_region_source(self):
        return self.punishment.region, self.punishment.county


class Exposure(CampaignRecord):
    """A typical case prepared for the public: the text is reviewed before it is published and
    must carry no personal data (services check it)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEWED = "reviewed", _("已审核")
        PUBLISHED = "published", _("已发布")

    case = models.ForeignKey("enforcement.Case", verbose_name=_("案件"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="exposures")
    title = models.CharField(_("标题"), max_length=200)
    public_text = models.TextField(_("公开文本"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False,
                              db_index=True)
    reviewed_by = models.CharField(_("审核人"), max_length=150, blank=True, editable=False)
    reviewed_on = models.DateField(_("审核日期"), null=True, blank=True, editable=False)
    published_on = models.DateField(_("发布日期"), null=True, blank=True, editable=False)

    scope = ScopeSpec(line=None)

    class Meta:
        verbose_name = _("典型案例曝光")
        verbose_name_plural = _("典型案例曝光")
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["-published_on", "-id"])]  # the list's order (core.generic.checks)

    frozen_message = _("已审核或已发布的典型案例不能直接修改；请先撤回重审。")

    def __str__(self) -> str:
        return self.title

    def scope_region_source(self):
        return self.unit.city, self.unit.county

    def frozen_fields(self) -> tuple[str, ...]:
        """Reviewed or published text changes only through a new review (exposure_withdraw)."""
        return () if self.status == self.Status.DRAFT else ("unit", "case", "title", "public_text")

    def delete_refusal(self) -> str | None:
        if self.status == self.Status.PUBLISHED:
            return str(_("已发布的典型案例不能删除；请先撤回。"))
        return None
