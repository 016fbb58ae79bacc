from django.urls import path

from rectify.core.registry import registry

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("totp/", views.totp, name="totp"),
    path("totp/enrol/", views.totp_enrol, name="totp_enrol"),
    path("password/", views.password_change, name="password_change"),
    *registry.urlpatterns("accounts"),
]
