from rectify.core.registry import registry

app_name = "reports"
urlpatterns = [*registry.urlpatterns("reports")]
