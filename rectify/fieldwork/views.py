"""Pages beyond the generic ones: workflow actions (objection, retest, covert-visit response),
the batch trace, the ledger import and the coverage of listed producers. Each hands validated
input to a service or reads through a selector."""
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
from .forms import LedgerImportForm, ObjectionForm, RespondForm, RetestForm
from .models import CovertVisit, LedgerEntry, Sample
from .selectors import coverage_table, trace_batch


class ActionView(LoginRequiredMixin, View):
    """GET shows a small form about one object in scope; POST calls `run` (a service)."""

    model = None
    form_class = None
    title = ""
    # The step's service decides who takes it; "view" where it is taken by a unit that sees the
    # record without owning it.
    scope_action = "change"

    def get_object(self, pk: int):
        obj = self.model.objects.restrict(self.request.user, self.scope_action).filter(pk=pk).first()
        if obj is None:
            raise Http404(_("记录不存在或不在您的数据范围内。"))
        return obj

    def render_form(self, obj, form, status: int = 200):
        return render(self.request, "fieldwork/action_form.html", {"object": obj, "form": form, "title": self.title},
                      status=status)

    def get(self, request, pk: int):
        return self.render_form(self.get_object(pk), self.form_class())

    def post(self, request, pk: int):
        obj = self.get_object(pk)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.run(obj, form.cleaned_data)
                messages.success(request, _("已保存：%(t)s") % {"t": self.title})
                return HttpResponseRedirect(obj.get_absolute_url())
            except ValidationError as exc:
                add_validation_errors(form, exc)
        return self.render_form(obj, form, status=400)

    def run(self, obj, data: dict) -> None:
        raise NotImplementedError


class SampleObjectionView(ActionView):
    model, form_class, title = Sample, ObjectionForm, _("登记异议（申请复检）")

    def run(self, obj, data):
        services.sample_object(sample=obj, notified_on=data["notified_on"],
                               objection_filed_on=data["objection_filed_on"],
                               actor=self.request.user)


class SampleRetestView(ActionView):
    model, form_class, title = Sample, RetestForm, _("登记复检结果")

    def run(self, obj, data):
        services.sample_retest(sample=obj, actor=self.request.user, **data)


class CovertVisitRespondView(ActionView):
    model, form_class, title = CovertVisit, RespondForm, _("反馈整改情况")
    scope_action = "view"

    def run(self, obj, data):
        services.covert_visit_respond(visit=obj, actor=self.request.user, **data)


class TraceView(LoginRequiredMixin, View):
    """/fieldwork/trace/?enterprise=<id>&batch=<batch number>"""

    def get(self, request):
        enterprise_id = parse_int(request.GET.get("enterprise"), minimum=1)
        batch = request.GET.get("batch", "").strip()
        enterprises = Enterprise.objects.restrict(request.user, "view")
        trace = None
        if enterprise_id is not None and batch:
            try:
                trace = trace_batch(enterprise_id=enterprise_id, batch_number=batch, user=request.user)
            except Enterprise.DoesNotExist:
                raise Http404(_("企业不存在或不在您的数据范围内。")) from None
        selected = enterprises.filter(pk=enterprise_id).first() if enterprise_id is not None else None
        return render(request, "fieldwork/trace.html", {"trace": trace, "batch": batch, "selected": selected})


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
