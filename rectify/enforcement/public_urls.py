"""Mount at /public/cases/ (public prefix; see core/access/public.py):
    path("public/cases/", include("rectify.enforcement.public_urls")),  # before "public/"
"""
from django.urls import path

from . import public_views

app_name = "enforcement_public"
urlpatterns = [
    path("", public_views.published_cases, name="cases"),
    path("<int:pk>/", public_views.published_case, name="case"),
]
