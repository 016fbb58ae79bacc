from rectify.core.registry import registry

app_name = "organisations"
urlpatterns = registry.urlpatterns("organisations")
