from django.urls import path

from .dashboard import dashboard
from .notifications import inbox
from .registry import registry

app_name = "core"
urlpatterns = [path("", dashboard, name="dashboard"), path("notifications/", inbox, name="notifications"), *registry.urlpatterns("core")]
