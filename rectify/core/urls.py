from django.urls import path

from .dashboard import dashboard
from .registry import registry

app_name = "core"
urlpatterns = [path("", dashboard, name="dashboard"), *registry.urlpatterns("core")]
