"""Scheduled work of the weekly cycle. Idempotent: a re-run (or a retry after a worker restart,
the tasks being acknowledged late) opens nothing twice and reminds nobody twice."""
from __future__ import annotations

import datetime

from celery import shared_task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.core import clock
from rectify.core.current import acting_as
from rectify.core.notifications import notify
from rectify.organisations.models import Campaign

from . import services
from .models import WeeklyReport


def _in_progress() -> list[Campaign]:
    return list(Campaign.objects.filter(is_active=True).order_by("start", "pk"))


@shared_task(acks_late=True)
def open_weekly_reports(day: str | None = None) -> int:
    """Run daily: open the week's reports of each campaign in progress whose opening day it is
    (services.opens_week_on, from the campaign's own weekly deadline)."""
    today = datetime.date.fromisoformat(day) if day else clock.today()
    opened = 0
    for campaign in _in_progress():
        if services.opens_week_on(campaign, today):
            with acting_as(None, request_id=f"task-open-{campaign.code}-{today}"):
                opened += len(services.reports_open_week(campaign=campaign, day=today))
    return opened


@shared_task(acks_late=True)
def remind_unsubmitted(day: str | None = None) -> int:
    """Run daily: on each campaign's reminder days (services.reminds_on: the day before its deadline
    and the day itself while the deadline is ahead), remind the reviewers and office admins of every
    unit whose week's report is not in yet."""
    today = datetime.date.fromisoformat(day) if day else clock.today()
    now = None if day else timezone.now()
    sent = 0
    for campaign in _in_progress():
        if services.reminds_on(campaign, today, now):
            sent += _remind(campaign, today)
    return sent


def _remind(campaign: Campaign, today: datetime.date) -> int:
    _start, cutoff, deadline = services.week_of(campaign, today)
    sent = 0
    pending = WeeklyReport.objects.filter(
        campaign=campaign, cutoff=cutoff, kind=WeeklyReport.Kind.WEEKLY,
        status__in=[WeeklyReport.Status.OPEN, WeeklyReport.Status.RETURNED]).select_related("unit")
    for report in pending:
        recipients = User.objects.filter(unit=report.unit, is_active=True,
                                         roles__code__in=["reviewer", "office_admin"]).distinct()
        for user in recipients:
            sent += notify(
                user=user, title=_("周报提醒：请于%(deadline)s前报送") % {"deadline": clock.format_moment(deadline)},
                body=_("%(unit)s截至%(cutoff)s的“%(campaign)s”周报尚未报送（%(rule)s报送）。") % {
                    "unit": report.unit.name, "cutoff": f"{cutoff:%Y-%m-%d}", "campaign": campaign.name,
                    "rule": campaign.weekly_deadline_text()},
                url=reverse("reports:weeklyreport_detail", args=[report.pk]), key=f"remind-{report.pk}-{today}",
            )
    return sent
