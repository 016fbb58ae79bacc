from rectify.core.registry import registry

app_name = "enterprises"
urlpatterns = [*registry.urlpatterns("enterprises")]
