"""Public pages: no login, nothing internal. Each view is on the public allow-list in
core/public.py and is checked by the deny-by-default test."""
from django.shortcuts import render

from rectify.organisations.models import Campaign


def index(request):
    return render(request, "portal/index.html", {"campaign": Campaign.current()})
