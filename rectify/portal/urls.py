from django.urls import path

from rectify.core.registry import registry

from . import views

app_name = "portal"
urlpatterns = [path("", views.index, name="index"), *registry.urlpatterns("portal")]
