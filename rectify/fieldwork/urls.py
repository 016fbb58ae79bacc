from rectify.core.registry import registry

app_name = "fieldwork"
urlpatterns = [*registry.urlpatterns("fieldwork")]
