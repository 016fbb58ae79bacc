from django.urls import path

from rectify.core.generic.urls import model_urlpatterns

from . import views

app_name = "fieldwork"
urlpatterns = [
    path("trace/", views.TraceView.as_view(), name="trace"),
    path("ledgerentry/import/", views.LedgerImportView.as_view(), name="ledger_import"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    *model_urlpatterns("fieldwork"),
]
