"""Pages beyond the generic ones: the batch trace, the ledger import and the coverage of listed
producers. Each hands validated input to a service or reads through a selector. The workflow
steps (a sample's objection and retest, a disposal's steps, a covert visit's feedback) are taken on
the generic step pages of core.workflow."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from rectify.core.access.scope import model_allows
from rectify.core.generic.views import add_validation_errors
from rectify.core.security.inputs import parse_int
from rectify.enterprises.models import Enterprise

from . import importing, services
from .forms import LedgerImportForm
from .models import Disposal, LedgerEntry
from .selectors import coverage_table, trace_batch


class TraceView(LoginRequiredMixin, View):
    """/fieldwork/trace/?enterprise=<id>&batch=<batch number>: for a start enterprise the user sees,
    or for a failed batch whose disposal the trace shared with the user's city."""

    def get(self, request):
        enterprise_id = parse_int(request.GET.get("enterprise"), minimum=1)
        batch = request.GET.get("batch", "").strip()
        trace = disposals = None
        if enterprise_id is not None and batch:
            try:
                trace = trace_batch(enterprise_id=enterprise_id, batch_number=batch, user=request.user)
            except Enterprise.DoesNotExist:
                raise Http404(_("企业不存在或不在您的数据范围内。")) from None
            disposals = list(Disposal.objects.restrict(request.user, "view").filter(
                enterprise_id=enterprise_id, batch_number=trace.batch_number).prefetch_related("downstream_units"))
        return render(request, "fieldwork/trace.html", {"trace": trace, "batch": batch, "enterprise_id": enterprise_id,
                                                        "disposals": disposals})


class LedgerImportView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not model_allows(request.user, LedgerEntry, "add"):
            raise PermissionDenied(_("您没有导入台账的权限。"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, "fieldwork/ledger_import.html", {"form": LedgerImportForm(user=request.user),
                                                                "columns": importing.COLUMNS})

    def post(self, request):
        form = LedgerImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                rows = importing.read_ledger(form.cleaned_data["file"])
                count = services.ledger_import(unit=form.cleaned_data["unit"], rows=rows, actor=request.user)
                messages.success(request, _("已导入 %(n)s 条台账。") % {"n": count})
                return HttpResponseRedirect("../")
            except ValidationError as exc:
                add_validation_errors(form, exc)
        return render(request, "fieldwork/ledger_import.html", {"form": form, "columns": importing.COLUMNS}, status=400)


class CoverageView(LoginRequiredMixin, View):
    """Per city and category, the listed producers and how many of them field work has inspected
    and sampled, counted over the records the user may see."""

    def get(self, request):
        if not model_allows(request.user, Enterprise, "view"):
            raise PermissionDenied(_("您没有此操作的权限。"))
        categories, rows = coverage_table(request.user)
        return render(request, "fieldwork/coverage.html", {"categories": categories, "rows": rows})
