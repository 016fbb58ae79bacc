from django.urls import path

from .dashboard import dashboard
from .files import serve_file
from .notifications import inbox
from .registry import registry

app_name = "core"
urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("notifications/", inbox, name="notifications"),
    # Every uploaded file, checked against its record's scope (files.py); MEDIA_URL is not served.
    path("files/<slug:app_label>/<slug:model_name>/<int:pk>/<slug:field_name>/", serve_file, name="file"),
    *registry.urlpatterns("core"),
]
