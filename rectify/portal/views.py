"""Public pages: no login, nothing internal. Every view is under the public prefix /public/ (see
core/access/public.py) and hands the templates plain dicts from `selectors` (allow-listed fields), never
model instances with internal attributes. POSTs are rate-limited per IP and need the captcha.

The portal is all public, so its pages are its `views.py` and `urls.py` (no `public/` package)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from rectify.core.generic.views import add_validation_errors
from rectify.organisations.models import Campaign
from rectify.prices.models import Notice

from . import selectors, services
from .forms import ComplaintForm, TrackForm

TOO_MANY = _("操作过于频繁，请10分钟后再试。")


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"  # tracking results and codes must not sit in caches
    return response


def index(request: HttpRequest) -> HttpResponse:
    notices = selectors.published_notices()
    return _render(request, "portal/index.html", {
        "campaign": Campaign.current(),
        "channels": notices.filter(kind=Notice.Kind.CHANNEL).order_by("-published_on")[:10],
        "notices": notices.exclude(kind=Notice.Kind.CHANNEL).order_by("-published_on", "-id")[:5],
    })


def _form_page(request: HttpRequest, form_class: type[forms.Form], template: str,
               handle: Callable[[forms.Form], dict[str, Any]], extra: dict | None = None) -> HttpResponse:
    """GET shows the form with a fresh captcha; POST counts against the IP's limit, checks the
    captcha, then calls `handle(form)` which returns the context of the result."""
    context = dict(extra or {})
    if request.method == "POST":
        if not services.rate_limit_hit(request):
            context.update(form=form_class(), error=TOO_MANY, captcha=services.captcha_new(request))
            return _render(request, template, context, status=429)
        form = form_class(request.POST, request.FILES)
        captcha_ok = services.captcha_check(request, request.POST.get("captcha", ""))
        if form.is_valid() and not captcha_ok:
            form.add_error("captcha", _("验证码不正确，请重新计算。"))
        if form.is_valid():
            try:
                context.update(handle(form))
                return _render(request, template, context)
            except ValidationError as exc:  # the service's refusal, at the field it names
                add_validation_errors(form, exc)
        context.update(form=form, captcha=services.captcha_new(request))
        return _render(request, template, context, status=400)
    context.update(form=form_class(), captcha=services.captcha_new(request))
    return _render(request, template, context)


@never_cache
@require_http_methods(["GET", "POST"])
def complaint(request: HttpRequest) -> HttpResponse:
    def handle(form: forms.Form) -> dict[str, Any]:
        d = form.cleaned_data
        _c, code = services.portal_complaint_file(
            city=d["city"], kind=d["kind"], content=d["content"], subject_name=d["subject_name"],
            subject_credit_code=d["subject_credit_code"], product_category=d["product_category"],
            anonymous=d["anonymous"], reporter_name=d["reporter_name"], reporter_phone=d["reporter_phone"],
            attachment=d.get("attachment"))
        return {"tracking_code": code, "form": None}

    return _form_page(request, ComplaintForm, "portal/complaint.html", handle)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    def handle(form: forms.Form) -> dict[str, Any]:
        return {"result": selectors.complaint_status(form.cleaned_data["code"]), "searched": True,
                "form": TrackForm(), "captcha": services.captcha_new(request)}

    return _form_page(request, TrackForm, "portal/track.html", handle)


@never_cache
@require_http_methods(["GET", "POST"])
def service_track(request: HttpRequest) -> HttpResponse:
    def handle(form: forms.Form) -> dict[str, Any]:
        return {"result": selectors.service_request_status(form.cleaned_data["code"]), "searched": True,
                "form": TrackForm(), "captcha": services.captcha_new(request)}

    return _form_page(request, TrackForm, "portal/service_track.html", handle)


def _lookup_allowed(request: HttpRequest) -> bool:
    # Searches are GETs without a captcha; a wider bucket stops scraping of the registry.
    return services.rate_limit_hit(request, bucket="lookup", limit=60)


def directory(request: HttpRequest) -> HttpResponse:
    q, kind = request.GET.get("q", "")[:100], request.GET.get("kind", "")
    if (q or kind) and not _lookup_allowed(request):
        return _render(request, "portal/directory.html", {"error": TOO_MANY, "rows": []}, status=429)
    rows = selectors.directory_search(q, kind)
    return _render(request, "portal/directory.html", {"rows": rows, "q": q, "kind": kind})


def check(request: HttpRequest) -> HttpResponse:
    q, number = request.GET.get("q", "")[:100].strip(), request.GET.get("number", "")[:100].strip()
    context: dict = {"q": q, "number": number}
    if q or number:
        if not _lookup_allowed(request):
            return _render(request, "portal/check.html", {**context, "error": TOO_MANY}, status=429)
        if q:
            context["enterprises"] = selectors.enterprise_check(q)
        if number:
            context["certificate"] = selectors.certificate_check(number)
    return _render(request, "portal/check.html", context)


def notices(request: HttpRequest) -> HttpResponse:
    rows = selectors.published_notices().order_by("-published_on", "-id")
    return _render(request, "portal/notices.html", {"page": Paginator(rows, 20).get_page(request.GET.get("page"))})


def notice(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, "portal/notice.html",
                   {"notice": get_object_or_404(selectors.published_notices(), pk=pk)})


def guidance_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.published_guidance().order_by("-published_on", "-id")
    return _render(request, "portal/guidance_list.html",
                   {"page": Paginator(rows, 20).get_page(request.GET.get("page"))})


def guidance(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, "portal/guidance.html", {"doc": get_object_or_404(selectors.published_guidance(), pk=pk)})

