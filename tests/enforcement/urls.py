"""The project's URLs with the public case pages mounted as the lead will mount them."""
from django.urls import include, path

from rectify.urls import handler400, handler403, handler404, handler500  # noqa: F401
from rectify.urls import urlpatterns as project

urlpatterns = [path("public/cases/", include("rectify.enforcement.public_urls")), *project]
