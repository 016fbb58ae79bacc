from django.contrib.auth.decorators import login_required
from django.urls import path

from rectify.core.generic.urls import model_urlpatterns

from . import views

app_name = "targeting"
urlpatterns = [
    path("samplingplan/<int:pk>/accept/", views.PlanAcceptView.as_view(), name="plan_accept"),
    path("certificatecheck/<int:pk>/to-lead/", views.CheckToLeadView.as_view(), name="check_to_lead"),
    path("certificatecheck/flags/", login_required(views.check_flags), name="check_flags"),
    path("check-at/<str:label>/<int:pk>/", views.CheckAtView.as_view(), name="check_at"),
    path("exportlistentry/import/", views.ExportListImportView.as_view(), name="export_list_import"),
    *model_urlpatterns("targeting"),
]
