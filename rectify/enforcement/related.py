"""What the enforcement record pages show beside their workflow panel (core/workflow): the records a
complaint, lead, case or joint punishment produced, and a case's corrected decisions."""
from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _

from rectify.core.access.scope import can

from .models import Case, Complaint, Exposure, JointPunishment, JointPunishmentAction, Lead, Supervision, Transfer


def _after_transfer(t: Transfer) -> models.Model:
    return t.lead if t.lead_id else t.case


def _related(user, obj: models.Model) -> list[tuple[str, models.Model]]:
    """Records produced by or hanging off this one, restricted like every list."""
    if isinstance(obj, Complaint):
        return [(_("线索"), x) for x in Lead.objects.restrict(user).filter(complaint=obj)]
    if isinstance(obj, Lead):
        return [(_("案件"), x) for x in Case.objects.restrict(user).filter(source_lead=obj)]
    if isinstance(obj, Case):
        rows = [(_("挂牌督办"), x) for x in Supervision.objects.restrict(user).filter(case=obj)]
        rows += [(_("典型案例曝光"), x) for x in Exposure.objects.restrict(user).filter(case=obj)]
        return rows
    if isinstance(obj, JointPunishment):
        return [(_("惩戒措施"), x) for x in JointPunishmentAction.objects.restrict(user).filter(punishment=obj)]
    if isinstance(obj, Transfer):
        return [(_("移送对象"), x) for x in [_after_transfer(obj)] if x is not None and can(user, "view", x)]
    return []


def workflow_context(request: HttpRequest, obj: models.Model) -> dict[str, Any]:
    """ModelConfig.detail_context: the records this one produced or hangs off (the steps themselves
    come from core.workflow's panel)."""
    context = {"workflow_related": _related(request.user, obj)}
    if isinstance(obj, Case):  # the decisions a 更正 replaced, kept with their seals
        context["decision_versions"] = list(obj.decision_versions.select_related("corrected_by").order_by("number"))
    return context
