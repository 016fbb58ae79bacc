"""Everything here is public (prefix /public/, see core/access/public.py)."""
from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("complaint/", views.complaint, name="complaint"),
    path("track/", views.track, name="track"),
    path("service/", views.service_track, name="service_track"),
    path("directory/", views.directory, name="directory"),
    path("check/", views.check, name="check"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("guidance/", views.guidance_list, name="guidance_list"),
    path("guidance/<int:pk>/", views.guidance, name="guidance"),
]
