"""Fast-track evidence testing (快鉴快检): a case's request to a testing institution, with the deadline
for the result, and the result linked back to the case."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import ScopeSpec
from rectify.core.models import BaseModel
from rectify.core.security.validators import validate_not_future

from .directory import TestingInstitution


class FastTest(BaseModel):
    """A request for fast identification or testing of a case's evidence. It belongs to its case
    (placed where the case is, written by the case's handling side, seen by whoever sees the case,
    a receiver of its transfer included); the handling unit records the institution's result
    through the workflow's 登记检验结果 step (rectify/fieldwork/workflows.py), which the work desk
    lists against the deadline."""

    class Result(models.TextChoices):
        CONFORMING = "conforming", _("合格")
        NONCONFORMING = "nonconforming", _("不合格")
        COUNTERFEIT = "counterfeit", _("鉴定为假冒")
        GENUINE = "genuine", _("鉴定为真品")
        INCONCLUSIVE = "inconclusive", _("无法判定")

    case = models.ForeignKey("enforcement.Case", verbose_name=_("案件"), on_delete=models.CASCADE,
                             related_name="fast_tests")
    institution = models.ForeignKey(TestingInstitution, verbose_name=_("检验检测机构"), on_delete=models.PROTECT,
                                    related_name="fast_tests")
    requested_on = models.DateField(_("送检日期"), validators=[validate_not_future])
    samples = models.CharField(_("送检物品"), max_length=300)
    items = models.TextField(_("检验鉴定项目"))
    deadline = models.DateField(_("要求出具结果日期"))
    result = models.CharField(_("检验结论"), max_length=20, choices=Result.choices, blank=True, editable=False)
    result_on = models.DateField(_("出具结果日期"), null=True, blank=True, editable=False)
    report_number = models.CharField(_("检验报告编号"), max_length=100, blank=True, editable=False)
    findings = models.TextField(_("检验结果说明"), blank=True, editable=False)

    scope = ScopeSpec(region="case__region", county="case__county", line="case__line", owner="case__unit",
                      shared="case__transfers__to_unit")

    frozen_message = _("已登记检验结果的送检不能修改。")

    class Meta:
        verbose_name = _("快鉴快检")
        verbose_name_plural = _("快鉴快检")
        ordering = ["-requested_on", "-id"]
        indexes = [models.Index(fields=["-requested_on", "-id"])]  # the list's order (core.generic.checks)
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=F("requested_on")),
                                   name="fast_test_deadline_after_request",
                                   violation_error_message=_("要求出具结果日期不能早于送检日期。")),
            models.CheckConstraint(condition=Q(result_on__isnull=True) | ~Q(result=""), name="fast_test_result_dated"),
        ]

    def __str__(self) -> str:
        return f"快鉴快检 {self.requested_on:%Y-%m-%d} {self.samples}"

    def clean(self) -> None:
        super().clean()
        if self.deadline and self.requested_on and self.deadline < self.requested_on:
            raise ValidationError({"deadline": _("要求出具结果日期不能早于送检日期。")})
        if self.institution_id:
            refusal = self.institution.role_refusal(TestingInstitution.Kind.TESTING, _("快鉴快检的检验机构"))
            if refusal:
                raise ValidationError({"institution": refusal})

    def frozen_fields(self) -> tuple[str, ...]:
        return ("case", "institution", "requested_on", "samples", "items", "deadline") if self.result_on else ()
