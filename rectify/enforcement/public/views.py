"""Public pages (no login): published typical cases. Only `Exposure.public_text` and its title
and date leave the system — never the case, its parties' data or any complaint."""
from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ..selectors import published_exposures


def published_cases(request: HttpRequest) -> HttpResponse:
    page = Paginator(published_exposures().order_by("-published_on", "-id"), 20).get_page(request.GET.get("page"))
    return render(request, "enforcement/public_cases.html", {"page": page})


def published_case(request: HttpRequest, pk: int) -> HttpResponse:
    exposure = get_object_or_404(published_exposures(), pk=pk)
    return render(request, "enforcement/public_case.html", {"exposure": exposure})
