"""The landing page, the work desk: what awaits the user (core.workflow.desk), the phase's
deliverables of the user's city or cities (organisations.selectors), then the campaign's phase and
the record counts of the user's scope."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from rectify.core import clock
from rectify.core.access.scope import model_allows
from rectify.core.generic.campaigns import in_campaign
from rectify.core.registry import registry
from rectify.core.workflow.desk import desk_for
from rectify.organisations.models import Campaign
from rectify.organisations.selectors import deliverables_panel


@login_required
def dashboard(request):
    campaign = Campaign.current()
    today = clock.today()
    phase = campaign.phases.filter(start__lte=today, end__gte=today).first() if campaign else None
    counts = []
    for config in registry:
        if config.menu in {"", "system", "organisation"} or not model_allows(request.user, config.model, "view"):
            continue
        counts.append((config, in_campaign(config.model.objects.restrict(request.user)).count()))
    return render(request, "reports/home.html", {"campaign": campaign, "phase": phase, "counts": counts,
                                                 "desk": desk_for(request.user),
                                                 "deliverables": deliverables_panel(request.user, campaign)})
