"""Folding a duplicate enterprise into the one kept: every record follows, the duplicate stays with its
history, marked merged."""
from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rectify.core.access.scope import model_allows, restrict
from rectify.core.audit.events import record_event
from rectify.core.security.validators import normalise_uscc

from ..models import Enterprise
from ..signals import risk_inputs_changed

MERGE_FILL_FIELDS = ("credit_code", "legal_representative", "county", "address", "contact", "phone", "approved_on",
                     "notes")


@transaction.atomic
def enterprise_merge(*, keep: Enterprise, merge: Enterprise, actor) -> Enterprise:
    """Fold `merge` into `keep`: every record pointing at `merge` (from any app: found through
    Enterprise._meta.related_objects) is re-pointed to `keep`; `merge` stays, marked merged_into,
    with its history. A re-pointed row that would duplicate one `keep` already has (a unique
    constraint) is deleted instead — the deletion is in the change log and listed in the event."""
    if not model_allows(actor, Enterprise, "manage"):
        raise PermissionDenied(_("只有办公室管理员可以合并企业。"))
    scoped = restrict(Enterprise.objects.select_for_update(), actor, "change")
    keep_l, merge_l = scoped.filter(pk=keep.pk).first(), scoped.filter(pk=merge.pk).first()
    if keep_l is None or merge_l is None:
        raise PermissionDenied(_("企业不存在或不在您的数据范围内。"))
    keep, merge = keep_l, merge_l
    if keep.pk == merge.pk:
        raise ValidationError(_("不能把企业合并到它自己。"))
    if merge.merged_into_id or keep.merged_into_id:
        raise ValidationError(_("已合并的企业不能再次合并。"))
    moved: dict[str, int] = {}
    dropped: list[str] = []
    for rel in Enterprise._meta.related_objects:
        model, fname = rel.related_model, rel.field.name
        if rel.many_to_many:
            _merge_reverse_m2m(rel, keep, merge, moved)
            continue
        for obj in model._base_manager.filter(**{fname: merge}):
            setattr(obj, fname, keep)
            if hasattr(obj, "version"):
                obj.version += 1
            try:
                with transaction.atomic():
                    obj.save()
                moved[model._meta.label] = moved.get(model._meta.label, 0) + 1
            except IntegrityError:
                setattr(obj, fname, merge)
                dropped.append(f"{model._meta.verbose_name}：{obj}")
                obj.delete()
    keep.categories.add(*merge.categories.all())
    fill = {}
    for name in MERGE_FILL_FIELDS:
        field = Enterprise._meta.get_field(name)
        if getattr(keep, field.attname) in (None, "") and getattr(merge, field.attname) not in (None, ""):
            fill[field.attname] = getattr(merge, field.attname)
    merge.merged_into = keep
    if "credit_code" in fill or normalise_uscc(merge.credit_code) == normalise_uscc(keep.credit_code):
        merge.credit_code = None  # unique: the code moves to (or already is) the kept enterprise's
    merge.version += 1
    merge.save()
    for attname, value in fill.items():
        setattr(keep, attname, value)
    keep.is_producer = keep.is_producer or merge.is_producer
    keep.is_exporter = keep.is_exporter or merge.is_exporter
    keep.version += 1
    keep.save()
    detail: dict[str, Any] = {"kept": keep.pk, "merged": merge.pk, "merged_name": merge.name, "moved": moved,
                              "dropped_duplicates": dropped, "filled": sorted(fill)}
    record_event("enterprise.merge", keep, user=actor, detail=detail)
    risk_inputs_changed.send(sender=Enterprise, enterprise_ids=[keep.pk, merge.pk])
    record_event("enterprise.merged_into", merge, user=actor, detail=detail)
    return keep


def _merge_reverse_m2m(rel, keep: Enterprise, merge: Enterprise, moved: dict[str, int]) -> None:
    """Another model's many-to-many to Enterprise: move merge's links to keep, without doubles."""
    m2m = rel.field
    through = m2m.remote_field.through
    target = m2m.m2m_reverse_field_name()
    source = m2m.m2m_field_name()
    links = through._default_manager.filter(**{target: merge})
    already = set(through._default_manager.filter(**{target: keep}).values_list(f"{source}_id", flat=True))
    owners = [getattr(link, f"{source}_id") for link in links]
    for owner_id in owners:
        owner = rel.related_model._base_manager.get(pk=owner_id)
        manager = getattr(owner, m2m.name)
        manager.remove(merge)
        if owner_id not in already:
            manager.add(keep)
    moved[rel.related_model._meta.label] = moved.get(rel.related_model._meta.label, 0) + len(owners)

