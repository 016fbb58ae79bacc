"""Telling the cities a failed batch reached (流向排查 → 通报下游地市).

A nonconforming batch is traced down the purchase and sales ledgers (selectors.trace_batch). Each
other city the batch reached must act on what its holders still have, so its market-regulation
bureau and its working-group office are told: their units are added to the disposal's
`downstream_units` (the disposal's scope shares it with them, read only), and each of their active
users who may see the disposal gets one notice linking to it, once per disposal. The sampling unit
keeps the disposal: the downstream cities read it and the trace from it."""
from __future__ import annotations

from django.utils.translation import gettext as _

from rectify.core.notifications import notify
from rectify.core.workflow.declare import Assignee
from rectify.core.workflow.notices import recipients

from ..models import Disposal
from ..selectors import Trace, trace_batch

HOLDERS_NAMED = 10  # per city in the notice's text; the trace page lists them all


def _holders_text(trace: Trace, region_id: int) -> str:
    holders = [h for h in trace.holders if h.region_id == region_id]
    text = "、".join(_("%(name)s（%(n)s）") % {"name": h.name, "n": h.received} for h in holders[:HOLDERS_NAMED])
    if len(holders) > HOLDERS_NAMED:
        text += _("等%(n)s家") % {"n": len(holders)}
    return text


def tell_downstream(*, disposal: Disposal, actor) -> list:
    """Share the disposal with the units of the other cities the batch reached and notify their
    users; returns those units. Called inside the step that traced the flow (its transaction)."""
    trace = trace_batch(enterprise_id=disposal.enterprise_id, batch_number=disposal.batch_number)
    regions = {h.region_id for h in trace.holders if h.region_id and h.region_id != disposal.region_id}
    units = [unit for region, found in trace.units_by_region.items() if region.pk in regions for unit in found]
    if not units:
        return []
    disposal.downstream_units.add(*units)
    sender = getattr(actor, "unit", None) or actor
    downstream = Assignee(str(_("下游地市")), lambda obj: units, lambda user: None)
    for user in recipients(downstream, disposal, None, None):
        title = _("批次流向通报：%(product)s 批号%(batch)s 流入%(city)s") % {
            "product": disposal.sample.product_name, "batch": disposal.batch_number, "city": user.unit.region}
        body = _("%(sender)s通报：%(enterprise)s的不合格批次经购销台账追溯，流入本市以下单位：%(holders)s。"
                 "请核查处置并督促召回。") % {"sender": sender, "enterprise": disposal.enterprise,
                                        "holders": _holders_text(trace, user.unit.region_id)}
        notify(user=user, title=title[:200], body=body, url=disposal.get_absolute_url(),
               key=f"trace:{disposal.pk}:{user.pk}")
    return units
