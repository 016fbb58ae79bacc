"""Risk scores per enterprise × product category.

`risk_recompute` reads every input with one grouped query per factor (GROUP BY enterprise,
category) over the given enterprises, then replaces their RiskScore rows in bulk — no per-record
loops, so a recompute of a whole city is a dozen queries. The services that change an input
announce it (rectify.enterprises.signals.risk_inputs_changed); targeting/receivers.py only enqueues
the enterprises named, and the task calls this service."""
from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from rectify.enforcement.models import Complaint
from rectify.enterprises.models import Enterprise, Qualification
from rectify.fieldwork.models import ExportCheck, InspectionOutcome, Sample

from ..models import Factor, RiskScore, RiskWeight
from .common import today


@dataclass(frozen=True)
class Weight:
    weight: int
    max_count: int = 3
    window_days: int = 90


# Used for a factor the province has not configured (RiskWeight rows override).
DEFAULT_WEIGHTS: dict[str, Weight] = {
    Factor.NEW_PRODUCT: Weight(10, 1),
    Factor.NEW_ENTERPRISE: Weight(10, 1),
    Factor.COMPLAINTS: Weight(15, 3),
    Factor.NONCONFORMING_SAMPLES: Weight(25, 2),
    Factor.FAILED_INSPECTIONS: Weight(15, 3),
    Factor.EXPORT_NONCONFORMING: Weight(20, 3),
    Factor.ABNORMAL_LIST: Weight(20, 1),
    Factor.SERIOUS_LIST: Weight(40, 1),
    Factor.NEVER_SAMPLED: Weight(10, 1),
}
CHUNK = 500  # enterprise ids per round (keeps IN lists well inside every backend's limits)
ALL = None  # a record without a category counts for every category of the enterprise


def weights() -> dict[str, Weight]:
    out = dict(DEFAULT_WEIGHTS)
    for w in RiskWeight.objects.all():
        if w.is_active:
            out[w.factor] = Weight(w.weight, w.max_count, w.window_days)
        else:
            out.pop(w.factor, None)
    return out


def _counts(rows: Iterable[tuple[int, int | None, int]]) -> dict[int, dict[int | None, int]]:
    out: dict[int, dict[int | None, int]] = defaultdict(lambda: defaultdict(int))
    for enterprise_id, category_id, n in rows:
        out[enterprise_id][category_id] += n or 0
    return out


def _gather(ids: list[int], w: dict[str, Weight], on: datetime.date) -> dict[str, dict[int, dict[int | None, int]]]:
    """factor -> enterprise -> category (None = all categories) -> count, one query per factor."""
    data: dict[str, dict] = {}
    if Factor.NEW_PRODUCT in w:
        since = on - datetime.timedelta(days=w[Factor.NEW_PRODUCT].window_days)
        quals = Qualification.objects.filter(enterprise_id__in=ids, valid_from__gte=since, valid_from__lte=on)
        rows = quals.values_list("enterprise_id", "categories").annotate(n=Count("id", distinct=True)).order_by()
        data[Factor.NEW_PRODUCT] = _counts(rows)
    complaints = Complaint.objects.filter(enterprise_id__in=ids).values_list("enterprise_id", "product_category_id")
    data[Factor.COMPLAINTS] = _counts(complaints.annotate(n=Count("id")).order_by())
    samples = Sample.objects.filter(enterprise_id__in=ids).values_list("enterprise_id", "category_id")
    data["_sampled"] = _counts(samples.annotate(n=Count("id")).order_by())
    data[Factor.NONCONFORMING_SAMPLES] = _counts(
        samples.filter(final_result="nonconforming").annotate(n=Count("id")).order_by())
    outcomes = InspectionOutcome.objects.filter(enterprise_id__in=ids).exclude(outcome="passed")
    data[Factor.FAILED_INSPECTIONS] = _counts(
        outcomes.values_list("enterprise_id", "category_id")
        .annotate(n=Count("inspection_id", distinct=True)).order_by())
    exports = ExportCheck.objects.filter(enterprise_id__in=ids, batches_nonconforming__gt=0)
    data[Factor.EXPORT_NONCONFORMING] = _counts(
        exports.values_list("enterprise_id", "category_id").annotate(n=Sum("batches_nonconforming")).order_by())
    return data


def _reason(factor: str, count: int, weight: Weight, detail: str) -> dict:
    counted = min(count, weight.max_count)
    return {"factor": factor, "label": str(Factor(factor).label), "count": count, "points": counted * weight.weight,
            "detail": detail}


def _score_rows(ids: list[int], on: datetime.date) -> list[RiskScore]:
    w = weights()
    ents = {e["id"]: e for e in Enterprise.objects.filter(pk__in=ids).values("id", "approved_on", "credit_status")}
    own_cats: dict[int, set[int]] = defaultdict(set)
    for ent_id, cat_id in Enterprise.categories.through.objects.filter(enterprise_id__in=ids).values_list(
            "enterprise_id", "productcategory_id"):
        own_cats[ent_id].add(cat_id)
    data = _gather(ids, w, on)
    now = timezone.now()
    rows: list[RiskScore] = []
    for ent_id, ent in ents.items():
        # The enterprise's declared categories plus any its records are about.
        cats = set(own_cats[ent_id])
        for factor_data in data.values():
            cats |= {c for c in factor_data.get(ent_id, {}) if c is not None}
        for cat in sorted(cats) or [None]:
            reasons = []
            for factor in (Factor.NEW_PRODUCT, Factor.COMPLAINTS, Factor.NONCONFORMING_SAMPLES,
                           Factor.FAILED_INSPECTIONS,
                           Factor.EXPORT_NONCONFORMING):
                if factor not in w or factor not in data:
                    continue
                per_cat = data[factor].get(ent_id, {})
                n = per_cat.get(cat, 0) + (per_cat.get(ALL, 0) if cat is not None else 0)
                if n:
                    reasons.append(_reason(factor, n, w[factor],
                                           f"{n}次" if factor != Factor.EXPORT_NONCONFORMING else f"{n}批"))
            approved = ent["approved_on"]
            new = w.get(Factor.NEW_ENTERPRISE)
            if new and approved and on - datetime.timedelta(days=new.window_days) <= approved <= on:
                reasons.append(_reason(Factor.NEW_ENTERPRISE, 1, w[Factor.NEW_ENTERPRISE], f"{approved:%Y-%m-%d}获批"))
            if ent["credit_status"] == "abnormal" and Factor.ABNORMAL_LIST in w:
                reasons.append(_reason(Factor.ABNORMAL_LIST, 1, w[Factor.ABNORMAL_LIST], "经营异常名录"))
            if ent["credit_status"] == "serious" and Factor.SERIOUS_LIST in w:
                reasons.append(_reason(Factor.SERIOUS_LIST, 1, w[Factor.SERIOUS_LIST], "严重违法失信名单"))
            sampled = data["_sampled"].get(ent_id, {})
            if Factor.NEVER_SAMPLED in w and not (sampled.get(cat, 0) + sampled.get(ALL, 0)):
                reasons.append(_reason(Factor.NEVER_SAMPLED, 1, w[Factor.NEVER_SAMPLED], "该类别无抽检记录"))
            rows.append(RiskScore(enterprise_id=ent_id, category_id=cat, score=sum(r["points"] for r in reasons),
                                  reasons=reasons, computed_at=now))
    return rows


def risk_recompute(*, enterprise_ids: Iterable[int], on: datetime.date | None = None) -> int:
    """Rebuild the scores of these enterprises; returns the number of score rows written.
    Idempotent, so a retried or duplicated task does no harm."""
    ids = sorted({int(i) for i in enterprise_ids})
    on = on or today()
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        rows = _score_rows(chunk, on)
        with transaction.atomic():
            RiskScore.objects.filter(enterprise_id__in=chunk).delete()
            RiskScore.objects.bulk_create(rows, batch_size=1000)
        written += len(rows)
    return written


def risk_recompute_all(*, on: datetime.date | None = None) -> int:
    """Every enterprise, nightly: windows of days move with the date, and rows written outside the
    services (the demo seed) announce nothing."""
    ids = list(Enterprise.objects.filter(merged_into__isnull=True).values_list("pk", flat=True))
    return risk_recompute(enterprise_ids=ids, on=on)


def risk_for(enterprise_id: int) -> list[RiskScore]:
    return list(RiskScore.objects.filter(enterprise_id=enterprise_id).select_related("category").order_by("-score"))
