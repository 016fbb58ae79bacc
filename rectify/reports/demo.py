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


def _reviewer(unit, password_hash):
    user, created = User.objects.get_or_create(username=f"office_{unit.region.code}", defaults={
        "unit": unit, "full_name": f"{unit.region.name}填报员", "password": password_hash})
    if created:
        user.roles.set(Role.objects.filter(code__in=["reviewer", "clerk"]))
    return user


def seed(ctx) -> str:
    campaign = ctx.campaign()
    province = User.objects.filter(username="sheng_admin").first()
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
        for report in opened:
            reviewer = _reviewer(report.unit, password_hash)
            if ctx.rng.random() < 0.08:
                continue  # not submitted
            tables = services.snapshot_of(services.compute_tables(campaign, services.report_scope(report),
                                                                  report.cutoff))
            findings = services.report_check(report, tables)
            explanations = {f.key: "演示数据：本周集中开展专项检查。" for f in findings if f.level == "warning"}
            with acting_as(reviewer):
                services.report_submit(report=report, actor=reviewer, narrative={
                    "measures": "开展防疫物资生产企业全面排查，约谈重点企业。",
                    "entities_inspected": str(ctx.rng.randint(20, 80)),
                    "staff_dispatched": str(ctx.rng.randint(40, 160)), "problems": "个别企业标签标识不规范。",
                    "cases_and_fines": "见附件2。", "next_week": "继续推进排查和抽检。"},
                    filled_by=reviewer.full_name, phone=ctx.phone(), explanations=explanations, manual_tables=None)
            late = ctx.rng.random() < 0.1
            if late:
                WeeklyReport.objects.filter(pk=report.pk).update(
                    is_late=True, submitted_at=report.deadline + datetime.timedelta(hours=ctx.rng.randint(1, 20)))
            submitted += 1
            if province is not None and ctx.rng.random() < 0.85:
                with acting_as(province):
                    services.report_accept(report=report, actor=province)
    return f"{WeeklyReport.objects.count()} weekly reports, {submitted} submitted"
