"""The typical cases anyone may read, mounted at /public/cases/ (a public prefix, core/access/public.py)."""
from django.urls import path

from . import views

app_name = "enforcement_public"
urlpatterns = [
    path("", views.published_cases, name="cases"),
    path("<int:pk>/", views.published_case, name="case"),
]
