"""What the records show of each city's progress on a phase's deliverables (organisations.evidence):
the enterprises a city has listed as producers or exporters, the publicity it published during the
campaign, the complaint channels it has published (公告与举报渠道) and the complaints registered since.

Each counter is one GROUP BY over the cities asked for, and its link opens the list of the rows it
counted (the user's own scope applies there as everywhere). The figures stand beside the status and
never set it: a list with a hundred producers may still be unfinished, and a city with no exporter
has built its exporter list all the same; the province confirms the city's report."""
from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from rectify.core.registry import registry
from rectify.enforcement.models import Complaint
from rectify.enterprises.models import Enterprise
from rectify.fieldwork.models import PublicityReport
from rectify.organisations.evidence import Evidence, provide
from rectify.organisations.models import Deliverable
from rectify.prices.models import Notice

K = Deliverable.Kind


def _by_city(queryset: QuerySet, city_field: str = "region_id") -> dict[int, int]:
    rows = queryset.order_by().values(city_field).annotate(n=Count("pk"))
    return {row[city_field]: row["n"] for row in rows}


def _link(model: type, **params: object) -> str:
    return f"{registry.url_for(model, 'list')}?{urlencode(params)}"


def _window(deliverable: Deliverable) -> tuple[datetime.date, datetime.date]:
    campaign = deliverable.phase.campaign
    return campaign.start, campaign.end


def _listed(flag: str):
    def count(deliverable: Deliverable, cities: list[int]) -> dict[int, int]:
        return _by_city(Enterprise.objects.filter(region_id__in=cities, merged_into__isnull=True, **{flag: True}))
    return count


def _publicity(deliverable: Deliverable, cities: list[int]) -> dict[int, int]:
    start, end = _window(deliverable)
    return _by_city(PublicityReport.objects.filter(region_id__in=cities, published_on__range=(start, end)))


def _publicity_link(deliverable: Deliverable, city_id: int) -> str:
    start, end = _window(deliverable)
    return _link(PublicityReport, region=city_id, published_on__gte=start, published_on__lte=end)


def _channels(deliverable: Deliverable, cities: list[int]) -> dict[int, int]:
    """Channels published before the campaign count too: a hotline announced last year is published."""
    return _by_city(Notice.objects.filter(region_id__in=cities, kind=Notice.Kind.CHANNEL, published=True))


def _channels_link(deliverable: Deliverable, city_id: int) -> str:
    return _link(Notice, region=city_id, kind=Notice.Kind.CHANNEL, published="true")


def _complaints(deliverable: Deliverable, cities: list[int]) -> dict[int, int]:
    return _by_city(Complaint.objects.filter(region_id__in=cities, received_on__range=_window(deliverable)))


def _complaints_link(deliverable: Deliverable, city_id: int) -> str:
    start, end = _window(deliverable)
    return _link(Complaint, region=city_id, received_on__gte=start, received_on__lte=end)


provide(K.PRODUCER_LIST, Evidence(
    _("列入生产企业清单的企业"), _("家"), _listed("is_producer"),
    lambda d, city_id: _link(Enterprise, region=city_id, is_producer="true")))
provide(K.EXPORTER_LIST, Evidence(
    _("列入出口企业清单的企业"), _("家"), _listed("is_exporter"),
    lambda d, city_id: _link(Enterprise, region=city_id, is_exporter="true")))
provide(K.PUBLICITY, Evidence(_("行动期间的宣传报道"), _("篇"), _publicity, _publicity_link))
provide(K.COMPLAINT_CHANNEL, Evidence(_("公开发布的举报渠道"), _("条"), _channels, _channels_link))
provide(K.COMPLAINT_CHANNEL, Evidence(_("行动期间登记的投诉举报"), _("件"), _complaints, _complaints_link))
