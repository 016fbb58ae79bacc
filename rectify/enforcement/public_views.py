"""Public pages (no login): published typical cases. Only `Exposure.public_text` and its title
and date leave the system — never the case, its parties' data or any complaint."""
from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .models import Exposure


def _published():
    return Exposure.objects.filter(status=Exposure.Status.PUBLISHED).only("id", "title", "public_text", "published_on")


def published_cases(request):
    page = Paginator(_published().order_by("-published_on", "-id"), 20).get_page(request.GET.get("page"))
    return render(request, "enforcement/public_cases.html", {"page": page})


def published_case(request, pk: int):
    return render(request, "enforcement/public_case.html", {"exposure": get_object_or_404(_published(), pk=pk)})
