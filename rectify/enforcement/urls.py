from django.urls import path

from rectify.core.generic.urls import model_urlpatterns

from . import views

app_name = "enforcement"
urlpatterns = [
    path("complaints/overdue/", views.ComplaintsOverdueView.as_view(), name="complaints_overdue"),
    path("problems/overdue/", views.ProblemsOverdueView.as_view(), name="problems_overdue"),
    path("cases/criminal-check/", views.CriminalCheckView.as_view(), name="criminal_check"),
    path("complaints/import-12315/", views.Complaint12315ImportView.as_view(), name="complaint_import_12315"),
    *model_urlpatterns("enforcement"),
]
