from django.urls import path

from rectify.core.generic.urls import model_urlpatterns

from . import views

app_name = "fieldwork"
urlpatterns = [
    path("trace/", views.TraceView.as_view(), name="trace"),
    path("ledgerentry/import/", views.LedgerImportView.as_view(), name="ledger_import"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("sample/<int:pk>/objection/", views.SampleObjectionView.as_view(), name="sample_objection"),
    path("sample/<int:pk>/retest/", views.SampleRetestView.as_view(), name="sample_retest"),
    path("covertvisit/<int:pk>/respond/", views.CovertVisitRespondView.as_view(), name="covertvisit_respond"),
    *model_urlpatterns("fieldwork"),
]
