"""Pages beyond the generic ones; each hands validated input to a service. The steps of a sampling
plan, a certificate check and an export flag are core.workflow's pages (targeting/workflows.py)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from rectify.core.access.scope import model_allows
from rectify.core.generic.importing import ImportFileError, errors_by_row, read_upload

from . import services
from .forms import CheckAtForm, ListImportForm
from .models import ExportListEntry
from .services.exportlists import COLUMNS

# Records a number may be checked at by hand (app_label.model -> the date field of the record).
CHECKABLE = {"fieldwork.inspection": "date", "fieldwork.sample": "sampled_on", "fieldwork.exportcheck": "checked_on"}


def _in_scope(model, user, pk: int, action: str = "change"):
    obj = model.objects.restrict(user, action).filter(pk=pk).first()
    if obj is None:
        raise Http404(_("记录不存在或不在您的数据范围内。"))
    return obj


class CheckAtView(LoginRequiredMixin, View):
    """/targeting/check-at/<app_label.model>/<pk>/: check a number read at an inspection, sample
    or export check; the result is attached to (and flagged on) that record."""

    def source(self, request, label: str, pk: int):
        if label not in CHECKABLE:
            raise Http404()
        model = ContentType.objects.get_by_natural_key(*label.split(".")).model_class()
        return _in_scope(model, request.user, pk)

    def get(self, request, label: str, pk: int):
        return render(request, "targeting/check_at.html",
                      {"object": self.source(request, label, pk), "form": CheckAtForm()})

    def post(self, request, label: str, pk: int):
        source = self.source(request, label, pk)
        form = CheckAtForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            check = services.certificate_check_record(
                unit=source.unit, number=data["number"], kind=data["kind"], institution_name=data["institution_name"],
                on_date=getattr(source, CHECKABLE[label]), source=source,
                enterprise=getattr(source, "enterprise", None),
                category=getattr(source, "category", None), actor=request.user)
            (messages.warning if check.flagged else messages.success)(
                request, _("核验存疑：%(r)s") % {"r": check.reason} if check.flagged else _("核验通过。"))
            return HttpResponseRedirect(source.get_absolute_url())
        return render(request, "targeting/check_at.html", {"object": source, "form": form}, status=400)


def check_flags(request):
    """The flag list: the certificate checks with a failed finding."""
    return HttpResponseRedirect(reverse("targeting:certificatecheck_list") + "?flagged=true")


class ExportListImportView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not model_allows(request.user, ExportListEntry, "add"):
            raise PermissionDenied(_("您没有导入名单的权限。"))
        return super().dispatch(request, *args, **kwargs)

    def page(self, form, errors=None, status: int = 200):
        return render(self.request, "targeting/export_list_import.html",
                      {"form": form, "columns": COLUMNS, "errors": errors}, status=status)

    def get(self, request):
        return self.page(ListImportForm())

    def post(self, request):
        form = ListImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(form, status=400)
        upload = form.cleaned_data["file"]
        try:
            result = services.export_list_import(unit=request.user.unit, name=upload.name, data=read_upload(upload),
                                                 actor=request.user)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.page(form, status=400)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, "；".join(getattr(exc, "messages", [str(exc)])))
            return self.page(form, status=400)
        if result.errors:
            return self.page(form, errors=sorted(errors_by_row(result.errors).items()), status=400)
        messages.success(request, _("已导入 %(n)s 条名单。") % {"n": result.created})
        return HttpResponseRedirect(reverse("targeting:exportlistentry_list"))
