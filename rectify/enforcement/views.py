"""Pages beyond the generic ones: the province's overdue and criminal-transfer lists and the 12315
import. All rows come through `restrict(user)`: the province sees every city, a city its own."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from rectify.core.access.scope import model_allows, units_for
from rectify.core.generic.importing import ImportFileError, read_upload

from .models import Case, Complaint, Problem
from .selectors import criminal_transfer_candidates, overdue_by_city, overdue_complaints_q, overdue_problems_q
from .services import complaints_import_12315


class _ScopedPage(LoginRequiredMixin, View):
    model = None
    template_name = "enforcement/overdue_list.html"
    limit = 500

    def queryset(self, request):
        if not model_allows(request.user, self.model, "view"):
            raise PermissionDenied(_("您没有查看此类记录的权限。"))
        return self.model.objects.restrict(request.user).select_related("unit", "region")


class ComplaintsOverdueView(_ScopedPage):
    """Complaints past their legal clock (unit's own list: the generic list with ?overdue=1)."""

    model = Complaint

    def get(self, request):
        qs = self.queryset(request)
        q = overdue_complaints_q()
        response = render(request, self.template_name, {
            "title": _("超期未办投诉举报"), "by_city": overdue_by_city(qs, q),
            "rows": qs.filter(q).order_by("accept_due", "verify_due")[:self.limit],
            "kind": "complaint", "list_url": reverse("enforcement:complaint_list") + "?overdue=true",
        })
        response["Cache-Control"] = "no-store"
        return response


class ProblemsOverdueView(_ScopedPage):
    model = Problem

    def get(self, request):
        qs = self.queryset(request)
        q = overdue_problems_q()
        return render(request, self.template_name, {
            "title": _("逾期未整改问题"), "by_city": overdue_by_city(qs, q),
            "rows": qs.filter(q).order_by("deadline")[:self.limit],
            "kind": "problem", "list_url": reverse("enforcement:problem_list") + "?overdue=true",
        })


class CriminalCheckView(_ScopedPage):
    model = Case
    template_name = "enforcement/criminal_check.html"

    def get(self, request):
        rows = criminal_transfer_candidates(self.queryset(request)).select_related("enterprise", "case_category")
        return render(request, self.template_name,
                      {"title": _("达到移送标准未移送公安的案件"), "rows": rows[:self.limit]})


class Complaint12315ImportView(LoginRequiredMixin, View):
    template_name = "enforcement/complaint_import.html"

    def get(self, request):
        if not model_allows(request.user, Complaint, "add"):
            raise PermissionDenied(_("您没有新增此类记录的权限。"))
        return render(request, self.template_name, {"units": units_for(request.user)})

    def post(self, request):
        if not model_allows(request.user, Complaint, "add"):
            raise PermissionDenied(_("您没有新增此类记录的权限。"))
        unit = units_for(request.user).filter(pk=request.POST.get("unit") or request.user.unit_id).first()
        upload = request.FILES.get("file")
        if unit is None or upload is None:
            messages.error(request, _("请选择单位和文件。"))
            return render(request, self.template_name, {"units": units_for(request.user)}, status=400)
        try:
            result = complaints_import_12315(name=upload.name, data=read_upload(upload), unit=unit, actor=request.user)
        except (ImportFileError, ValidationError) as exc:
            messages.error(request, str(exc))
            return render(request, self.template_name, {"units": units_for(request.user)}, status=400)
        messages.success(request, _("已导入%(n)d条投诉举报。") % {"n": result.created})
        if result.errors:
            return render(request, self.template_name, {"units": units_for(request.user), "errors": result.errors})
        return HttpResponseRedirect(reverse("enforcement:complaint_list"))
