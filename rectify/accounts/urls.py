from django.urls import path

from rectify.accounts import views
from rectify.core.generic.urls import model_urlpatterns

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("totp/", views.totp, name="totp"),
    path("totp/enrol/", views.totp_enrol, name="totp_enrol"),
    path("password/", views.password_change, name="password_change"),
    path("setup/<str:uidb64>/<str:token>/", views.account_setup, name="account_setup"),
    path("user/import/", views.UserImportView.as_view(kind="accounts"), name="user_import"),
    path("user/import/roles/", views.UserImportView.as_view(kind="roles"), name="user_roles_import"),
    path("user/<int:pk>/link/", views.user_issue_link, name="user_issue_link"),
    path("user/<int:pk>/initial-password/", views.user_initial_password, name="user_initial_password"),
    path("campaign/", views.choose_campaign, name="choose_campaign"),
    path("token/", views.token_list, name="token_list"),
    path("token/issue/", views.token_issue, name="token_issue"),
    path("token/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    *model_urlpatterns("accounts"),
]
