"""Pages of the enterprise registry beyond the generic ones: the list import, duplicates, and the
letters issued in bulk (their Word file, the coverage per city).
Views only read input, call services/selectors and render."""
from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.core.access.scope import model_allows
from rectify.core.audit.events import record_event
from rectify.core.dispatch import dispatch
from rectify.core.generic.exports import file_response
from rectify.core.generic.importing import ImportFileError, failed_rows_xlsx, template_xlsx
from rectify.core.security.inputs import parse_int

from . import selectors, services
from .forms import UploadForm
from .importing import COLUMNS, STATUS_LABELS, failed_rows
from .models import Enterprise, ImportJob, Letter, LetterBatch
from .tasks import import_check_task, import_commit_task

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _require(request: HttpRequest, action: str) -> None:
    if not model_allows(request.user, Enterprise, action):
        raise PermissionDenied(_("您没有此操作的权限。"))


def _job(request: HttpRequest, pk: int) -> ImportJob:
    job = ImportJob.objects.restrict(request.user, "view").select_related("unit").filter(pk=pk).first()
    if job is None:
        raise Http404(_("导入任务不存在或不在您的数据范围内。"))
    return job


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    _require(request, "add")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(uploaded=form.cleaned_data["file"], actor=request.user)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            if job.status == ImportJob.Status.PENDING:  # a large file: checked in the background
                dispatch(import_check_task, job.pk)
            return redirect(job.get_absolute_url())
    jobs = ImportJob.objects.restrict(request.user, "view").select_related("unit")[:20]
    status = 400 if request.method == "POST" else 200
    return render(request, "enterprises/import_upload.html", {"form": form, "jobs": jobs, "columns": COLUMNS},
                  status=status)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    _require(request, "view")
    return file_response(template_xlsx(COLUMNS, sheet="企业名录导入模板"), "企业名录导入模板.xlsx", "xlsx")


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(request, "enterprises/import_job.html", {
        "job": job, "progress": services.get_progress(job), "status_labels": STATUS_LABELS,
        "can_commit": job.status == ImportJob.Status.READY and model_allows(request.user, Enterprise, "add"),
        "errors": job.errors[:500], "warnings": job.warnings[:500], "preview": job.preview[:500],
    })


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx every second; tells the page to reload when finished."""
    job = _job(request, pk)
    response = render(request, "enterprises/_import_progress.html",
                      {"job": job, "progress": services.get_progress(job)})
    if not job.is_running:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "add")
    job = _job(request, pk)
    try:
        job = services.import_job_confirm(job=job, actor=request.user)
        if job.status == ImportJob.Status.COMMITTING:  # a large file: committed in the background
            dispatch(import_commit_task, job.pk)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(job.get_absolute_url())


@login_required
def import_failed_rows(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    failed = failed_rows(job)
    record_event("export", job, detail={"what": "import failed rows", "rows": len(failed)})
    return file_response(failed_rows_xlsx(job.headers, failed), f"失败行-{job.original_name.rsplit('.', 1)[0]}.xlsx",
                         "xlsx")


@login_required
def duplicates(request: HttpRequest) -> HttpResponse:
    """Possible duplicates, for office administrators to merge."""
    _require(request, "manage")
    if request.method == "POST":
        scoped = Enterprise.objects.restrict(request.user, "change")
        keep = scoped.filter(pk=parse_int(request.POST.get("keep"), 0)).first()
        merge = scoped.filter(pk=parse_int(request.POST.get("merge"), 0)).first()
        if keep is None or merge is None:
            messages.error(request, _("请选择要保留的企业和要合并的企业。"))
        else:
            try:
                services.enterprise_merge(keep=keep, merge=merge, actor=request.user)
                messages.success(request, _("已将“%(m)s”合并至“%(k)s”。") % {"m": merge, "k": keep})
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
        return redirect("enterprises:duplicates")
    return render(request, "enterprises/duplicates.html", {"groups": selectors.duplicate_groups(request.user)})



def _batch(request: HttpRequest, pk: int) -> LetterBatch:
    batch = LetterBatch.objects.restrict(request.user, "view").select_related("unit", "category").filter(pk=pk).first()
    if batch is None:
        raise Http404(_("批量发函记录不存在或不在您的数据范围内。"))
    return batch


@login_required
def letter_batch_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch's letters in one Word document, each on its own pages, for printing."""
    batch = _batch(request, pk)
    content = services.letter_batch_docx(batch)
    record_event("export", batch, detail={"what": "letters"})
    name = f"{batch.unit.name}_{batch.get_kind_display()}_{batch.date:%Y-%m-%d}.docx"
    response = HttpResponse(content, content_type=DOCX_TYPE)
    response["Content-Disposition"] = (f"attachment; filename=\"letters-{batch.pk}.docx\"; "
                                       f"filename*=UTF-8''{quote(name)}")
    return response


@login_required
def letter_coverage(request: HttpRequest) -> HttpResponse:
    """Per city: the listed producers reached by a warning letter and by a commitment letter."""
    if not model_allows(request.user, Letter, "view"):
        raise PermissionDenied(_("您没有此操作的权限。"))
    return render(request, "enterprises/letter_coverage.html", {"rows": services.letter_coverage(request.user)})
