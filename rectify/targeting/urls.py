from django.contrib.auth.decorators import login_required
from django.urls import path

from rectify.core.generic.urls import model_urlpatterns

from . import views

app_name = "targeting"
urlpatterns = [
    path("certificatecheck/flags/", login_required(views.check_flags), name="check_flags"),
    path("check-at/<str:label>/<int:pk>/", views.CheckAtView.as_view(), name="check_at"),
    path("exportlistentry/import/", views.ExportListImportView.as_view(), name="export_list_import"),
    *model_urlpatterns("targeting"),
]
