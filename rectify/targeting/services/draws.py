"""双随机、一公开 draws.

`draw_run` snapshots the registers (sorted ids, with the reasons a target is flagged and the
declared conflicts), picks a seed (or takes the one given), and computes the result with
`compute_draw` — a pure function of the snapshot and the seed over `random.Random(seed)`. So
`draw_rerun(draw)` reproduces the stored result exactly, which is what makes a published draw
verifiable. Draws are never edited or deleted; a repeat is a new numbered record."""
from __future__ import annotations

import datetime
import math
import random
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core.generic.services import ensure_in_scope, require_unit
from rectify.enforcement.models import Complaint
from rectify.organisations.models import Unit

from ..models import ConflictOfInterest, Draw
from .common import enterprises_of_unit, event, officers_of_unit

FLAG_LABELS = {"complaint": "有投诉举报", "abnormal": "列入经营异常名录", "serious": "列入严重违法失信名单"}


def compute_draw(inputs: dict, seed: int) -> list[dict]:
    """Pure and deterministic: the same snapshot and seed give the same result, always.

    inputs = {"targets": [[id, name, [flag codes]], ...] sorted by id,
              "inspectors": [[id, name], ...] sorted by id, "conflicts": [[officer id, enterprise id], ...],
              "target_count": n, "flagged_percent": p, "inspectors_per_target": k}"""
    rng = random.Random(seed)
    targets, inspectors = inputs["targets"], inputs["inspectors"]
    conflicts = {(o, e) for o, e in inputs["conflicts"]}
    n, p, k = inputs["target_count"], inputs["flagged_percent"], inputs["inspectors_per_target"]
    flagged = [t for t in targets if t[2]]
    normal = [t for t in targets if not t[2]]
    n_flagged = min(len(flagged), math.ceil(len(flagged) * p / 100), n)
    picked_flagged = rng.sample(flagged, n_flagged)
    n_normal = min(len(normal), n - n_flagged)
    picked_normal = rng.sample(normal, n_normal)
    result = []
    for target, is_flagged in [*((t, True) for t in picked_flagged), *((t, False) for t in picked_normal)]:
        ent_id, name, flags = target
        recused = [i for i in inspectors if (i[0], ent_id) in conflicts]
        eligible = [i for i in inspectors if (i[0], ent_id) not in conflicts]
        if len(eligible) < k:
            raise ValidationError(_("“%(e)s”可选执法人员不足%(k)d人（已回避%(r)d人），无法抽取。")
                                  % {"e": name, "k": k, "r": len(recused)})
        team = rng.sample(eligible, k)
        if is_flagged:
            # Not translated: the text is part of the result that a re-run must reproduce byte for byte.
            why = "重点对象（{}）：按{}%比例从{}户重点对象中抽取{}户".format(
                "、".join(FLAG_LABELS.get(f, f) for f in flags), p, len(flagged), n_flagged)
        else:
            why = f"一般对象：从{len(normal)}户一般对象中随机抽取{n_normal}户"
        result.append({"enterprise_id": ent_id, "name": name, "flagged": is_flagged, "flags": flags, "why": why,
                       "inspector_ids": [i[0] for i in team], "inspector_names": [i[1] for i in team],
                       "recused": [i[1] for i in recused]})
    return result


def snapshot(*, unit, category=None, target_region=None, target_count: int, flagged_percent: int,
             inspectors_per_target: int) -> dict:
    """The registers as they are now, as plain sorted lists (stored with the draw)."""
    register = enterprises_of_unit(unit)
    if category is not None:
        register = register.filter(categories=category)
    if target_region is not None:
        register = register.filter(Q(region=target_region) | Q(county=target_region))
    rows = list(register.distinct().order_by("pk").values_list("pk", "name", "credit_status"))
    ids = [r[0] for r in rows]
    complained = set(Complaint.objects.filter(enterprise_id__in=ids).values_list("enterprise_id", flat=True).distinct())
    targets = []
    for pk, name, credit in rows:
        flags = (["complaint"] if pk in complained else []) + ([credit] if credit in ("abnormal", "serious") else [])
        targets.append([pk, name, flags])
    officers = list(officers_of_unit(unit).order_by("pk").values_list("pk", "full_name", "username"))
    inspectors = [[pk, full or username] for pk, full, username in officers]
    conflicts = sorted([list(c) for c in ConflictOfInterest.objects.filter(
        officer_id__in=[i[0] for i in inspectors], enterprise_id__in=ids).values_list("officer_id", "enterprise_id")])
    return {"targets": targets, "inspectors": inspectors, "conflicts": conflicts, "target_count": target_count,
            "flagged_percent": flagged_percent, "inspectors_per_target": inspectors_per_target}


@transaction.atomic
def draw_run(*, unit, name: str, period_start: datetime.date, period_end: datetime.date, target_count: int, actor,
             category=None, target_region=None, flagged_percent: int = 50, inspectors_per_target: int = 2,
             seed: int | None = None) -> Draw:
    require_unit(actor, unit)
    if inspectors_per_target < 2:
        raise ValidationError({"inspectors_per_target": _("每户至少两名执法人员。")})

    Unit.objects.select_for_update().filter(pk=unit.pk).first()  # serialise numbering per unit
    earlier = list(Draw.objects.filter(unit=unit, period_start=period_start, period_end=period_end)
                   .order_by("sequence").values_list("number", flat=True))
    sequence = len(earlier) + 1
    seed = secrets.randbits(48) if seed is None else seed
    inputs = snapshot(unit=unit, category=category, target_region=target_region, target_count=target_count,
                      flagged_percent=flagged_percent, inspectors_per_target=inspectors_per_target)
    if not inputs["targets"]:
        raise ValidationError(_("检查对象名录为空（请检查类别和区域条件）。"))
    draw = Draw(unit=unit, name=name, period_start=period_start, period_end=period_end, category=category,
                target_region=target_region, target_count=target_count, flagged_percent=flagged_percent,
                inspectors_per_target=inspectors_per_target, seed=seed, inputs=inputs, sequence=sequence,
                number=f"SSJ-{unit.code}-{period_start:%Y%m%d}-{period_end:%Y%m%d}-{sequence:02d}",
                result=compute_draw(inputs, seed), drawn_at=timezone.now(), drawn_by=actor)
    draw.full_clean()
    draw.save()
    ensure_in_scope(draw, actor)
    event(actor, "draw.run", draw, detail={
        "number": draw.number, "seed": seed, "sequence": sequence, "earlier_draws": earlier,
        "targets": [r["enterprise_id"] for r in draw.result], "register_size": len(inputs["targets"]),
        "inspector_register_size": len(inputs["inspectors"])})
    return draw


def draw_create(*, model, data: dict, actor) -> Draw:
    """Registry create hook (page and API)."""
    return draw_run(actor=actor, **data)


def draw_rerun(draw: Draw) -> list[dict]:
    """Recompute the result from the stored snapshot and seed."""
    return compute_draw(draw.inputs, draw.seed)


def draw_verify(draw: Draw) -> bool:
    return draw_rerun(draw) == draw.result


def public_result(draw: Draw) -> list[dict]:
    """What 一公开 publishes: the enterprises drawn and how many inspectors go. Not published:
    why a target was flagged (complaints are not public), the inspectors' names or recusals."""
    return [{"name": r["name"], "inspectors": len(r["inspector_ids"])} for r in draw.result]
