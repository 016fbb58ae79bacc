"""Demo weekly cycle: every week's report opened for each city, most submitted (a few late, a few
returned and corrected), most accepted; the last week left open so the workflow can be tried."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.hashers import make_password

from rectify.accounts.models import Role, User
from rectify.core.current import acting_as

from . import services
from .models import WeeklyReport
from .services.narrative import draft as narrative_draft


def _reviewer(unit, password_hash):
    username = f"office_{unit.region.code}" if unit.is_office else f"report_{unit.code}"
    user, created = User.objects.get_or_create(username=username, defaults={
        "unit": unit, "full_name": f"{unit.region.name}{'' if unit.is_office else unit.department.short_name}填报员",
        "password": password_hash})
    if created:
        user.roles.set(Role.objects.filter(code__in=["reviewer", "clerk"]))
    return user


def seed(ctx) -> str:
    campaign = ctx.campaign()
    province = User.objects.filter(username="sheng_admin").first()
    samr = User.objects.filter(username="sheng_samr").first()
    password_hash = make_password(settings.RECTIFY["DEMO_PASSWORD"])
    weeks = []
    day = campaign.start
    while day <= campaign.end:
        weeks.append(day)
        day = services.week_of(campaign, day)[1] + datetime.timedelta(days=1)
    submitted = 0
    last = weeks[-1] if ctx.large else weeks[-2]  # the demo "current" week stays open
    for day in weeks:
        opened = services.reports_open_week(campaign=campaign, day=day)
        if day >= last and not ctx.large:
            continue
        if ctx.large and day != weeks[0]:
            continue  # large scale: reports exist; computing them all would only slow the seed
        # The cities first, then (the last two weeks) the market-regulation units to the provincial
        # SAMR, then the province upward; the other member units' reports stay open (the
        # completeness page shows them missing).
        recent = day in weeks[max(0, weeks.index(last) - 2):weeks.index(last)]
        opened = [r for r in opened if r.unit.is_office or (recent and r.unit.department.line == "market")]
        opened.sort(key=lambda r: (r.unit.is_provincial, not r.unit.is_office))
        for report in opened:
            reviewer = province if report.unit.is_provincial else _reviewer(report.unit, password_hash)
            if reviewer is None:
                continue
            if not report.unit.is_provincial and ctx.rng.random() < 0.08:
                continue  # not submitted
            if report.unit.is_provincial:
                tables = services.as_reported(campaign, report.cutoff, report.unit, with_own=True).tables
            else:
                tables = services.snapshot_of(services.compute_tables(campaign, services.report_scope(report),
                                                                      report.cutoff))
            findings = services.report_check(report, tables)
            explanations = {f.key: "演示数据：本周集中开展专项检查。" for f in findings if f.level == "warning"}
            # The figures written from the records for the offices' latest week (drafting each one
            # would only slow the seed); earlier weeks carry a short text.
            counted = (narrative_draft(report) if report.unit.is_office and day == weeks[weeks.index(last) - 1]
                       else {"cases_and_fines": "见附件2。"})
            with acting_as(reviewer):
                services.report_submit(report=report, actor=reviewer, narrative={
                    "measures": "开展防疫物资生产企业全面排查，约谈重点企业。", **counted,
                    "next_week": "继续推进排查和抽检。"},
                    filled_by=reviewer.full_name, phone=ctx.phone(), explanations=explanations, manual_tables=None)
            late = not report.unit.is_provincial and ctx.rng.random() < 0.1
            if late:
                WeeklyReport.objects.filter(pk=report.pk).update(
                    is_late=True, submitted_at=report.deadline + datetime.timedelta(hours=ctx.rng.randint(1, 20)))
            submitted += 1
            receiver = province if report.unit.is_office else samr
            if receiver is not None and not report.unit.is_provincial and ctx.rng.random() < 0.85:
                with acting_as(receiver):
                    services.report_accept(report=report, actor=receiver)
    return f"{WeeklyReport.objects.count()} weekly reports, {submitted} submitted"
