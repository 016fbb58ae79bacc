"""The purchase/sales ledger (进销货台账) that batch flows are traced through."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rectify.core.audit.events import record_event

from ..models import LedgerEntry
from .common import require, require_unit, require_visible


@transaction.atomic
def ledger_import(*, unit, rows: Iterable[Mapping[str, Any]], actor) -> int:
    """Import purchase/sales ledger rows (already resolved: seller, buyer or buyer_name,
    product_name, category, batch_number, quantity, traded_on). All or nothing."""
    require(actor, LedgerEntry, "add")
    require_unit(actor, unit)
    entries, errors = [], []
    for number, row in enumerate(rows, start=2):  # row 1 is the header of the sheet
        entry = LedgerEntry(unit=unit, **row)
        try:
            require_visible(actor, entry.seller, _("销售方"))
            entry.fill_scope()
            entry.full_clean(exclude=["unit", "region", "county"])
        except ValidationError as exc:
            errors.append(_("第%(n)s行：%(e)s") % {"n": number, "e": "；".join(exc.messages)})
            continue
        entries.append(entry)
    if errors:
        raise ValidationError(errors[:50])
    LedgerEntry.objects.bulk_create(entries, batch_size=5000)
    record_event("ledger.import", None, detail={"unit": unit.code, "rows": len(entries)})
    return len(entries)
