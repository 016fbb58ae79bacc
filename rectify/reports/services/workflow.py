"""The report's workflow: the check step, submission as a sealed version, return and acceptance."""
from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core.audit.integrity import compute
from rectify.core.workflow.engine import Outcome, perform

from .. import corrections
from ..checks import Finding, check_tables
from ..engine import ComputedTable
from ..models import Indicator, ReportVersion, WeeklyReport
from .figures import compute_tables, layouts_of, report_scope, snapshot_of
from .reported import as_reported


# --- the check step -----------------------------------------------------------------------------
def _previous_snapshots(report: WeeklyReport, n: int = 2) -> list[dict]:
    earlier = (WeeklyReport.objects.filter(campaign=report.campaign, unit=report.unit, kind=WeeklyReport.Kind.WEEKLY,
                                           cutoff__lt=report.cutoff)
               .exclude(status=WeeklyReport.Status.OPEN).order_by("-cutoff")[:n])
    out = []
    for r in earlier:
        version = r.versions.exclude(submitted_at=None).order_by("-number").first()
        if version:
            out.append(version.tables)
    return out


def previous_week_version(report: WeeklyReport) -> ReportVersion | None:
    """The latest submitted version of the unit's report for the week before (what "last week"
    means to the check step and to the reviewer's comparison)."""
    earlier = (WeeklyReport.objects.filter(campaign=report.campaign, unit=report.unit, kind=WeeklyReport.Kind.WEEKLY,
                                           cutoff__lt=report.cutoff)
               .exclude(status=WeeklyReport.Status.OPEN).order_by("-cutoff").first())
    if earlier is None:
        return None
    return earlier.versions.exclude(submitted_at=None).order_by("-number").first()


def _peer_snapshots(report: WeeklyReport) -> list[dict]:
    peers = (ReportVersion.objects.filter(report__campaign=report.campaign, report__cutoff=report.cutoff,
                                          report__kind=report.kind, report__unit__is_office=report.unit.is_office,
                                          report__unit__region__level=report.unit.region.level)
             .exclude(report=report).exclude(submitted_at=None).order_by("report_id", "-number"))
    latest: dict[int, dict] = {}
    for v in peers:
        latest.setdefault(v.report_id, v.tables)
    return list(latest.values())


def configuration_findings(computed: dict[str, ComputedTable]) -> list[Finding]:
    """The columns the configuration kept from being computed, as errors of the check step: a
    computed report cannot be submitted without them (the manual mode can)."""
    found = []
    for table in computed.values():
        first = table.rows[0][1] if table.rows else []
        for cell in first:
            if cell.problem:
                found.append(Finding("error", table=table.layout.label, category=_("全部类别"),
                                     column=cell.indicator.name, rule="configuration",
                                     message=_("指标配置有误，无法计算：%(problem)s") % {"problem": cell.problem}))
    return found


def report_check(report: WeeklyReport, tables: dict[str, dict],
                 computed: dict[str, ComputedTable] | None = None) -> list[Finding]:
    """The findings of the check step for `tables` (a snapshot); `computed`: the tables it was
    taken from, whose columns that could not be computed are reported once, with the reason,
    instead of as empty cells."""
    campaign = report.campaign
    previous = _previous_snapshots(report)
    changes = corrections.findings_for(report)
    findings = check_tables(
        tables, previous=previous[0] if previous else None, before_previous=previous[1] if len(previous) > 1 else None,
        peers=_peer_snapshots(report), layouts={lay.code: lay for lay in layouts_of(campaign)},
        indicators={i.code: i for i in Indicator.objects.filter(campaign=campaign)},
        category_names=dict(campaign.categories.values_list("code", "name")), records_changed=bool(changes),
    ) + changes
    if report.unit.is_provincial:
        findings = _uncounted(report, findings)
    if computed:
        broken = configuration_findings(computed)
        columns = {(f.table, f.column) for f in broken}
        findings = broken + [f for f in findings if (f.table, f.column) not in columns]
    return findings


def _uncounted(report: WeeklyReport, findings: list[Finding]) -> list[Finding]:
    """A provincial unit's sum falls below last week's wherever a unit counted then is not counted
    now: one warning naming those units (its explanation covers every such cell) stands for the
    cells' cumulative warnings, which would otherwise be one per cell of every such unit."""
    summed = as_reported(report.campaign, report.cutoff, report.unit, with_own=True, kind=report.kind)
    if not summed.missing:
        return findings
    names = "、".join(u.unit.name for u in summed.missing)
    lower = [f for f in findings if f.rule == "cumulative"]
    note = Finding("warning", table=_("汇总"), category=_("全部类别"), column=_("未计入的单位"), rule="uncounted",
                   message=_("%(count)d个单位未计入本周汇总（%(names)s），%(cells)d个单元格的累计数因此低于上周，"
                             "请说明") % {"count": len(summed.missing), "names": names, "cells": len(lower)})
    return [f for f in findings if f.rule != "cumulative"] + [note]


# --- the workflow (reports/workflows.py declares its steps) -------------------------------------------
def report_submit(*, report: WeeklyReport, actor, narrative: dict[str, str], filled_by: str, phone: str,
                  explanations: dict[str, str] | None = None, manual_tables: dict[str, dict] | None = None,
                  correction_reason: str = "", expected_version: int | None = None) -> ReportVersion:
    values = {"narrative": narrative, "filled_by": filled_by, "phone": phone, "explanations": explanations or {},
              "correction_reason": correction_reason}
    if manual_tables is not None:
        values["manual_tables"] = manual_tables
    return perform(report, "submit", actor=actor, values={k: v for k, v in values.items() if v not in (None, "")},
                   expected_version=expected_version)


def submit_body(report: WeeklyReport, actor, values: dict[str, Any]) -> Outcome:
    """The check step and the sealed version: errors refuse, warnings need an explanation each."""
    correction_reason = values.get("correction_reason", "").strip()
    if report.status in (WeeklyReport.Status.RETURNED, WeeklyReport.Status.SUBMITTED) and not correction_reason:
        raise ValidationError({"correction_reason": _("重新报送（更正）须说明更正原因。")})
    manual_tables = values.get("manual_tables")
    computed = None
    basis: list[dict] = []
    if manual_tables is not None:
        tables = manual_tables
    elif report.unit.is_provincial:
        # Upward, the province reports what it was sent: the sum of the versions it received.
        summed = as_reported(report.campaign, report.cutoff, report.unit, with_own=True, kind=report.kind)
        tables, basis = summed.tables, summed.basis()
    else:
        computed = compute_tables(report.campaign, report_scope(report), report.cutoff)
        tables = snapshot_of(computed)
    findings = report_check(report, tables, computed)
    errors = [f for f in findings if f.level == "error"]
    if errors:
        raise ValidationError([f"{f.table}·{f.category}·{f.column}：{f.message}" for f in errors])
    explanations = {k: v.strip() for k, v in (values.get("explanations") or {}).items() if v and v.strip()}
    unexplained = [f for f in findings if f.level == "warning" and f.key not in explanations]
    if unexplained:
        raise ValidationError([_("%(where)s：%(message)s（须填写说明后报送）")
                               % {"where": f"{f.table}·{f.category}·{f.column}", "message": f.message}
                               for f in unexplained])
    now = timezone.now()
    number = (report.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = ReportVersion.objects.create(
        report=report, number=number, tables=tables, narrative=values.get("narrative") or {},
        explanations=explanations, warnings=[f.as_dict() for f in findings], filled_by=values["filled_by"],
        phone=values.get("phone", ""), submitted_at=now, submitted_by=actor,
        mode=ReportVersion.Mode.MANUAL if manual_tables is not None else ReportVersion.Mode.COMPUTED,
        correction_reason=correction_reason, basis=basis,
    )
    seal(version)
    corrections.mark_explained(report, version, explanations)
    if report.submitted_at is None:  # timeliness is that of the first submission; corrections follow returns
        report.is_late = now > report.deadline
    report.submitted_at = now
    return Outcome(show=version, detail={"version": number, "late": report.is_late, "mode": version.mode,
                                         "narrative": "", "explanations": "", "manual_tables": ""})


def report_return(*, report: WeeklyReport, actor, reason: str) -> WeeklyReport:
    perform(report, "return", actor=actor, values={"reason": reason})
    return WeeklyReport.objects.get(pk=report.pk)


def return_body(report: WeeklyReport, actor, values: dict[str, Any]) -> None:
    report.return_reason = values["reason"].strip()


def report_accept(*, report: WeeklyReport, actor) -> WeeklyReport:
    perform(report, "accept", actor=actor)
    return WeeklyReport.objects.get(pk=report.pk)


def report_reopen(*, report: WeeklyReport, actor, reason: str) -> WeeklyReport:
    perform(report, "reopen", actor=actor, values={"reason": reason})
    return WeeklyReport.objects.get(pk=report.pk)


def report_request_reopen(*, report: WeeklyReport, actor, reason: str) -> WeeklyReport:
    """The reporting unit asks the receiver to reopen an accepted report; the receiver is told."""
    perform(report, "request_reopen", actor=actor, values={"reason": reason})
    return WeeklyReport.objects.get(pk=report.pk)


def seal(version: ReportVersion) -> None:
    """HMAC-SM3 over the frozen content; `rectify verify_integrity` finds a version changed behind
    the application's back."""
    version.refresh_from_db()  # the stored (JSON round-tripped) values are what is verified later
    version.integrity_code = compute(version.integrity_fields())
    ReportVersion.objects.filter(pk=version.pk).update(integrity_code=version.integrity_code)
