"""Public pages: no login, nothing internal. Every view is under the public prefix /public/ (see
core/access/public.py) and hands the templates plain dicts from `services` (allow-listed fields), never
model instances with internal attributes. POSTs are rate-limited per IP and need the captcha."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from rectify.organisations.models import Campaign
from rectify.prices.models import GuidanceDocument, Notice

from . import services
from .forms import ComplaintForm, TrackForm

TOO_MANY = _("操作过于频繁，请10分钟后再试。")


def _render(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"  # tracking results and codes must not sit in caches
    return response


def _published_notices():
    return Notice.objects.filter(published=True).only("id", "kind", "title", "body", "published_on")


def index(request):
    return _render(request, "portal/index.html", {
        "campaign": Campaign.current(),
        "channels": _published_notices().filter(kind=Notice.Kind.CHANNEL).order_by("-published_on")[:10],
        "notices": _published_notices().exclude(kind=Notice.Kind.CHANNEL).order_by("-published_on", "-id")[:5],
    })


def _form_page(request, form_class, template: str, handle, extra: dict | None = None):
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
            except ValidationError as exc:
                form.add_error(None, exc)
        context.update(form=form, captcha=services.captcha_new(request))
        return _render(request, template, context, status=400)
    context.update(form=form_class(), captcha=services.captcha_new(request))
    return _render(request, template, context)


@never_cache
@require_http_methods(["GET", "POST"])
def complaint(request):
    def handle(form):
        d = form.cleaned_data
        _c, code = services.portal_complaint_file(
            city=d["city"], kind=d["kind"], content=d["content"], subject_name=d["subject_name"],
            subject_credit_code=d["subject_credit_code"], product_category=d["product_category"], anonymous=d["anonymous"],
            reporter_name=d["reporter_name"], reporter_phone=d["reporter_phone"], attachment=d.get("attachment"))
        return {"tracking_code": code, "form": None}

    return _form_page(request, ComplaintForm, "portal/complaint.html", handle)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    def handle(form):
        return {"result": services.complaint_status(form.cleaned_data["code"]), "searched": True,
                "form": TrackForm(), "captcha": services.captcha_new(request)}

    return _form_page(request, TrackForm, "portal/track.html", handle)


@never_cache
@require_http_methods(["GET", "POST"])
def service_track(request):
    def handle(form):
        return {"result": services.service_request_status(form.cleaned_data["code"]), "searched": True,
                "form": TrackForm(), "captcha": services.captcha_new(request)}

    return _form_page(request, TrackForm, "portal/service_track.html", handle)


def _lookup_allowed(request) -> bool:
    # Searches are GETs without a captcha; a wider bucket stops scraping of the registry.
    return services.rate_limit_hit(request, bucket="lookup", limit=60)


def directory(request):
    q, kind = request.GET.get("q", "")[:100], request.GET.get("kind", "")
    if (q or kind) and not _lookup_allowed(request):
        return _render(request, "portal/directory.html", {"error": TOO_MANY, "rows": []}, status=429)
    return _render(request, "portal/directory.html", {"rows": services.directory_search(q, kind), "q": q, "kind": kind})


def check(request):
    q, number = request.GET.get("q", "")[:100].strip(), request.GET.get("number", "")[:100].strip()
    context: dict = {"q": q, "number": number}
    if q or number:
        if not _lookup_allowed(request):
            return _render(request, "portal/check.html", {**context, "error": TOO_MANY}, status=429)
        if q:
            context["enterprises"] = services.enterprise_check(q)
        if number:
            context["certificate"] = services.certificate_check(number)
    return _render(request, "portal/check.html", context)


def notices(request):
    page = Paginator(_published_notices().order_by("-published_on", "-id"), 20).get_page(request.GET.get("page"))
    return _render(request, "portal/notices.html", {"page": page})


def notice(request, pk: int):
    return _render(request, "portal/notice.html", {"notice": get_object_or_404(_published_notices(), pk=pk)})


def _published_guidance():
    return GuidanceDocument.objects.filter(published=True).only("id", "title", "standard_codes", "body", "published_on")


def guidance_list(request):
    page = Paginator(_published_guidance().order_by("-published_on", "-id"), 20).get_page(request.GET.get("page"))
    return _render(request, "portal/guidance_list.html", {"page": page})


def guidance(request, pk: int):
    return _render(request, "portal/guidance.html", {"doc": get_object_or_404(_published_guidance(), pk=pk)})

