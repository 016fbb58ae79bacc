"""Setting a campaign up without code: a copy of an earlier campaign — its deadlines, phases, product
and case categories, indicators, and table layouts with their columns and rules — which the
provincial office then edits on the generic pages, previews on current records (services/preview.py)
and activates as a step of its own.

The copy lives here, in the reports app, because a campaign's tables are this app's: the
organisation's rows and the tables' rows are copied in one transaction, and the copy is one event.
Codes are copied as they are, so an indicator's filters (`case_category__code`) and a layout's rules
(indicator codes) keep naming the copy's own rows."""
from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from rectify.core.access.scope import can, model_allows, write_refusal
from rectify.core.audit.events import record_event
from rectify.core.generic.services import lock_for_write
from rectify.core.workflow.notices import announce
from rectify.organisations.models import Campaign, CaseCategory, CityDeliverable, Deliverable, Phase, ProductCategory
from rectify.organisations.services import deliverable_open_for_cities

from ..configuration import indicator_problems, rules_problems
from ..models import Indicator, LayoutColumn, TableLayout

COPIED_MODELS = (Campaign, Phase, Deliverable, ProductCategory, CaseCategory, Indicator, TableLayout, LayoutColumn)
NOT_COPIED = frozenset({"id", "created_at", "updated_at", "version"})


@dataclass(frozen=True)
class CampaignValues:
    """What a copy takes anew: the rest comes from the campaign copied."""

    code: str
    name: str
    start: datetime.date
    end: datetime.date
    final_summary_due: datetime.date
    weekly_deadline_weekday: int
    weekly_deadline_time: datetime.time
    report_email: str = ""


@dataclass
class CampaignCopy:
    campaign: Campaign
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # what to look at before activating


def _check_values(values: CampaignValues) -> None:
    errors: dict[str, list[str]] = {}
    code = values.code.strip()
    if not code:
        errors.setdefault("code", []).append(_("请填写代码。"))
    else:
        other = Campaign.objects.filter(code=code).first()
        if other is not None:
            errors.setdefault("code", []).append(
                _("代码“%(code)s”已被专项行动“%(other)s”使用，请另取一个。") % {"code": code, "other": other.name})
    if not values.name.strip():
        errors.setdefault("name", []).append(_("请填写名称。"))
    if values.end < values.start:
        errors.setdefault("end", []).append(_("结束日期不能早于开始日期。"))
    if values.final_summary_due < values.start:
        errors.setdefault("final_summary_due", []).append(_("总结报送截止日期不能早于开始日期。"))
    if not 0 <= values.weekly_deadline_weekday <= 6:
        errors.setdefault("weekly_deadline_weekday", []).append(_("请选择周一至周日中的一天。"))
    if errors:
        raise ValidationError(errors)


def _require_writer(actor, models_: tuple[type[models.Model], ...], action: str = "add") -> None:
    for model in models_:
        if not model_allows(actor, model, action):
            raise PermissionDenied(write_refusal(actor, action, model))


def _clone(obj: models.Model, what: str, **changes) -> models.Model:
    """A new row with `obj`'s values and `changes`, checked as the pages check it (full_clean) and
    saved (the change log records it); a row the checks refuse stops the copy, naming it."""
    model = type(obj)
    new = model(**{f.attname: copy.deepcopy(getattr(obj, f.attname)) for f in model._meta.concrete_fields
                   if f.name not in NOT_COPIED})
    for name, value in changes.items():
        setattr(new, name, value)
    try:
        new.full_clean()
    except ValidationError as exc:
        reasons = "；".join(m for messages in exc.message_dict.values() for m in messages)
        raise ValidationError(_("%(what)s“%(name)s”无法复制：%(reasons)s") % {
            "what": what, "name": obj, "reasons": reasons}) from exc
    new.save()
    return new


def _copy_indicators(source: Campaign, target: Campaign) -> dict[int, Indicator]:
    """{source indicator id: its copy}; the counts and sums first, then the ratios over their copies."""
    copies: dict[int, Indicator] = {}
    indicators = list(Indicator.objects.filter(campaign=source).order_by("code"))
    what = str(Indicator._meta.verbose_name)
    for ind in indicators:
        if ind.aggregate != Indicator.Aggregate.RATIO:
            copies[ind.pk] = _clone(ind, what, campaign=target)
    for ind in indicators:
        if ind.aggregate == Indicator.Aggregate.RATIO:
            parts = [copies.get(ind.numerator_id), copies.get(ind.denominator_id)]
            if None in parts:
                raise ValidationError(_("比率指标“%(name)s”的分子或分母不是本专项行动的指标，无法复制，请先修正。") % {
                    "name": ind.name})
            copies[ind.pk] = _clone(ind, what, campaign=target, numerator=parts[0], denominator=parts[1])
    return copies


def _copy_layouts(source: Campaign, target: Campaign, indicators: dict[int, Indicator]) -> tuple[int, int]:
    layouts = columns = 0
    for layout in TableLayout.objects.filter(campaign=source).order_by("order", "pk"):
        new = _clone(layout, str(TableLayout._meta.verbose_name), campaign=target)
        layouts += 1
        for column in layout.columns.order_by("order"):
            indicator = indicators.get(column.indicator_id)
            if indicator is None:
                raise ValidationError(_("报表格式“%(layout)s”的列“%(column)s”使用另一专项行动的指标，"
                                        "无法复制，请先修正。") % {"layout": layout, "column": column})
            _clone(column, str(LayoutColumn._meta.verbose_name), layout=new, indicator=indicator)
            columns += 1
    return layouts, columns


def _copy_phases(source: Campaign, target: Campaign, offset: datetime.timedelta) -> tuple[int, list[str]]:
    warnings = []
    phases = list(source.phases.order_by("order", "start"))
    for phase in phases:
        new = _clone(phase, str(Phase._meta.verbose_name), campaign=target, start=phase.start + offset,
                     end=phase.end + offset)
        for deliverable in phase.deliverables.order_by("order", "pk"):
            due = min(deliverable.due + offset, target.end)
            # each city gets its row now, quietly: the cities hear of it when the campaign starts
            deliverable_open_for_cities(deliverable=_clone(
                deliverable, str(Deliverable._meta.verbose_name), phase=new, due=due))
        if new.start < target.start or new.end > target.end:
            warnings.append(_("阶段“%(name)s”平移后为 %(start)s 至 %(end)s，超出了新专项行动的起止日期，请核对。") % {
                "name": new.name, "start": new.start.isoformat(), "end": new.end.isoformat()})
    return len(phases), warnings


@transaction.atomic
def campaign_copy(*, source: Campaign, values: CampaignValues, actor) -> CampaignCopy:
    """A new, inactive campaign from `source`: `values` (code, name, dates, deadlines, address) and
    everything else of the source — its phases (and their deliverables, a row for each city) moved by
    the distance between the two start dates,
    its product and case categories, its indicators (a ratio over the copies of its parts), its
    table layouts with their columns and rules. Every row is checked as the pages check it; a
    refused row, a code already in use or a writer who may not set campaigns up changes nothing."""
    _require_writer(actor, COPIED_MODELS)
    _check_values(values)
    campaign = Campaign(
        code=values.code.strip(), name=values.name.strip(), region=source.region, start=values.start, end=values.end,
        final_summary_due=values.final_summary_due, weekly_deadline_weekday=values.weekly_deadline_weekday,
        weekly_deadline_time=values.weekly_deadline_time, report_email=values.report_email.strip(), is_active=False)
    campaign.full_clean()
    try:
        with transaction.atomic():
            campaign.save()
    except IntegrityError as exc:  # the same code saved by someone else a moment ago
        raise ValidationError({"code": _("代码“%(code)s”已被使用，请另取一个。") % {"code": campaign.code}}) from exc
    if not can(actor, "add", campaign):
        raise PermissionDenied(write_refusal(actor, "add", campaign))
    result = CampaignCopy(campaign)
    result.counts["phases"], result.warnings = _copy_phases(source, campaign, values.start - source.start)
    for model, key in ((ProductCategory, "categories"), (CaseCategory, "case_categories")):
        rows = list(model.objects.filter(campaign=source).order_by("order", "pk"))
        for row in rows:
            _clone(row, str(model._meta.verbose_name), campaign=campaign)
        result.counts[key] = len(rows)
    indicators = _copy_indicators(source, campaign)
    result.counts["indicators"] = len(indicators)
    result.counts["layouts"], result.counts["columns"] = _copy_layouts(source, campaign, indicators)
    record_event("campaign.copy", campaign, user=actor, detail={"source": source.name, **result.counts})
    return result


# --- activation ---------------------------------------------------------------------------------
def campaign_problems(campaign: Campaign) -> list[str]:
    """What keeps `campaign`'s weekly tables from being computed, in words: no rows, no tables, a
    table without columns, an indicator that cannot be computed, a rule over an unknown code."""
    problems = []
    if not campaign.categories.exists():
        problems.append(_("尚未设置产品类别（报表的行）。"))
    layouts = list(TableLayout.objects.filter(campaign=campaign).annotate(n_columns=models.Count("columns"))
                   .order_by("order"))
    if not layouts:
        problems.append(_("尚未设置报表格式。"))
    indicators = list(Indicator.objects.filter(campaign=campaign).select_related("numerator", "denominator"))
    codes = {i.code for i in indicators}
    used = set(LayoutColumn.objects.filter(layout__campaign=campaign).values_list("indicator_id", flat=True))
    for layout in layouts:
        if not layout.n_columns:
            problems.append(_("报表格式“%(layout)s”没有列。") % {"layout": layout})
        for problem in rules_problems(layout.rules, codes):
            problems.append(_("报表格式“%(layout)s”：%(problem)s") % {"layout": layout, "problem": problem})
    stray = LayoutColumn.objects.filter(layout__campaign=campaign).exclude(indicator__campaign=campaign)
    for column in stray.select_related("layout"):
        problems.append(_("报表格式“%(layout)s”的列“%(column)s”使用另一专项行动的指标。") % {
            "layout": column.layout, "column": column})
    broken = indicator_problems(i for i in indicators if i.pk in used)
    for ind in indicators:
        if ind.pk in broken:
            problems.append(_("指标“%(name)s”（代码 %(code)s）无法计算：%(reason)s") % {
                "name": ind.name, "code": ind.code, "reason": broken[ind.pk]})
    return problems


def _set_active(campaign: Campaign, actor, active: bool, expected_version: int | None) -> Campaign:
    locked = lock_for_write(Campaign, campaign.pk, actor, "change", expected_version)
    locked.is_active = active
    locked.version += 1
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def campaign_activate(*, campaign: Campaign, actor, expected_version: int | None = None) -> Campaign:
    """Start `campaign`: users may then choose it, its weeks open and remind by its deadline. Refused
    while its tables cannot be computed (campaign_problems), with every reason."""
    if not can(actor, "change", campaign):
        raise PermissionDenied(write_refusal(actor, "change", campaign))
    if campaign.is_active:
        raise ValidationError(_("该专项行动已在进行中。"))
    problems = campaign_problems(campaign)
    if problems:
        raise ValidationError([_("该专项行动还不能启用：")] + problems)
    locked = _set_active(campaign, actor, True, expected_version)
    record_event("campaign.activate", locked, user=actor)
    # the cities hear of their deliverables (opened quietly when the campaign was copied) now
    for row in CityDeliverable.objects.filter(campaign=locked, status=CityDeliverable.Status.OPEN).select_related(
            "deliverable"):
        announce(row, actor, row.deliverable.description)
    return locked


@transaction.atomic
def campaign_deactivate(*, campaign: Campaign, actor, expected_version: int | None = None) -> Campaign:
    """End `campaign`'s weekly cycle (no more weeks opened or reminders); its records and reports stay
    readable. The last campaign in progress is not stopped: the pages would have none to work in."""
    if not can(actor, "change", campaign):
        raise PermissionDenied(write_refusal(actor, "change", campaign))
    if not campaign.is_active:
        raise ValidationError(_("该专项行动已停用。"))
    if not Campaign.objects.filter(is_active=True).exclude(pk=campaign.pk).exists():
        raise ValidationError(_("这是唯一进行中的专项行动，停用后各页面将没有可用的专项行动。请先启用另一专项行动。"))
    locked = _set_active(campaign, actor, False, expected_version)
    record_event("campaign.deactivate", locked, user=actor)
    return locked
