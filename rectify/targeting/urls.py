from rectify.core.registry import registry

app_name = "targeting"
urlpatterns = [*registry.urlpatterns("targeting")]
