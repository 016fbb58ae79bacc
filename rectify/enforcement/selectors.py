"""Reads with rules: overdue clocks, criminal-transfer candidates, credit records of an enterprise,
the typical cases the public may read. Each internal read takes an already-restricted queryset (or a
user) so scope stays in one place."""
from __future__ import annotations

import datetime

from django.db.models import Count, F, Q, QuerySet

from rectify.core.clock import today

from .models import Case, Complaint, CreditRecord, Exposure, Problem, TransferThreshold


def overdue_complaints_q(on: datetime.date | None = None) -> Q:
    on = on or today()
    return (Q(accept_due__lt=on, decided_on__isnull=True, status=Complaint.Status.RECEIVED)
            | Q(verify_due__lt=on, verified_on__isnull=True, kind=Complaint.Kind.TIP)
            & ~Q(status__in=[Complaint.Status.REJECTED, Complaint.Status.CLOSED]))


def overdue_problems_q(on: datetime.date | None = None) -> Q:
    return Q(deadline__lt=on or today(), status__in=Problem.OPEN_STATUSES)


def overdue_by_city(qs: QuerySet, q: Q) -> list[dict]:
    """Counts per city for the province's overdue pages (one GROUP BY)."""
    return list(qs.filter(q).values("region__code", "region__name").annotate(n=Count("pk")).order_by("region__code"))


def threshold_q() -> Q | None:
    """Cases crossing any active criminal-transfer threshold, as one filter."""
    q = Q()
    any_rule = False
    for t in TransferThreshold.objects.filter(is_active=True).prefetch_related("violation_types"):
        part = Q()
        has = False
        if t.penalty_amount is not None:
            part |= Q(penalty_sum__gte=t.penalty_amount)
            has = True
        if t.goods_value is not None:
            part |= Q(goods_value__gte=t.goods_value)
            has = True
        types = [v.pk for v in t.violation_types.all()]
        if types:
            part |= Q(violation_types__in=types)
            has = True
        if has:
            q |= part
            any_rule = True
    return q if any_rule else None


def criminal_transfer_candidates(qs: QuerySet) -> QuerySet:
    """Cases over a threshold and not transferred to the police (以罚代刑 watch list)."""
    q = threshold_q()
    if q is None:
        return qs.none()
    matching = (Case.objects.annotate(penalty_sum=F("fine") + F("confiscation")).filter(q)
                .exclude(transferred_to_police=True).values("pk"))
    return qs.filter(pk__in=matching).exclude(status=Case.Status.LEAD)


def credit_records_for(enterprise, user) -> QuerySet:
    return (CreditRecord.objects.restrict(user).filter(enterprise=enterprise)
            .select_related("unit", "case").order_by("-recorded_on", "-id"))


def published_exposures() -> QuerySet:
    """The typical cases on the public pages: published ones, and of them only what is meant for the
    public (title, text, date), so no template can reach the case behind them."""
    return Exposure.objects.filter(status=Exposure.Status.PUBLISHED).only("id", "title", "public_text", "published_on")
