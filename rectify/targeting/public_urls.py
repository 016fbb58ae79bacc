"""Mounted in rectify/urls.py, before "public/" (the /public/ prefix is on the allow-list):
    path("public/draws/", include("rectify.targeting.public_urls")),
"""
from django.urls import path

from . import public_views

app_name = "targeting_public"
urlpatterns = [
    path("", public_views.draws, name="draws"),
    path("<int:pk>/", public_views.draw, name="draw"),
]
