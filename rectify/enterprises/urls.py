from django.urls import path

from rectify.core.generic.urls import model_urlpatterns

from . import views

app_name = "enterprises"
urlpatterns = [
    path("import/", views.import_upload, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("import/<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("import/<int:pk>/failed-rows/", views.import_failed_rows, name="import_failed_rows"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("letterbatch/<int:pk>/letters.docx", views.letter_batch_docx, name="letter_batch_docx"),
    path("letters/coverage/", views.letter_coverage, name="letter_coverage"),
    *model_urlpatterns("enterprises"),
]
