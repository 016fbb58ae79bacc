"""The enterprise list import: upload → check (the preview) → commit, all or nothing; small files
while the user waits, large ones in the background (tasks.py). Every write is audited (change log
+ events)."""
from __future__ import annotations

from collections.abc import Callable, Iterator

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core import clock
from rectify.core.access.scope import model_allows, restrict
from rectify.core.audit.events import record_event
from rectify.core.generic.importing import (
    ImportFileError,
    Table,
    errors_by_row,
    read_table,
    read_upload,
    sniff,
)

from ..importing import COLUMNS, NEW, UPDATE, Candidate, check_rows, preview_rows, qualification_kind
from ..models import Enterprise, ImportJob, ListEntry, Qualification
from ..signals import risk_inputs_changed

BATCH = 1000
SYNC_MAX_BYTES = 512 * 1024   # files up to this size are checked while the user waits
SYNC_MAX_ROWS = 2000          # imports up to this many rows are committed while the user waits


def _batches(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# -- progress ----------------------------------------------------------------------------------------
# Progress lives in the cache: the commit runs in one transaction, so a progress column in the
# job row would stay invisible to the polling page until the very end.
def progress_key(job_id: int) -> str:
    return f"enterprises:import-progress:{job_id}"


def set_progress(job_id: int, processed: int) -> None:
    cache.set(progress_key(job_id), processed, 3600)


def get_progress(job: ImportJob) -> int:
    value = cache.get(progress_key(job.pk))
    return job.processed if value is None or not job.is_running else min(int(value), job.total or int(value))


# -- import jobs -------------------------------------------------------------------------------------
def import_job_create(*, uploaded, actor, unit=None) -> ImportJob:
    """Accept an upload after the file-level checks (size, type, zip/XML bombs, encryption; for
    small files also headers and parsing). A small file is checked at once, so its preview is ready
    on the next page; a large one stays PENDING for the background check (tasks.import_check_task).
    A refused file raises ImportFileError; nothing is saved."""
    if not model_allows(actor, Enterprise, "add"):
        raise PermissionDenied(_("您没有导入企业名录的权限。"))
    unit = unit or actor.unit
    name = (getattr(uploaded, "name", "") or "upload").rsplit("/", 1)[-1][:200]
    data = read_upload(uploaded)
    table = read_table(name, data, COLUMNS) if len(data) <= SYNC_MAX_BYTES else None
    if table is None:
        sniff(name, data)
    job = ImportJob(unit=unit, created_by=actor if getattr(actor, "pk", None) else None, original_name=name,
                    total=len(table.rows) if table else 0)
    job.file.save(name, ContentFile(data), save=False)
    job.save()
    record_event("enterprise.import.upload", job, detail={"file": name, "bytes": len(data)})
    if table is not None:
        job._table = table  # read once: the check below reuses it
        import_job_check(job)
    return job


def _load_table(job: ImportJob) -> Table:
    table = getattr(job, "_table", None)
    if table is not None:
        return table
    with job.file.open("rb") as f:
        data = f.read()
    return read_table(job.original_name, data, COLUMNS)


def import_job_check(job: ImportJob) -> ImportJob:
    """Validate and classify every row (the preview). Writes only the job."""
    job.status = ImportJob.Status.VALIDATING
    job.save(update_fields=["status", "updated_at"])
    try:
        table = _load_table(job)
    except ImportFileError as exc:
        return _finish(job, ImportJob.Status.FAILED, str(exc))
    job.total = len(table.rows)
    candidates, errors = check_rows(table, job.unit, lambda n: set_progress(job.pk, n))
    _store_result(job, table, candidates, errors)
    status = ImportJob.Status.INVALID if errors else ImportJob.Status.READY
    message = _("%(n)d 行有错误，请下载失败行修改后重新上传。") % {"n": job.count_error} if errors else \
        _("校验通过，确认后将一次性导入。")
    if job.warnings:
        message += _("另有 %(n)d 条提示，不影响导入，请核对。") % {"n": len(job.warnings)}
    return _finish(job, status, message, finished=False)


def _store_result(job: ImportJob, table: Table, candidates: list[Candidate], errors: list) -> None:
    job.count_new = sum(1 for c in candidates if c.status == NEW)
    job.count_update = sum(1 for c in candidates if c.status == UPDATE)
    job.count_unchanged = len(candidates) - job.count_new - job.count_update
    failed = errors_by_row(errors)
    job.count_error = len(failed)
    job.errors = [e.as_dict() for e in errors[:20000]]
    raw = {r.number: r.raw for r in table.rows if r.number in failed}
    job.failed_rows = {str(n): raw.get(n, []) for n in list(failed)[:20000]}
    job.headers = list(table.headers)
    job.preview = preview_rows(candidates, errors)
    job.warnings = [w.as_dict() for c in candidates for w in c.warnings][:20000]
    job.processed = job.total


def _finish(job: ImportJob, status: str, message: str, finished: bool = True) -> ImportJob:
    job.status = status
    job.message = message
    if finished:
        job.finished_at = timezone.now()
    job.save()
    return job


def _ensure_may_commit(job: ImportJob, actor) -> None:
    if not restrict(ImportJob.objects.filter(pk=job.pk), actor, "add").exists() and getattr(actor, "pk", None):
        raise PermissionDenied(_("您没有导入企业名录的权限。"))


def import_job_confirm(*, job: ImportJob, actor) -> ImportJob:
    """The user confirms a checked file. Up to SYNC_MAX_ROWS rows it is committed at once; a larger
    one is marked COMMITTING, and the caller queues tasks.import_commit_task for it. Only a checked
    file is marked, and only once: a second confirmation while it is being imported is refused
    rather than starting a second commit beside the first; a job already done is left alone."""
    if job.total <= SYNC_MAX_ROWS:
        return import_job_commit(job=job, actor=actor)
    _ensure_may_commit(job, actor)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("unit").get(pk=job.pk)
        if job.status == ImportJob.Status.DONE:
            return job
        if job.status == ImportJob.Status.COMMITTING:
            raise ValidationError(_("该文件正在导入，请稍候刷新页面查看结果。"))
        if job.status != ImportJob.Status.READY:
            raise ValidationError(_("该文件尚未通过校验，不能导入。"))
        job.status = ImportJob.Status.COMMITTING
        job.save(update_fields=["status", "updated_at"])
    return job


def import_job_commit(*, job: ImportJob, actor) -> ImportJob:
    """Apply a checked file: every row or none. Idempotent — a job already done is left alone,
    and re-applying a file changes nothing (rows are keyed on the credit code)."""
    _ensure_may_commit(job, actor)
    job.refresh_from_db()
    if job.status == ImportJob.Status.DONE:
        return job
    if job.status not in (ImportJob.Status.READY, ImportJob.Status.COMMITTING):
        raise ValidationError(_("该文件尚未通过校验，不能导入。"))
    # Only a checked job moves on: a save here could put back a job another delivery just finished.
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
        status=ImportJob.Status.COMMITTING, updated_at=timezone.now())
    job.status = ImportJob.Status.COMMITTING
    try:
        table = _load_table(job)
        # Check again: the registry may have changed since the preview.
        candidates, errors = check_rows(table, job.unit)
        if errors:
            _store_result(job, table, candidates, errors)
            return _finish(job, ImportJob.Status.INVALID,
                           _("数据在校验后发生了变化，出现 %(n)d 行错误，未导入任何数据。") % {"n": job.count_error})
        with transaction.atomic():
            # The job's row stays locked until the rows are written: a second delivery of the same
            # task (a worker killed mid-import has its task delivered again) waits here, then finds
            # the job done and writes nothing.
            if ImportJob.objects.select_for_update().filter(pk=job.pk).values_list("status", flat=True).first() \
                    == ImportJob.Status.DONE:
                job.refresh_from_db()
                return job
            counts = enterprise_import_apply(candidates=candidates, unit=job.unit, source=job.original_name,
                                             progress=lambda n: set_progress(job.pk, n))
            _store_result(job, table, candidates, [])
            job.count_new, job.count_update = counts["new"], counts["update"]
            job.count_unchanged = counts["unchanged"]
            record_event("enterprise.import.commit", job, detail=counts)
            _finish(job, ImportJob.Status.DONE,
                    _("导入完成：新增 %(new)d，更新 %(update)d，无变化 %(unchanged)d。") % counts)
    except ImportFileError as exc:
        return _finish(job, ImportJob.Status.FAILED, str(exc))
    except (OperationalError, InterfaceError):
        # The database went away (a restart, a failover): the transaction is rolled back and the
        # job stays 导入中 for the task's retry (tasks.import_commit_task) to run it again whole.
        raise
    except Exception as exc:
        _finish(job, ImportJob.Status.FAILED, _("导入失败，未写入任何数据：%(err)s") % {"err": exc})
        raise
    return job


def enterprise_import_apply(*, candidates: list[Candidate], unit, source: str,
                            progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Write classified rows in bulk, in batches, inside one transaction (the caller's or ours).
    The RestrictedQuerySet bulk methods write the change log."""
    today = clock.today()
    new = [c for c in candidates if c.status == NEW]
    upd = [c for c in candidates if c.status == UPDATE]
    through = Enterprise.categories.through
    done = 0
    # The written enterprises, handed to their qualifications and list entries so that the change
    # log names them without loading them again.
    saved: dict[int, Enterprise] = {}
    with transaction.atomic():
        for chunk in _batches(new):
            objs = [Enterprise(**c.fields, is_producer=bool(c.categories), is_exporter=bool(c.is_exporter))
                    for c in chunk]
            Enterprise.objects.bulk_create(objs)
            if any(o.pk is None for o in objs):  # databases that do not return ids
                ids = dict(Enterprise.objects.filter(credit_code__in=[o.credit_code for o in objs if o.credit_code])
                           .values_list("credit_code", "pk"))
                for o in objs:
                    o.pk = ids[o.credit_code] if o.credit_code else Enterprise.objects.filter(
                        region_id=o.region_id, name=o.name, credit_code__isnull=True).latest("pk").pk
            for c, o in zip(chunk, objs, strict=True):
                c.existing_id = o.pk
                saved[o.pk] = o
            done += len(chunk)
            if progress:
                progress(done)
        for chunk in _batches(upd):
            objs = Enterprise.objects.in_bulk([c.existing_id for c in chunk])
            changed_fields: set[str] = {"version", "updated_at"}
            for c in chunk:
                obj = objs[c.existing_id]
                for name in c.changes:
                    if name == "is_producer":
                        obj.is_producer = True
                    elif name == "is_exporter":
                        obj.is_exporter = bool(c.is_exporter)
                    elif name != "categories":
                        setattr(obj, name, c.fields[name])
                    if name != "categories":
                        changed_fields.add(name.removesuffix("_id") if name.endswith("_id") else name)
                obj.version += 1
                obj.updated_at = timezone.now()
            Enterprise.objects.bulk_update(list(objs.values()), sorted(changed_fields))
            saved.update(objs)
            done += len(chunk)
            if progress:
                progress(done)

        def enterprise_for(c: Candidate) -> Enterprise:
            return saved.get(c.existing_id) or Enterprise(pk=c.existing_id)

        cat_rows = [c for c in new if c.categories] + [c for c in upd if "categories" in c.changes]
        for chunk in _batches([c for c in upd if "categories" in c.changes]):
            through.objects.filter(enterprise_id__in=[c.existing_id for c in chunk]).delete()
        for chunk in _batches(cat_rows):
            through.objects.bulk_create([through(enterprise_id=c.existing_id, productcategory_id=cid)
                                         for c in chunk for cid in sorted(c.categories or ())])
        quals_new = [Qualification(enterprise=enterprise_for(c), kind=qualification_kind(c.licence_number),
                                   number=c.licence_number, valid_to=c.valid_to, issuer="", scope_text="")
                     for c in new + upd if c.qualification == "create"]
        for chunk in _batches(quals_new):
            Qualification.objects.bulk_create(chunk)
        quals_upd = [c for c in upd if c.qualification == "update"]
        for chunk in _batches(quals_upd):
            objs = Qualification.objects.in_bulk([c.qualification_id for c in chunk])
            for c in chunk:
                objs[c.qualification_id].valid_to = c.valid_to
                objs[c.qualification_id].version += 1
            Qualification.objects.bulk_update(list(objs.values()), ["valid_to", "version"])
        label = (_("Excel导入：%(f)s") % {"f": source})[:200]
        entries = [ListEntry(enterprise=enterprise_for(c), kind=k, listed_on=today, source=label, unit=unit)
                   for c in new + upd for k in c.list_kinds]
        for chunk in _batches(entries):
            ListEntry.objects.bulk_create(chunk)
        risk_inputs_changed.send(sender=Enterprise, enterprise_ids=[c.existing_id for c in new + upd])
    return {"new": len(new), "update": len(upd), "unchanged": len(candidates) - len(new) - len(upd)}
