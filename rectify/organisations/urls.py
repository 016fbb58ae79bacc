from rectify.core.generic.urls import model_urlpatterns

app_name = "organisations"
urlpatterns = model_urlpatterns("organisations")
