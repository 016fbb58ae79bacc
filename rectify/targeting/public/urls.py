"""The 双随机 draw results anyone may read, mounted at /public/draws/ in rectify/urls.py, before "public/"
(a public prefix, core/access/public.py)."""
from django.urls import path

from . import views

app_name = "targeting_public"
urlpatterns = [
    path("", views.draws, name="draws"),
    path("<int:pk>/", views.draw, name="draw"),
]
