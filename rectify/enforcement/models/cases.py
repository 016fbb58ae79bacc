"""Cases (案件): the records 附件2 counts, their penalty, and the criminal-transfer thresholds."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import ScopeSpec
from rectify.core.audit.integrity import SealGuard, matches
from rectify.core.models import BaseModel, CampaignRecord
from rectify.core.security.validators import validate_not_future

from .common import HandlerRegionMixin


class ViolationType(BaseModel):
    """Reference list of violation types (loaded by a data migration; a next campaign adds rows)."""

    code = models.CharField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    perm_area = "reference"

    class Meta:
        verbose_name = _("违法行为类型")
        verbose_name_plural = _("违法行为类型")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Case(SealGuard, HandlerRegionMixin, CampaignRecord):
    class Source(models.TextChoices):
        INSPECTION = "inspection", _("监督检查")
        SAMPLE = "sample", _("抽检")
        COMPLAINT = "complaint", _("投诉举报")
        EXPORT = "export", _("出口查验")
        TRANSFER = "transfer", _("移送")
        LEAD = "lead", _("线索")

    class Status(models.TextChoices):
        LEAD = "lead", _("线索核查")
        FILED = "filed", _("已立案")
        INVESTIGATED = "investigated", _("调查终结")
        DECIDED = "decided", _("已作出处罚决定")
        CLOSED = "closed", _("已结案")
        TRANSFERRED = "transferred", _("已移送")

    class PoliceKind(models.TextChoices):
        ADMINISTRATIVE = "administrative", _("行政治安案件")
        CRIMINAL = "criminal", _("刑事案件")

    number = models.CharField(_("案件编号"), max_length=60, unique=True)
    title = models.CharField(_("案由"), max_length=200)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("当事人（企业）"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    product_category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"),
                                         on_delete=models.PROTECT, related_name="+")
    case_category = models.ForeignKey("organisations.CaseCategory", verbose_name=_("案件类别"),
                                      on_delete=models.PROTECT, related_name="+")
    police_kind = models.CharField(_("治安案件类型"), max_length=20, choices=PoliceKind.choices, blank=True,
                                   help_text=_("仅治安违法犯罪类案件填写。"))
    violation_types = models.ManyToManyField(ViolationType, verbose_name=_("违法行为类型"), blank=True,
                                             related_name="cases")
    source = models.CharField(_("案件来源"), max_length=20, choices=Source.choices, default=Source.INSPECTION)
    source_lead = models.ForeignKey("enforcement.Lead", verbose_name=_("来源线索"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="cases")
    source_complaint = models.ForeignKey("enforcement.Complaint", verbose_name=_("来源投诉举报"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.LEAD, db_index=True,
                              editable=False)
    filed_on = models.DateField(_("立案日期"), null=True, blank=True, editable=False)
    investigated_on = models.DateField(_("调查终结日期"), null=True, blank=True, editable=False)
    decided_on = models.DateField(_("处罚决定日期"), null=True, blank=True, editable=False, db_index=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True, editable=False)
    # Penalty (元). Entered with the decision through case_transition, frozen afterwards.
    decision_number = models.CharField(_("处罚决定书文号"), max_length=80, blank=True, editable=False)
    fine = models.DecimalField(_("罚款（元）"), max_digits=14, decimal_places=2, default=Decimal("0"), editable=False)
    confiscation = models.DecimalField(_("没收违法所得（元）"), max_digits=14, decimal_places=2, default=Decimal("0"),
                                       editable=False)
    goods_confiscated = models.CharField(_("没收物品"), max_length=300, blank=True, editable=False)
    licence_revoked = models.BooleanField(_("吊销许可证照"), default=False, editable=False)
    goods_value = models.DecimalField(_("涉案货值（元）"), max_digits=14, decimal_places=2, default=Decimal("0"))
    units_investigated = models.PositiveIntegerField(_("被查单位（家）"), default=1)
    staff_dispatched = models.PositiveIntegerField(_("出动执法人员（人次）"), default=0)
    transferred_to_police = models.BooleanField(_("已移送公安"), default=False, editable=False, db_index=True)
    transferred_to_police_on = models.DateField(_("移送公安日期"), null=True, blank=True, editable=False)
    facts = models.TextField(_("违法事实"), blank=True)
    integrity_code = models.CharField(_("决定书完整性校验码"), max_length=64, blank=True, editable=False)

    # Receivers of a transferred case keep seeing it (the police decide on it); the case itself
    # stays the transferring unit's record so 附件2 counts it there as 移送公安.
    scope = ScopeSpec(shared="transfers__to_unit")

    DECISION_FIELDS = ("decision_number", "decided_on", "fine", "confiscation", "goods_confiscated", "licence_revoked",
                       "goods_value", "enterprise", "case_category", "product_category", "police_kind")

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(fine__gte=0) & models.Q(confiscation__gte=0)
                                   & models.Q(goods_value__gte=0), name="case_amounts_non_negative"),
            models.CheckConstraint(
                condition=models.Q(decided_on__isnull=True) | models.Q(filed_on__isnull=True)
                | models.Q(decided_on__gte=models.F("filed_on")), name="case_decided_after_filed"),
        ]
        # a city's cases in list order (scope + date), and the decisions of a period by type
        indexes = [models.Index(fields=["-filed_on", "-id"]),  # the list's order (core.generic.checks)
                   models.Index(fields=["decided_on", "case_category"]),
                   models.Index(fields=["region", "-filed_on", "-id"], name="enf_case_region_filed")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def penalty_total(self) -> Decimal:
        return (self.fine or 0) + (self.confiscation or 0)

    sealed_message = _("处罚决定已印发并签章，决定书号、决定内容和金额不能修改。")
    frozen_message = sealed_message

    @property
    def decision_issued(self) -> bool:
        """Decided, closed, or transferred after the decision (the police receive a decided case
        too; the decision stands)."""
        return self.status in (self.Status.DECIDED, self.Status.CLOSED) or (
            self.status == self.Status.TRANSFERRED and self.decided_on is not None)

    def integrity_fields(self) -> dict:
        """The issued decision, sealed with HMAC-SM3 when it is decided (`rectify verify_integrity`)."""
        return {"number": self.number, **{name: getattr(self, f"{name}_id" if name in ("enterprise", "case_category",
                "product_category") else name) for name in self.DECISION_FIELDS}}

    def frozen_fields(self) -> tuple[str, ...]:
        """Fields of an issued penalty decision: object_update refuses to change them."""
        return ("number", *self.DECISION_FIELDS) if self.decision_issued else ()

    def delete_refusal(self) -> str | None:
        """object_delete refuses to delete an issued decision."""
        return str(self.sealed_message) if self.decision_issued else None

    def clean(self) -> None:
        code = getattr(self.case_category, "code", None) if self.case_category_id else None
        if self.police_kind and code != "public_security":
            raise ValidationError({"police_kind": _("只有治安违法犯罪类案件填写治安案件类型。")})
        if code == "public_security" and not self.police_kind:
            raise ValidationError({"police_kind": _("治安违法犯罪类案件须注明行政治安案件或刑事案件。")})


class DecisionVersion(SealGuard, BaseModel):
    """A penalty decision as it stood sealed before a 更正 replaced it (enforcement services'
    case_decision_correct): its content and the seal it was issued under, kept unchanged, with who
    replaced it, when and why. The case carries the decision in force under a new seal. Sealed in
    turn, so `rectify verify_integrity` also checks the decisions no longer in force."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="decision_versions")
    number = models.PositiveIntegerField(_("版本号"), help_text=_("1 为原处罚决定，此后每次更正前的决定依次编号。"))
    decision = models.JSONField(_("处罚决定内容"))
    decision_seal = models.CharField(_("原决定书完整性校验码"), max_length=64)
    reason = models.TextField(_("更正原因"))
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("更正人"), on_delete=models.PROTECT,
                                     related_name="+")
    corrected_at = models.DateTimeField(_("更正时间"))
    integrity_code = models.CharField(_("完整性校验码"), max_length=64, blank=True, editable=False)

    scope = ScopeSpec(region="case__region", county="case__county", line="case__line", owner="case__unit",
                      shared="case__transfers__to_unit")
    sealed_message = _("已更正的处罚决定原文不可修改。")

    class Meta:
        verbose_name = _("处罚决定历史版本")
        verbose_name_plural = _("处罚决定历史版本")
        ordering = ["case", "number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="decision_version_unique")]

    def __str__(self) -> str:
        return f"{self.case} 处罚决定 v{self.number}"

    def integrity_fields(self) -> dict:
        return {"case": self.case_id, "number": self.number, "decision": self.decision,
                "decision_seal": self.decision_seal, "reason": self.reason, "corrected_by": self.corrected_by_id,
                "corrected_at": self.corrected_at}

    def decision_intact(self) -> bool:
        """The kept content is still what its original seal covered."""
        return matches(self.decision, self.decision_seal)


class TransferThreshold(BaseModel):
    """A criminal-transfer threshold (行刑衔接移送标准). A case crosses it when any given condition
    holds; kept as data so the office can follow the judicial interpretations without a release."""

    name = models.CharField(_("名称"), max_length=100)
    penalty_amount = models.DecimalField(_("罚没金额达到（元）"), max_digits=14, decimal_places=2, null=True,
                                         blank=True)
    goods_value = models.DecimalField(_("涉案货值达到（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    violation_types = models.ManyToManyField(ViolationType, verbose_name=_("涉及违法行为类型"), blank=True,
                                             related_name="+")
    is_active = models.BooleanField(_("启用"), default=True)
    basis = models.CharField(_("依据"), max_length=300, blank=True)

    perm_area = "reference"

    class Meta:
        verbose_name = _("移送公安标准")
        verbose_name_plural = _("移送公安标准")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Supervision(BaseModel):
    """挂牌督办: the province lists a major case with a deadline and follows it. Placed like its
    case, so the handling unit (and its city office) see the listing."""

    class Status(models.TextChoices):
        LISTED = "listed", _("督办中")
        DONE = "done", _("已办结")
        CANCELLED = "cancelled", _("已撤销")

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="supervisions")
    listed_by = models.ForeignKey("organisations.Unit", verbose_name=_("督办单位"), on_delete=models.PROTECT,
                                  related_name="+", editable=False)
    listed_on = models.DateField(_("挂牌日期"), validators=[validate_not_future])
    deadline = models.DateField(_("办结期限"))
    requirement = models.TextField(_("督办要求"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.LISTED, editable=False)
    follow_ups = models.TextField(_("跟踪记录"), blank=True, editable=False)

    # The listing is the provincial office's; the handling side follows up through a service.
    scope = ScopeSpec(region="case__region", county="case__county", line="case__line", owner=None, province_owned=True)

    class Meta:
        verbose_name = _("挂牌督办")
        verbose_name_plural = _("挂牌督办")
        ordering = ["deadline", "-id"]
        indexes = [models.Index(fields=["deadline", "-id"])]  # the list's order (core.generic.checks)
        constraints = [models.CheckConstraint(condition=models.Q(deadline__gte=models.F("listed_on")),
                                              name="supervision_deadline_after_listing")]

    def __str__(self) -> str:
        return f"督办：{self.case}"
