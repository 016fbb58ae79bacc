"""Scheduled work of the weekly cycle. Idempotent: a re-run (or a retry after a worker restart,
the tasks being acknowledged late) opens nothing twice and reminds nobody twice."""
from __future__ import annotations

import datetime

from celery import shared_task
from django.urls import reverse
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.core import clock
from rectify.core.current import acting_as
from rectify.core.notifications import notify
from rectify.organisations.models import Campaign

from . import services
from .models import WeeklyReport


@shared_task(acks_late=True)
def open_weekly_reports(day: str | None = None) -> int:
    campaign = Campaign.current()
    if campaign is None:
        return 0
    today = datetime.date.fromisoformat(day) if day else clock.today()
    if not (campaign.start <= today <= campaign.end):
        return 0
    with acting_as(None, request_id=f"task-open-{today}"):
        return len(services.reports_open_week(campaign=campaign, day=today))


@shared_task(acks_late=True)
def remind_unsubmitted(day: str | None = None) -> int:
    """Remind the reviewers and office admins of every city whose report is not in yet."""
    campaign = Campaign.current()
    if campaign is None:
        return 0
    today = datetime.date.fromisoformat(day) if day else clock.today()
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
                body=_("%(unit)s截至%(cutoff)s的周报尚未报送。") % {"unit": report.unit.name,
                                                               "cutoff": f"{cutoff:%Y-%m-%d}"},
                url=reverse("reports:weeklyreport_detail", args=[report.pk]), key=f"remind-{report.pk}-{today}",
            )
    return sent
