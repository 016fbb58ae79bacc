"""Report pages: live tables with drill-down, the weekly report workflow, files, completeness."""
from __future__ import annotations

import datetime
import io
import zipfile
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from rectify.core.access.scope import area_allows
from rectify.core.audit.events import record_event
from rectify.core.generic.builders import table_for
from rectify.core.generic.exports import XLSX_TYPE
from rectify.core.generic.importing import ImportFileError
from rectify.core.registry import registry
from rectify.core.security.inputs import parse_int
from rectify.core.workflow.engine import offers
from rectify.organisations.models import Campaign, Line, Region

from . import official, services
from .configuration import indicator_problem
from .engine import drill_queryset, drill_total, source_model
from .forms import manual_tables_from, submission_from, uploaded_tables
from .freshness import replica_as_of
from .models import Indicator, LayoutColumn, WeeklyReport
from .selectors import allowed_scope, covers, parse_cutoff, scope_label, snapshot_specs
from .services.narrative import draft as narrative_draft
from .services.reported import as_reported
from .tables import drill_table_for


def _campaign() -> Campaign:
    campaign = Campaign.current()
    if campaign is None:
        raise Http404("no campaign")
    return campaign


def _require_records_view(user) -> None:
    if not area_allows(user, "records", "view"):
        raise PermissionDenied


@login_required
def tables(request):
    _require_records_view(request.user)
    campaign = _campaign()
    cutoff = parse_cutoff(request.GET.get("cutoff"), campaign)
    scope = allowed_scope(request.user, request.GET.get("region"), request.GET.get("line"))
    computed = services.compute_tables(campaign, scope, cutoff)
    if request.GET.get("format") == "xlsx":
        record_event("export", detail={"what": "report_tables", "scope": scope.as_params(), "cutoff": str(cutoff)})
        info = {"unit_name": scope_label(scope), "filled_by": "", "phone": "", "cutoff": cutoff}
        content = official.workbook([(t.layout.label, official.table_spec(t), info) for t in computed.values()],
                                    campaign=campaign)
        labels = "".join(t.layout.label for t in computed.values())
        return _download(content, official.file_name(scope_label(scope), labels, cutoff, "xlsx"),
                         f"tables-{cutoff}.xlsx", XLSX_TYPE)
    regions = Region.objects.filter(level="city").order_by("code") if request.user.unit.is_provincial else []
    return render(request, "reports/tables.html", {
        "campaign": campaign, "cutoff": cutoff, "scope": scope, "scope_label": scope_label(scope),
        "tables": computed.values(), "drill_params": scope.as_params(), "regions": regions, "lines": Line.choices,
        "replica_as_of": replica_as_of(),
    })


@login_required
def drill(request, indicator_id: int):
    _require_records_view(request.user)
    indicator = Indicator.objects.filter(pk=indicator_id).select_related("campaign").first()
    if indicator is None or indicator.aggregate == Indicator.Aggregate.RATIO:
        raise Http404
    cutoff = parse_cutoff(request.GET.get("cutoff"), indicator.campaign)
    problem = indicator_problem(indicator)
    if problem:
        messages.error(request, _("指标“%(name)s”配置有误，无法列出明细：%(problem)s") % {
            "name": indicator.name, "problem": problem})
        return HttpResponseRedirect(f"{reverse('reports:tables')}?cutoff={cutoff.isoformat()}")
    scope = allowed_scope(request.user, request.GET.get("region"), request.GET.get("line"))
    category = indicator.campaign.categories.filter(pk=parse_int(request.GET.get("category"), 0)).first()
    if category is None:
        raise Http404
    qs = drill_queryset(indicator, scope=scope, cutoff=cutoff, category_id=category.pk, user=request.user)
    model = source_model(indicator)
    table = table_for(registry.get(model))(qs) if model in registry else drill_table_for(model)(qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    distinct = total = None
    if indicator.aggregate == Indicator.Aggregate.COUNT_DISTINCT and indicator.field:
        distinct = qs.values(indicator.field).distinct().count()
    if indicator.aggregate == Indicator.Aggregate.SUM:
        # The summed cell's figure beside its records: the same sum the table's cell is, over these rows.
        total = drill_total(indicator, qs)
    header = LayoutColumn.objects.filter(indicator=indicator).values_list("header", flat=True).first()
    return render(request, "reports/drill.html", {
        "indicator": indicator, "category": category, "cutoff": cutoff, "scope_label": scope_label(scope),
        "table": table, "count": qs.count(), "distinct": distinct, "model_name": model._meta.verbose_name_plural,
        "total": total, "header": header or indicator.name,
    })


def _report(request, pk: int, action: str = "view") -> WeeklyReport:
    report = (WeeklyReport.objects.restrict(request.user, "view").select_related("unit", "campaign", "region")
              .filter(pk=pk).first())
    if report is None:
        raise Http404
    return report


@login_required
def report_action(request, pk: int):
    """POST: submit / return / accept."""
    if request.method != "POST":
        return HttpResponseRedirect(reverse("reports:weeklyreport_detail", args=[pk]))
    report = _report(request, pk)
    action = request.POST.get("action")
    # The version the page showed: a second click, a second tab or a colleague's submission in the
    # meantime is refused rather than sealing a second version.
    shown = parse_int(request.POST.get("version"), None)
    try:
        if action == "submit":
            services.report_submit(report=report, actor=request.user, **submission_from(request.POST),
                                   expected_version=shown)
            messages.success(request, _("已报送。"))
        elif action in ("upload", "manual"):
            # Manual mode (a unit still on paper): the filled official workbook, or the figures typed
            # into the grid; the same checks apply and the version is marked as entered.
            tables = (uploaded_tables(request.FILES, report) if action == "upload"
                      else manual_tables_from(request.POST, report))
            try:
                services.report_submit(report=report, actor=request.user, **submission_from(request.POST),
                                       manual_tables=tables, expected_version=shown)
            except ValidationError:
                _keep_typed(request, report, tables)
                raise
            messages.success(request, _("已按手工填报报送（标注为“手工填报”）。"))
        elif action == "return":
            services.report_return(report=report, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("已退回。"))
        elif action == "accept":
            services.report_accept(report=report, actor=request.user)
            messages.success(request, _("已接收。"))
        else:
            raise ValidationError(_("未知操作"))
    except (ValidationError, official.OfficialFileError) as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied as exc:
        # The user sees the report (else 404 above): say on it why this step is not theirs.
        messages.error(request, str(exc) or _("您没有此操作的权限。"))
    except ImportFileError as exc:  # an unreadable upload must not become a 500
        messages.error(request, str(exc))
    return HttpResponseRedirect(reverse("reports:weeklyreport_detail", args=[pk]))


def _typed_key(report: WeeklyReport) -> str:
    return f"reports:typed:{report.pk}"


def _keep_typed(request, report: WeeklyReport, tables: dict[str, dict]) -> None:
    """A manual submission refused: the warnings of the figures as typed or uploaded (the page's own
    check sees only the live figures), the explanations written and the grid's cells are kept for
    the page the user is sent back to, so that a unit on paper can explain what it entered."""
    warnings = [{"key": f.key, "where": f"{f.table}·{f.category}·{f.column}", "message": f.message}
                for f in services.report_check(report, tables) if f.level == "warning"]
    request.session[_typed_key(report)] = {
        "warnings": warnings,
        "explained": {k.removeprefix("explain_"): v for k, v in request.POST.items() if k.startswith("explain_")},
        "cells": {k: v for k, v in request.POST.items() if k.startswith("cell-")},
    }


FIGURES_HIDDEN = gettext_lazy("本报告的数字按%(unit)s的数据范围计算，超出您单位可查看的范围（地区或业务条线），"
                              "不予显示或下载；本单位范围内的数字请见“统计表（实时）”。")


def figures_visible(user, report: WeeklyReport) -> bool:
    """A report's figures (snapshots, live preview, files, narrative) are shown only to users who
    may list every row they count: a department or county user who can see a city office's report
    learns its status, not the city's figures of every line."""
    return covers(user, services.report_scope(report))


def report_context(request, report: WeeklyReport) -> dict:
    user = request.user
    if not figures_visible(user, report):
        return {"figures_hidden": FIGURES_HIDDEN % {"unit": report.unit.name},
                "versions": list(report.versions.order_by("-number")), "narrative_fields": [], "can_submit": False}
    latest = report.latest_version
    live = summed = None
    findings = []
    if report.unit.is_provincial:
        # A provincial unit reports upward the sum of what it was sent, not its records.
        summed = as_reported(report.campaign, report.cutoff, report.unit, with_own=True, kind=report.kind)
        if report.status != WeeklyReport.Status.ACCEPTED:
            findings = services.report_check(report, summed.tables)
    elif report.status in (WeeklyReport.Status.OPEN, WeeklyReport.Status.RETURNED):
        live = services.compute_tables(report.campaign, services.report_scope(report), report.cutoff)
        findings = services.report_check(report, services.snapshot_of(live), live)
    versions = list(report.versions.order_by("-number"))
    fields = official.SUMMARY_FIELDS if report.kind == WeeklyReport.Kind.FINAL else official.NARRATIVE_FIELDS
    diffs = services.versions_compare(versions[1], versions[0]) if len(versions) > 1 else []
    last_week = services.previous_week_version(report) if latest else None
    # What the unit wrote for a cell's warning in the version before stays the starting text of the
    # same warning (the same finding key) when it submits again.
    carried = latest.explanations if latest else {}
    typed = request.session.pop(_typed_key(report), None) or {"warnings": [], "explained": {}, "cells": {}}
    carried = {**carried, **{k: v for k, v in typed["explained"].items() if v.strip()}}
    to_explain = [{"key": f.key, "where": f"{f.table}·{f.category}·{f.column}", "message": f.message,
                   "text": carried.get(f.key, "")} for f in findings if f.level == "warning"]
    shown = {w["key"] for w in to_explain}
    to_explain += [{**w, "text": carried.get(w["key"], "")} for w in typed["warnings"] if w["key"] not in shown]
    can_submit = any(o.allowed for o in offers(user, report) if o.step.name == "submit")
    written = (latest.narrative or {}) if latest else {}
    # The counted items start from the records (or what the unit wrote in the version before).
    drafted = narrative_draft(report) if can_submit and report.kind == WeeklyReport.Kind.WEEKLY else {}
    starting_text = [(key, label, written.get(key) or drafted.get(key, ""), key in drafted and not written.get(key))
                     for key, label in fields]
    summed_specs = snapshot_specs(report.campaign, summed.tables) if summed else None
    return {
        "starting_text": starting_text, "summed": summed,
        "summed_specs": summed_specs,
        "units": services.unit_totals(report.campaign, summed) if summed else None,
        "totals_specs": summed_specs,
        "counted_count": sum(1 for u in summed.units if u.counted) if summed else 0,
        "latest": latest, "live": live.values() if live else None, "findings": findings, "versions": versions,
        "diffs": services.named_differences(report.campaign, diffs),
        "drill_params": services.report_scope(report).as_params(), "narrative_fields": fields,
        "to_explain": to_explain, "typed_cells": typed["cells"],
        "review": _review(report, latest, fields, last_week) if latest else None,
        # The workflow's own answer (reports/workflows.py): the reporting unit's reviewer, while open or returned.
        "can_submit": can_submit,
    }


def _review(report: WeeklyReport, latest, fields: list[tuple[str, str]], last_week) -> dict:
    """What the receiver reads before accepting or returning the latest version: the narrative under
    its labels, every warning of the check step with the unit's explanation, and the cells that
    changed against last week's report — all named in Chinese, never by code."""
    narrative = latest.narrative or {}
    explanations = dict(latest.explanations or {})
    checks = [{"level": w.get("level", ""), "where": f"{w.get('table')}·{w.get('category')}·{w.get('column')}",
               "message": w.get("message", ""), "explanation": explanations.get(w.get("key", ""), "")}
              for w in latest.warnings or []]
    return {
        "version": latest,
        "narrative": [(label, narrative.get(key, "")) for key, label in fields],
        "checks": checks,
        "last_week": last_week,
        "against_last_week": (services.named_differences(report.campaign, services.versions_compare(last_week, latest))
                              if last_week else []),
    }


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(content: bytes, name: str, ascii_name: str, content_type: str) -> HttpResponse:
    """An attachment named in Chinese (RFC 5987 filename*, which browsers prefer) with an ASCII
    filename for the clients that read only that one."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def report_file(request, pk: int, fmt: str):
    report = _report(request, pk)
    if not figures_visible(request.user, report):
        messages.error(request, FIGURES_HIDDEN % {"unit": report.unit.name})
        return HttpResponseRedirect(reverse("reports:weeklyreport_detail", args=[pk]))
    version = report.latest_version
    if version is None:
        tables = services.snapshot_of(services.compute_tables(report.campaign, services.report_scope(report),
                                                              report.cutoff))
        narrative, filled_by, phone = {}, "", ""
    else:
        tables, narrative, filled_by, phone = version.tables, version.narrative, version.filled_by, version.phone
    record_event("export", report, detail={"format": fmt})
    specs = snapshot_specs(report.campaign, tables)
    final = report.kind == WeeklyReport.Kind.FINAL
    if fmt == "docx":
        content = official.narrative_docx(
            title=str(report), unit_name=report.unit.name, cutoff=report.cutoff, narrative=narrative,
            fields=official.SUMMARY_FIELDS if final else official.NARRATIVE_FIELDS, tables=specs,
            filled_by=filled_by, phone=phone, campaign=report.campaign)
        what = "工作总结" if final else "工作情况"
        return _download(content, official.file_name(report.unit.name, what, report.cutoff, "docx"),
                         f"report-{report.pk}-{report.cutoff}.docx", DOCX_TYPE)
    info = {"unit_name": report.unit.name, "filled_by": filled_by, "phone": phone, "cutoff": report.cutoff}
    sheets = [(spec["label"], spec, info) for spec in specs]
    what = "最终统计报表" if final else "".join(spec["label"] for spec in specs)
    return _download(official.workbook(sheets, campaign=report.campaign),
                     official.file_name(report.unit.name, what, report.cutoff, "xlsx"),
                     f"report-{report.pk}-tables-{report.cutoff}.xlsx", XLSX_TYPE)


@login_required
def province_workbook(request):
    """The province's aggregate plus a sheet per city and table, over the rows the user may list:
    a provincial department's workbook holds its own line only."""
    user = request.user
    if not (user.unit and user.unit.is_provincial and area_allows(user, "records", "view")):
        raise PermissionDenied
    campaign = _campaign()
    cutoff = parse_cutoff(request.GET.get("cutoff"), campaign)
    content = services.province_workbook(campaign, cutoff, viewer=user)
    record_event("export", detail={"what": "province_workbook", "cutoff": str(cutoff)})
    return _download(content, official.file_name(user.unit.name, "全省汇总", cutoff, "xlsx"),
                     f"province-{cutoff}.xlsx", XLSX_TYPE)


@login_required
def report_open_view(request):
    """Open the user's own unit's report for a week (member units, late cities) or the final summary."""
    campaign = _campaign()
    if request.method != "POST":
        return render(request, "reports/report_open.html",
                      {"campaign": campaign, "today": parse_cutoff(None, campaign)})
    kind = request.POST.get("kind", WeeklyReport.Kind.WEEKLY)
    if kind not in WeeklyReport.Kind.values:
        raise Http404
    day = parse_cutoff(request.POST.get("day"), campaign)
    try:
        report = services.report_open(campaign=campaign, unit=request.user.unit, day=day, actor=request.user,
                                      kind=kind)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(reverse("reports:weeklyreport_list"))
    return HttpResponseRedirect(reverse("reports:weeklyreport_detail", args=[report.pk]))


@login_required
def final_package(request):
    """The package the province sends upward after the campaign's final-summary deadline: the
    province's workbook at the final cut-off, the province's own final summary and every city's
    (narrative .docx and tables .xlsx), as one zip."""
    user = request.user
    if not (user.unit and user.unit.is_provincial_office and area_allows(user, "records", "view")):
        raise PermissionDenied
    campaign = _campaign()
    cutoff = campaign.final_summary_due
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(official.file_name(user.unit.name, "全省汇总", cutoff, "xlsx"),
                    services.province_workbook(campaign, cutoff))
        finals = (WeeklyReport.objects.filter(campaign=campaign, kind=WeeklyReport.Kind.FINAL, unit__is_office=True)
                  .exclude(submitted_at=None).select_related("unit", "region").order_by("region__code"))
        for report in finals:
            version = report.latest_version
            info = {"unit_name": report.unit.name, "filled_by": version.filled_by, "phone": version.phone,
                    "cutoff": report.cutoff}
            specs = snapshot_specs(campaign, version.tables)
            sheets = [(spec["label"], spec, info) for spec in specs]
            zf.writestr(official.file_name(report.unit.name, "最终统计报表", report.cutoff, "xlsx"),
                        official.workbook(sheets, campaign=campaign))
            summary = official.narrative_docx(
                title=str(report), unit_name=report.unit.name, cutoff=report.cutoff, narrative=version.narrative,
                fields=official.SUMMARY_FIELDS, tables=specs, filled_by=version.filled_by, phone=version.phone,
                campaign=campaign)
            zf.writestr(official.file_name(report.unit.name, "工作总结", report.cutoff, "docx"), summary)
        missing = [u.name for u in services.reporting_units(campaign) if not finals.filter(unit=u).exists()]
        zf.writestr("说明.txt", _("未报送总结的单位：%(units)s")
                    % {"units": "、".join(missing) if missing else _("无")})
    record_event("export", detail={"what": "final_package", "cutoff": str(cutoff)})
    return _download(buf.getvalue(), official.file_name(user.unit.name, "最终报送材料", cutoff, "zip"),
                     f"final-package-{cutoff}.zip", "application/zip")


def _completeness_rows(user, campaign: Campaign, cutoff: datetime.date) -> list[dict]:
    rows = services.completeness(campaign, cutoff)
    if not user.unit.is_provincial:
        covered = set(user.unit.covered_city_ids())
        rows = [r for r in rows if r["city_id"] in covered]
    return rows


@login_required
def completeness_view(request):
    """Per week: every city office and every member unit that reports, on time, late or missing,
    with the totals and the 催报 button for the units the user receives; below, each city's
    timeliness over the whole campaign."""
    _require_records_view(request.user)
    campaign = _campaign()
    cutoff = services.week_of(campaign, parse_cutoff(request.GET.get("cutoff"), campaign))[1]
    rows = _completeness_rows(request.user, campaign, cutoff)
    for row in rows:
        awaiting = row["report"] is None or row["report"].status in (WeeklyReport.Status.OPEN,
                                                                     WeeklyReport.Status.RETURNED)
        row["may_urge"] = awaiting and services.may_urge(request.user, row["unit"])
    unit = request.user.unit
    # A provincial department follows the member units of its line; everyone else the city offices.
    followed = services.received_units(unit, campaign) if unit.is_provincial and not unit.is_office else None
    timeliness = services.timeliness(campaign, units=followed)
    if not request.user.unit.is_provincial:
        covered = set(request.user.unit.covered_city_ids())
        timeliness = [t for t in timeliness if t["unit"].region_id in covered]
    return render(request, "reports/completeness.html", {
        "rows": rows, "totals": services.completeness_totals(rows), "cutoff": cutoff,
        "weeks": services.campaign_weeks(campaign), "campaign": campaign, "timeliness": timeliness,
        "may_urge_any": any(r["may_urge"] for r in rows)})


@login_required
@require_POST
def completeness_urge(request):
    """催报 (POST): the week's unsubmitted reports the user receives, or the one unit posted."""
    _require_records_view(request.user)
    campaign = _campaign()
    cutoff = services.week_of(campaign, parse_cutoff(request.POST.get("cutoff"), campaign))[1]
    unit = parse_int(request.POST.get("unit"), 0)
    try:
        urged = services.reports_urge(cutoff=cutoff, actor=request.user, unit_ids=[unit] if unit else None,
                                      campaign=campaign)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if urged:
            messages.success(request, _("已催报%(units)d个单位，新发通知%(sent)d条（同一报告每天只通知一次）。")
                             % {"units": len(urged), "sent": sum(u.sent for u in urged)})
        else:
            messages.info(request, _("没有需要催报的单位。"))
    return HttpResponseRedirect(f"{reverse('reports:completeness')}?cutoff={cutoff.isoformat()}")
