from rectify.core.registry import registry

app_name = "enforcement"
urlpatterns = [*registry.urlpatterns("enforcement")]
