"""Read queries of field work. `trace_batch` follows a batch down the purchase/sales ledgers in
one recursive query (SQLite and PostgreSQL), so it stays one round trip on millions of entries:
each step uses the (batch_number, seller, buyer) index. `coverage_table` counts the listed
producers field work has inspected and sampled."""
from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from rectify.core.access.scope import can
from rectify.core.clock import today
from rectify.enforcement.models import Case
from rectify.enterprises.models import Enterprise
from rectify.organisations.models import Campaign, ProductCategory, Region, Unit

from .models import (
    Bulletin,
    BulletinReceipt,
    Disposal,
    FastTest,
    IndustryAssociation,
    InspectionOutcome,
    LedgerEntry,
    MeetingTask,
    MemberCommitment,
    Recall,
    Sample,
)


@dataclass
class Holder:
    enterprise_id: int | None
    name: str
    region_id: int | None
    region_name: str
    depth: int
    received: int = 0
    sold_on: int = 0
    recalled: int = 0

    @property
    def held(self) -> int:
        """What is still with this holder (received and not sold on down the traced chain)."""
        return max(self.received - self.sold_on, 0)


@dataclass
class Trace:
    enterprise: Enterprise
    batch_number: str
    max_depth: int
    entries: list[dict] = field(default_factory=list)
    holders: list[Holder] = field(default_factory=list)
    units_by_region: dict[Region, list[Unit]] = field(default_factory=dict)
    start_recalled: int = 0

    @property
    def depth_reached(self) -> int:
        return max((e["depth"] for e in self.entries), default=0)

    @property
    def depth_limited(self) -> bool:
        return self.depth_reached >= self.max_depth

    @property
    def total_shipped(self) -> int:
        return sum(e["quantity"] for e in self.entries if e["depth"] == 1)

    @property
    def total_recalled(self) -> int:
        return self.start_recalled + sum(h.recalled for h in self.holders)


def _sql() -> str:
    ledger, recall = LedgerEntry._meta.db_table, Recall._meta.db_table
    enterprise, region = Enterprise._meta.db_table, Region._meta.db_table
    # `path` lists the holders already expanded on this branch (",12,40,"): an entry back into
    # one of them is listed but not followed again, so cycles end; max_depth bounds the rest.
    return f"""
    WITH RECURSIVE trace(entry_id, buyer_id, depth, path) AS (
        SELECT e.id, e.buyer_id, 1, ',' || CAST(e.seller_id AS TEXT) || ','
          FROM {ledger} e
         WHERE e.seller_id = %s AND e.batch_number = %s
        UNION ALL
        SELECT e.id, e.buyer_id, t.depth + 1, t.path || CAST(e.seller_id AS TEXT) || ','
          FROM trace t
          JOIN {ledger} e ON e.seller_id = t.buyer_id AND e.batch_number = %s
         WHERE t.depth < %s
           AND t.path NOT LIKE '%%,' || CAST(t.buyer_id AS TEXT) || ',%%'
    ),
    hits AS (SELECT entry_id, MIN(depth) AS depth FROM trace GROUP BY entry_id),
    recalled AS (SELECT enterprise_id, SUM(quantity) AS quantity FROM {recall}
                  WHERE batch_number = %s GROUP BY enterprise_id)
    SELECT e.id, e.seller_id, s.name, e.buyer_id, COALESCE(b.name, e.buyer_name), b.region_id, rg.name,
           e.quantity, e.traded_on, h.depth, COALESCE(r.quantity, 0)
      FROM hits h
      JOIN {ledger} e ON e.id = h.entry_id
      JOIN {enterprise} s ON s.id = e.seller_id
      LEFT JOIN {enterprise} b ON b.id = e.buyer_id
      LEFT JOIN {region} rg ON rg.id = b.region_id
      LEFT JOIN recalled r ON r.enterprise_id = e.buyer_id
     ORDER BY h.depth, e.traded_on, e.id
    """


def trace_batch(*, enterprise_id: int, batch_number: str, max_depth: int = 20, user=None) -> Trace:
    """Every downstream holder of `batch_number` sold by `enterprise_id`, to any depth (≤ max_depth),
    with the quantities received, sold on and recalled, and the units of every region reached.

    With `user` the start enterprise must be in the user's scope, or the batch's disposal shared
    with the user's city by the trace (Enterprise.DoesNotExist otherwise, which views answer with
    404); the downstream holders are listed wherever they are, since telling the other regions is
    the point of the trace."""
    batch_number = batch_number.strip()
    qs = Enterprise.objects.select_related("region")
    if user is not None and not qs.restrict(user, "view").filter(pk=enterprise_id).exists():
        told = Disposal.objects.restrict(user, "view").filter(enterprise_id=enterprise_id, batch_number=batch_number)
        if not told.exists():
            raise Enterprise.DoesNotExist
    start = qs.get(pk=enterprise_id)
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [enterprise_id, batch_number, batch_number, max_depth, batch_number])
        rows = cursor.fetchall()
    trace = Trace(enterprise=start, batch_number=batch_number, max_depth=max_depth)
    holders: dict[object, Holder] = {}
    sold: dict[int, int] = {}
    for (pk, seller_id, seller_name, buyer_id, buyer_name, region_id, region_name, quantity, traded_on, depth,
         recalled) in rows:
        if isinstance(traded_on, str):  # SQLite returns raw-SQL dates as text
            traded_on = datetime.date.fromisoformat(traded_on)
        trace.entries.append({"id": pk, "seller_id": seller_id, "seller": seller_name, "buyer_id": buyer_id,
                              "buyer": buyer_name, "region": region_name or "", "quantity": quantity,
                              "traded_on": traded_on, "depth": depth})
        sold[seller_id] = sold.get(seller_id, 0) + quantity
        if buyer_id == enterprise_id:
            continue  # back to the start: a cycle, not a new holder
        key = buyer_id if buyer_id is not None else f"name:{buyer_name}"
        holder = holders.get(key)
        if holder is None:
            holder = holders[key] = Holder(buyer_id, buyer_name, region_id, region_name or "", depth,
                                           recalled=int(recalled))
        holder.received += quantity
        holder.depth = min(holder.depth, depth)
    for holder in holders.values():
        if holder.enterprise_id is not None:
            holder.sold_on = sold.get(holder.enterprise_id, 0)
    trace.holders = sorted(holders.values(), key=lambda h: (h.depth, h.name))
    trace.start_recalled = sum(Recall.objects.filter(enterprise_id=enterprise_id, batch_number=batch_number)
                               .values_list("quantity", flat=True))
    region_ids = {h.region_id for h in trace.holders if h.region_id} | {start.region_id}
    trace.units_by_region = _units(region_ids)
    return trace


def _units(region_ids: set[int]) -> dict[Region, list[Unit]]:
    """The units to tell in each region reached: the city's office and its market-regulation bureau."""
    out: dict[Region, list[Unit]] = {}
    units = (Unit.objects.filter(region_id__in=region_ids, is_active=True)
             .filter(is_office=True) | Unit.objects.filter(region_id__in=region_ids, is_active=True,
                                                           department__line="market"))
    for unit in units.select_related("region").order_by("region__code", "-is_office", "code"):
        out.setdefault(unit.region, []).append(unit)
    return out


# -- coverage ----------------------------------------------------------------------------------------
def coverage_counts(enterprise_ids: Iterable[int] | QuerySet | None = None, *,
                    user=None) -> dict[str, dict[int, set[int]]]:
    """Which enterprises field work has inspected and sampled, per product category.

    Shape: {"inspected": {category_id: {enterprise_id, ...}}, "sampled": {category_id: {...}}}.
    Inspected = has an InspectionOutcome for the category (any outcome: a failed inspection is
    still an inspection); sampled = has a Sample of the category. `enterprise_ids` (ids or a
    queryset of enterprises, used as a subquery) narrows the enterprises; `user` narrows the
    field-work records to those the user may see, so the page counts what the user can open.
    One DISTINCT (category, enterprise) query per kind."""
    sources: dict[str, type[InspectionOutcome] | type[Sample]] = {"inspected": InspectionOutcome, "sampled": Sample}
    result: dict[str, dict[int, set[int]]] = {}
    for key, model in sources.items():
        result[key] = {}
        qs = model.objects.restrict(user, "view") if user is not None else model.objects.all()
        if enterprise_ids is not None:
            ids = enterprise_ids if isinstance(enterprise_ids, QuerySet) else list(enterprise_ids)
            qs = qs.filter(enterprise_id__in=ids)
        for category_id, enterprise_id in qs.order_by().values_list("category_id", "enterprise_id").distinct():
            result[key].setdefault(category_id, set()).add(enterprise_id)
    return result


NOT_INSPECTED_SHOWN = 100  # per cell: the page lists the first ones and says how many more


@dataclass
class CoverageRow:
    city: Region
    # per category: listed, inspected, sampled (counts), not_inspected [(id, name)] (first ones),
    # not_inspected_count, not_sampled_count
    cells: list[dict[str, Any]]
    total_listed: int = 0


def coverage_table(user) -> tuple[list[ProductCategory], list[CoverageRow]]:
    """Per city and category: listed producers, and of them how many inspected and sampled, and
    which are not inspected yet. An enterprise producing several categories counts once in each
    (the campaign's rule)."""
    campaign = Campaign.current()
    categories = list(ProductCategory.objects.filter(campaign=campaign).order_by("order")) if campaign else []
    producers = Enterprise.objects.restrict(user, "view").filter(is_producer=True, merged_into__isnull=True)
    through = Enterprise.categories.through
    pairs = list(through.objects.filter(enterprise__in=producers).values_list(
        "enterprise__region_id", "productcategory_id", "enterprise_id", "enterprise__name"))
    listed: dict[tuple[int, int], set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    for region_id, cat_id, ent_id, name in pairs:
        listed[(region_id, cat_id)].add(ent_id)
        names[ent_id] = name
    # The producers queryset as a subquery: a city's list can be longer than a database's
    # parameter limit.
    done = coverage_counts(producers.values("pk"), user=user)
    city_ids = {p[0] for p in pairs} | set(producers.values_list("region_id", flat=True).distinct())
    rows = []
    for city in Region.objects.filter(pk__in=city_ids).order_by("code"):
        cells = []
        for cat in categories:
            ids = listed.get((city.pk, cat.pk), set())
            inspected = ids & done["inspected"].get(cat.pk, set())
            sampled = ids & done["sampled"].get(cat.pk, set())
            missing = sorted(ids - inspected, key=lambda pk: (names[pk], pk))
            cells.append({"category": cat, "listed": len(ids), "inspected": len(inspected), "sampled": len(sampled),
                          "not_inspected": [(pk, names[pk]) for pk in missing[:NOT_INSPECTED_SHOWN]],
                          "not_inspected_count": len(missing), "not_sampled_count": len(ids - sampled)})
        rows.append(CoverageRow(city, cells, sum(c["listed"] for c in cells)))
    return categories, rows


def meeting_context(request: Any, meeting: Any) -> dict[str, Any]:
    """ModelConfig.detail_context of a scheduling meeting: its tasks the user sees, each with its
    state, and whether the user may add one (the convening side)."""
    tasks = list(MeetingTask.objects.restrict(request.user).filter(meeting=meeting).select_related("assignee"))
    return {"meeting_tasks": tasks, "meeting_today": today(),
            "meeting_may_assign": can(request.user, "change", meeting)}


def bulletin_context(request: Any, bulletin: Bulletin) -> dict[str, Any]:
    """ModelConfig.detail_context of a bulletin: every receiving unit with its receipt (who signed
    for it and when) or none yet."""
    receipts = {r.unit_id: r for r in BulletinReceipt.objects.filter(bulletin=bulletin).select_related("user")}
    rows = [(unit, receipts.get(unit.pk)) for unit in bulletin.recipients.select_related("region").order_by(
        "region__code", "department__order", "pk")]
    return {"bulletin_receipts": rows, "bulletin_signed": len(receipts)}


def case_fast_tests(user: Any, case: Any) -> dict[str, Any]:
    """The fast-track tests of a case the user sees, for the case's page, and whether the user may
    send more (the case's handling side)."""
    tests = list(FastTest.objects.restrict(user).filter(case=case).select_related("institution"))
    return {"fast_tests": tests, "fast_test_today": today(),
            "fast_test_may_request": case.status not in (Case.Status.CLOSED, Case.Status.TRANSFERRED)
            and can(user, "change", case) and can(user, "add", FastTest)}


def association_context(request: Any, association: IndustryAssociation) -> dict[str, Any]:
    """ModelConfig.detail_context of an association: each convention with how many of the members
    signed it (the commitments the user sees)."""
    members = association.members.count()
    rows = []
    for convention in association.conventions.order_by("-adopted_on", "-id"):
        signed = MemberCommitment.objects.restrict(request.user).filter(convention=convention).count()
        rows.append((convention, signed))
    return {"association_conventions": rows, "association_members": members,
            "association_may_add": can(request.user, "change", association)}
