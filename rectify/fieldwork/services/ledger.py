"""The purchase/sales ledger (进销货台账) that batch flows are traced through.

A sale is the seller's city's record: the unit that enters it sees the seller, and the entry is
placed in the seller's city (LedgerEntry.scope_region_source). The buyer is wherever the goods
went — often another city, whose enterprises the clerk does not see — so a buyer outside the
clerk's scope is named by its unified social credit code or exact registered name, as the ledger
import names it, and found in the whole registry."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from rectify.core.audit.events import record_event
from rectify.core.generic.services import lock_for_write, object_create, object_update, require_unit, require_visible
from rectify.core.security.validators import normalise_uscc
from rectify.enterprises.models import Enterprise

from ..models import LedgerEntry
from .common import require

BUYER_KEY = "buyer_key"  # the form's and the API's name for a buyer given by credit code or name


def find_buyer(key: str) -> Enterprise:
    """The registry enterprise a credit code or an exact registered name (only when one enterprise
    has it) names; ValidationError on the `buyer_key` field otherwise."""
    key = (key or "").strip()
    code = normalise_uscc(key)
    live = Enterprise.objects.filter(merged_into__isnull=True)
    found = live.filter(credit_code=code).first() if code else None
    if found is None:
        named = list(live.filter(name=key)[:2])
        found = named[0] if len(named) == 1 else None
    if found is None:
        raise ValidationError({BUYER_KEY: _("企业名录中没有统一社会信用代码或名称为“%(k)s”的企业；名录外的购买方请填写"
                                            "“购买方名称（名录外）”。") % {"k": key}})
    return found


def _resolve_buyer(data: dict[str, Any]) -> dict[str, Any]:
    key = str(data.pop(BUYER_KEY, "") or "").strip()
    if key:
        if data.get("buyer") is not None:
            raise ValidationError({BUYER_KEY: _("购买方已从名录中选择，不能同时按代码或名称指定。")})
        data["buyer"] = find_buyer(key)
    return data


@transaction.atomic
def ledger_entry_create(*, model: type[models.Model], data: Mapping[str, Any], actor) -> LedgerEntry:
    """ModelConfig.create: a sale by a seller the actor sees, to a buyer anywhere in the registry."""
    data = _resolve_buyer(dict(data))
    require_visible(actor, data.get("seller"), _("销售方"))
    return object_create(model=model, data=data, actor=actor)


@transaction.atomic
def ledger_entry_update(*, obj: LedgerEntry, data: Mapping[str, Any], actor,
                        expected_version: int | None = None) -> LedgerEntry:
    """ModelConfig.update: the seller stays one the actor sees; the buyer may be anywhere."""
    data = _resolve_buyer(dict(data))
    if "seller" in data and data["seller"] != lock_for_write(type(obj), obj.pk, actor, "change").seller:
        require_visible(actor, data["seller"], _("销售方"))
    return object_update(obj=obj, data=data, actor=actor, expected_version=expected_version)


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
