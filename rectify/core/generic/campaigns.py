"""Lists show the rows of the campaign the user works in (chosen in the top bar, core.current).

A model belongs to campaigns when it has a `campaign` foreign key to a model that can name the
current one (organisations.Campaign.current_subquery): the campaigns' records, reports and
catalogues. Its detail pages stay open whatever the campaign, so an ended campaign's record is
still read through a link; its lists, totals and exports are the campaign's."""
from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rectify.core.security.inputs import parse_int


def campaign_field(model: type[models.Model]) -> models.ForeignKey | None:
    try:
        field = model._meta.get_field("campaign")
    except FieldDoesNotExist:
        return None
    if not field.many_to_one or not hasattr(field.related_model, "current_subquery"):
        return None
    return field


def in_campaign(qs: QuerySet, requested: str | None = None) -> QuerySet:
    """`qs` narrowed to the current campaign, or to the campaign `requested` names (an id)."""
    field = campaign_field(qs.model)
    if field is None:
        return qs
    if requested in (None, ""):
        # the campaign's id, not a subquery choosing it: a list reads its first page in the order of
        # an index, and the subquery's own ORDER BY would put a sort in the list's plan
        campaign = field.related_model.current()
        return qs.filter(campaign=campaign.pk if campaign is not None else None)
    pk = parse_int(requested, minimum=1)
    if pk is None or not field.related_model._default_manager.filter(pk=pk).exists():
        raise ValidationError({"campaign": _("没有编号为“%(value)s”的专项行动。") % {"value": str(requested)[:40]}})
    return qs.filter(campaign=pk)


def takes_new_records(model: type[models.Model]) -> bool:
    """A campaign record can be added: the campaign the user works in is in progress (an ended
    campaign, or one still being set up, is read only). Its catalogues stay editable: that is how a
    campaign is set up."""
    if not hasattr(model, "campaign_for_new_rows"):
        return True
    campaign = model._meta.get_field("campaign").related_model.current()
    return campaign is None or campaign.is_active
