"""Sampling plans from risk: propose targets (high risk first, a random share below the
threshold so that low scores are not a free pass), then the unit accepts or edits them into a
fieldwork SamplingTask."""
from __future__ import annotations

import datetime
import random
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from rectify.core.generic.services import ensure_in_scope, object_create, require_unit
from rectify.core.workflow.engine import Outcome, perform
from rectify.enterprises.models import Enterprise
from rectify.fieldwork.models import SamplingTask

from ..models import RiskScore, SamplingPlan
from .common import enterprises_of_unit, event


def new_seed() -> int:
    return secrets.randbits(48)


def propose_targets(*, candidates: list[tuple[int, str, int, str]], size: int, threshold: int, random_percent: int,
                    seed: int) -> list[dict]:
    """Pure: `candidates` are (enterprise id, name, score, reasons text). Deterministic for a seed."""
    n_random = round(size * random_percent / 100)
    by_risk = sorted((c for c in candidates if c[2] >= threshold), key=lambda c: (-c[2], c[0]))[: size - n_random]
    chosen = {c[0] for c in by_risk}
    rest = sorted(c for c in candidates if c[0] not in chosen)
    k = min(len(rest), size - len(by_risk))
    drawn = random.Random(seed).sample(rest, k)
    out = [{"enterprise_id": c[0], "name": c[1], "score": c[2], "by": "risk",
            "why": _("风险分值%(s)d≥阈值%(t)d：%(r)s") % {"s": c[2], "t": threshold, "r": c[3] or "—"}}
           for c in by_risk]
    out += [{"enterprise_id": c[0], "name": c[1], "score": c[2], "by": "random",
             "why": _("随机抽取（%(n)d户候选，种子%(seed)d），风险分值%(s)d")
             % {"n": len(rest), "seed": seed, "s": c[2]}}
            for c in drawn]
    return out


@transaction.atomic
def sampling_plan_generate(*, unit, category, name: str, period_start: datetime.date, period_end: datetime.date, actor,
                           size: int = 10, threshold: int = 30, random_percent: int = 20,
                           seed: int | None = None) -> SamplingPlan:
    require_unit(actor, unit)
    seed = new_seed() if seed is None else seed
    register = enterprises_of_unit(unit).filter(Q(categories=category) | Q(risk_scores__category=category)).distinct()
    names = dict(register.values_list("pk", "name"))
    scores = {s.enterprise_id: s for s in RiskScore.objects.filter(enterprise_id__in=list(names), category=category)}
    candidates = [(pk, names[pk], scores[pk].score if pk in scores else 0,
                   scores[pk].reasons_text if pk in scores else "")
                  for pk in sorted(names)]
    plan = SamplingPlan(unit=unit, name=name, category=category, period_start=period_start, period_end=period_end,
                        size=size,
                        threshold=threshold, random_percent=random_percent, seed=seed)
    plan.proposed = propose_targets(candidates=candidates, size=size, threshold=threshold,
                                    random_percent=random_percent,
                                    seed=seed)
    plan.full_clean()
    plan.save()
    ensure_in_scope(plan, actor)
    event(actor, "sampling_plan.generate", plan, detail={"seed": seed, "candidates": len(candidates),
                                                          "proposed": [p["enterprise_id"] for p in plan.proposed]})
    return plan


def sampling_plan_create(*, model, data: dict, actor) -> SamplingPlan:
    """Registry create hook (page and API): a new plan is always generated from risk."""
    return sampling_plan_generate(actor=actor, **data)


def sampling_plan_accept(*, plan: SamplingPlan, actor, enterprise_ids: Iterable[int] | None = None,
                         task_name: str = "") -> SamplingPlan:
    """Accept the proposal (or the unit's edited list) and create the fieldwork SamplingTask: the
    workflow's step `accept` (targeting/workflows.py)."""
    values: dict[str, Any] = {"task_name": task_name} if task_name else {}
    if enterprise_ids is not None:
        values["targets"] = [int(i) for i in enterprise_ids]
    perform(plan, "accept", actor=actor, values=values)
    return SamplingPlan.objects.get(pk=plan.pk)


def accept_body(plan: SamplingPlan, actor, values: dict[str, Any]) -> Outcome:
    proposed_ids = [p["enterprise_id"] for p in plan.proposed]
    ids = sorted({int(i) for i in values.get("targets", proposed_ids)})
    if not ids:
        raise ValidationError({"targets": _("请至少保留一个抽检对象。")})
    allowed = set(enterprises_of_unit(plan.unit).filter(pk__in=ids).values_list("pk", flat=True))
    if set(ids) - allowed:
        raise ValidationError({"targets": _("所选企业不在本单位辖区内。")})

    task = object_create(model=SamplingTask, actor=actor, data={
        "unit": plan.unit, "name": values.get("task_name") or plan.name, "category": plan.category,
        "period_start": plan.period_start, "period_end": plan.period_end, "planned_batches": len(ids),
        "targets": ids,
        "notes": _("由风险抽检计划“%(p)s”生成（随机种子%(s)d）。") % {"p": plan.name, "s": plan.seed}})
    for p in plan.proposed:
        p["accepted"] = p["enterprise_id"] in ids
    added = sorted(set(ids) - set(proposed_ids))

    for pk, name in Enterprise.objects.filter(pk__in=added).order_by("pk").values_list("pk", "name"):
        plan.proposed.append({"enterprise_id": pk, "name": name, "score": None, "by": "manual", "accepted": True,
                              "why": _("单位人工增补")})
    plan.task = task
    return Outcome(show=task, detail={"task": task.pk, "targets": ids, "added": added,
                                      "removed": sorted(set(proposed_ids) - set(ids))})
